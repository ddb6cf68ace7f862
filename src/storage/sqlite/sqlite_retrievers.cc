// SqliteNamespaceStore: retrievers, their executions and interactions (schema v4), and
// the collection fingerprint vector indexes are checked against.
//
// Each struct is stored whole as a record BLOB (`body`, retriever_records.h); the columns
// beside it exist only for lookups and ordering.

#include <string>
#include <vector>

#include "storage/records/record_codec.h"
#include "storage/records/retriever_records.h"
#include "storage/sqlite/sqlite_namespace_store.h"

namespace ferry::storage::sqlite {
namespace {

// ---- row readers ----

Result<model::Retriever> ReadRetriever(const Statement& row) {
  model::Retriever r;
  if (!records::DecodeRetrieverRecord(row.Blob(0), &r))
    return records::CorruptField("retrievers.body");
  return r;
}

Result<model::RetrieverExecution> ReadExecution(const Statement& row) {
  model::RetrieverExecution e;
  if (!records::DecodeRetrieverExecutionRecord(row.Blob(0), &e))
    return records::CorruptField("retriever_executions.body");
  return e;
}

Result<model::Interaction> ReadInteraction(const Statement& row) {
  model::Interaction i;
  if (!records::DecodeInteractionRecord(row.Blob(0), &i))
    return records::CorruptField("retriever_interactions.body");
  return i;
}

std::string TypesColumn(const std::vector<std::string>& types) {
  std::string out = "|";
  for (const auto& t : types) out.append(t).append("|");
  return out;
}

// The WHERE clause of interaction lists: every unset filter is bound NULL and matches all.
constexpr char kInteractionWhere[] =
    "WHERE (?1 IS NULL OR execution_id = ?1) AND (?2 IS NULL OR retriever_id = ?2) "
    "AND (?3 IS NULL OR session_id = ?3) AND (?4 IS NULL OR user_id = ?4) "
    "AND (?5 IS NULL OR feature_id = ?5) AND (?6 IS NULL OR interaction_types LIKE ?6)";

void BindInteractionQuery(Statement& stmt, const model::InteractionQuery& q) {
  stmt.BindOptionalText(1, q.execution_id);
  stmt.BindOptionalText(2, q.retriever_id);
  stmt.BindOptionalText(3, q.session_id);
  stmt.BindOptionalText(4, q.user_id);
  stmt.BindOptionalText(5, q.feature_id);
  std::optional<std::string> like;
  if (q.interaction_type) like = "%|" + *q.interaction_type + "|%";
  stmt.BindOptionalText(6, like);
}

}  // namespace

// ---- retrievers ----

Status SqliteNamespaceStore::InsertRetriever(const model::Retriever& r) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("INSERT INTO retrievers (retriever_id, retriever_name, "
                                      "body, created_at, updated_at) VALUES (?, ?, ?, ?, ?)"));
    stmt.BindText(1, r.retriever_id);
    stmt.BindText(2, r.retriever_name);
    stmt.BindBlob(3, records::EncodeRetrieverRecord(r));
    stmt.BindInt(4, r.created_at);
    stmt.BindInt(5, r.updated_at);
    return stmt.Run();
  });
}

Result<model::Retriever> SqliteNamespaceStore::GetRetriever(const std::string& retriever_id) {
  return db_->Locked([&](SqliteDb& db) -> Result<model::Retriever> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("SELECT body FROM retrievers WHERE retriever_id = ?"));
    stmt.BindText(1, retriever_id);
    return FetchOne(stmt, ReadRetriever, "retriever not found: " + retriever_id);
  });
}

Result<model::Retriever> SqliteNamespaceStore::GetRetrieverByName(const std::string& name) {
  return db_->Locked([&](SqliteDb& db) -> Result<model::Retriever> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("SELECT body FROM retrievers WHERE retriever_name = ?"));
    stmt.BindText(1, name);
    return FetchOne(stmt, ReadRetriever, "retriever not found: " + name);
  });
}

Result<std::vector<model::Retriever>> SqliteNamespaceStore::ListRetrievers(
    const model::Page& page) {
  return db_->Locked([&](SqliteDb& db) -> Result<std::vector<model::Retriever>> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("SELECT body FROM retrievers ORDER BY created_at, "
                                      "retriever_id LIMIT ? OFFSET ?"));
    stmt.BindInt(1, page.limit);
    stmt.BindInt(2, page.offset);
    return FetchAll(stmt, ReadRetriever);
  });
}

Result<int64_t> SqliteNamespaceStore::CountRetrievers() {
  return db_->Locked([](SqliteDb& db) -> Result<int64_t> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt, db.Prepare("SELECT COUNT(*) FROM retrievers"));
    return FetchInt(stmt);
  });
}

Status SqliteNamespaceStore::UpdateRetriever(const model::Retriever& r) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("UPDATE retrievers SET retriever_name = ?, body = ?, "
                                      "updated_at = ? WHERE retriever_id = ?"));
    stmt.BindText(1, r.retriever_name);
    stmt.BindBlob(2, records::EncodeRetrieverRecord(r));
    stmt.BindInt(3, r.updated_at);
    stmt.BindText(4, r.retriever_id);
    FERRY_RETURN_IF_ERROR(stmt.Run());
    if (db.Changes() == 0) return Status::NotFound("retriever not found: " + r.retriever_id);
    return Status::Ok();
  });
}

Status SqliteNamespaceStore::DeleteRetriever(const std::string& retriever_id) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    // Executions go by cascade, in the same statement.
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("DELETE FROM retrievers WHERE retriever_id = ?"));
    stmt.BindText(1, retriever_id);
    FERRY_RETURN_IF_ERROR(stmt.Run());
    if (db.Changes() == 0) return Status::NotFound("retriever not found: " + retriever_id);
    return Status::Ok();
  });
}

// ---- executions ----

Status SqliteNamespaceStore::InsertExecution(const model::RetrieverExecution& e) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    FERRY_ASSIGN_OR_RETURN(bool exists,
                           RowExists(db, "retrievers", "retriever_id", e.retriever_id));
    if (!exists) return Status::NotFound("retriever not found: " + e.retriever_id);
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("INSERT INTO retriever_executions (execution_id, "
                                      "retriever_id, status, body, created_at) "
                                      "VALUES (?, ?, ?, ?, ?)"));
    stmt.BindText(1, e.execution_id);
    stmt.BindText(2, e.retriever_id);
    stmt.BindText(3, e.status);
    stmt.BindBlob(4, records::EncodeRetrieverExecutionRecord(e));
    stmt.BindInt(5, e.created_at);
    return stmt.Run();
  });
}

Result<model::RetrieverExecution> SqliteNamespaceStore::GetExecution(
    const std::string& retriever_id, const std::string& execution_id) {
  return db_->Locked([&](SqliteDb& db) -> Result<model::RetrieverExecution> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("SELECT body FROM retriever_executions "
                                      "WHERE execution_id = ? AND retriever_id = ?"));
    stmt.BindText(1, execution_id);
    stmt.BindText(2, retriever_id);
    return FetchOne(stmt, ReadExecution, "execution not found: " + execution_id);
  });
}

Result<std::vector<model::RetrieverExecution>> SqliteNamespaceStore::ListExecutions(
    const std::string& retriever_id, const std::optional<std::string>& status,
    const model::Page& page) {
  return db_->Locked([&](SqliteDb& db) -> Result<std::vector<model::RetrieverExecution>> {
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("SELECT body FROM retriever_executions WHERE retriever_id = ? "
                   "AND (?2 IS NULL OR status = ?2) ORDER BY created_at DESC, execution_id "
                   "LIMIT ? OFFSET ?"));
    stmt.BindText(1, retriever_id);
    stmt.BindOptionalText(2, status);
    stmt.BindInt(3, page.limit);
    stmt.BindInt(4, page.offset);
    return FetchAll(stmt, ReadExecution);
  });
}

Result<int64_t> SqliteNamespaceStore::CountExecutions(const std::string& retriever_id,
                                                      const std::optional<std::string>& status) {
  return db_->Locked([&](SqliteDb& db) -> Result<int64_t> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("SELECT COUNT(*) FROM retriever_executions WHERE "
                                      "retriever_id = ? AND (?2 IS NULL OR status = ?2)"));
    stmt.BindText(1, retriever_id);
    stmt.BindOptionalText(2, status);
    return FetchInt(stmt);
  });
}

// ---- interactions ----

Status SqliteNamespaceStore::InsertInteraction(const model::Interaction& i) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("INSERT INTO retriever_interactions (interaction_id, retriever_id, "
                   "execution_id, session_id, user_id, feature_id, interaction_types, body, "
                   "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    stmt.BindText(1, i.interaction_id);
    stmt.BindOptionalText(2, i.retriever_id);
    stmt.BindOptionalText(3, i.execution_id);
    stmt.BindOptionalText(4, i.session_id);
    stmt.BindOptionalText(5, i.user_id);
    stmt.BindText(6, i.feature_id);
    stmt.BindText(7, TypesColumn(i.interaction_type));
    stmt.BindBlob(8, records::EncodeInteractionRecord(i));
    stmt.BindInt(9, i.created_at);
    return stmt.Run();
  });
}

Result<model::Interaction> SqliteNamespaceStore::GetInteraction(const std::string& interaction_id) {
  return db_->Locked([&](SqliteDb& db) -> Result<model::Interaction> {
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("SELECT body FROM retriever_interactions WHERE interaction_id = ?"));
    stmt.BindText(1, interaction_id);
    return FetchOne(stmt, ReadInteraction, "interaction not found: " + interaction_id);
  });
}

Result<std::vector<model::Interaction>> SqliteNamespaceStore::ListInteractions(
    const model::InteractionQuery& query, const model::Page& page) {
  return db_->Locked([&](SqliteDb& db) -> Result<std::vector<model::Interaction>> {
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare(std::string("SELECT body FROM retriever_interactions ") + kInteractionWhere +
                   " ORDER BY created_at DESC, interaction_id LIMIT ?7 OFFSET ?8"));
    BindInteractionQuery(stmt, query);
    stmt.BindInt(7, page.limit);
    stmt.BindInt(8, page.offset);
    return FetchAll(stmt, ReadInteraction);
  });
}

Result<int64_t> SqliteNamespaceStore::CountInteractions(const model::InteractionQuery& query) {
  return db_->Locked([&](SqliteDb& db) -> Result<int64_t> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare(std::string("SELECT COUNT(*) FROM retriever_interactions ") +
                                      kInteractionWhere));
    BindInteractionQuery(stmt, query);
    return FetchInt(stmt);
  });
}

Status SqliteNamespaceStore::DeleteInteraction(const std::string& interaction_id) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt, db.Prepare("DELETE FROM retriever_interactions WHERE interaction_id = ?"));
    stmt.BindText(1, interaction_id);
    FERRY_RETURN_IF_ERROR(stmt.Run());
    if (db.Changes() == 0) return Status::NotFound("interaction not found: " + interaction_id);
    return Status::Ok();
  });
}

// ---- collection fingerprint ----

Result<model::CollectionVersion> SqliteNamespaceStore::GetCollectionVersion(
    const std::string& collection_id) {
  return db_->Locked([&](SqliteDb& db) -> Result<model::CollectionVersion> {
    model::CollectionVersion v;
    FERRY_ASSIGN_OR_RETURN(Statement docs,
                           db.Prepare("SELECT COUNT(*), COALESCE(MAX(updated_at), 0) FROM "
                                      "documents WHERE collection_id = ?"));
    docs.BindText(1, collection_id);
    FERRY_ASSIGN_OR_RETURN(bool row, docs.Step());
    if (row) {
      v.document_count = docs.Int(0);
      v.max_updated_at = docs.Int(1);
    }
    // Advanced by every document write (BumpCollectionWrites; deletes and moves by trigger).
    FERRY_ASSIGN_OR_RETURN(Statement marks,
                           db.Prepare("SELECT COALESCE(MAX(mark), 0) FROM collection_writes "
                                      "WHERE collection_id = ?"));
    marks.BindText(1, collection_id);
    FERRY_ASSIGN_OR_RETURN(v.write_mark, FetchInt(marks));
    return v;
  });
}

}  // namespace ferry::storage::sqlite
