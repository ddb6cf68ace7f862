// SqliteNamespaceStore: retrievers, their executions and interactions (schema v4), and
// the collection fingerprint vector indexes are checked against.
//
// Each struct is stored whole as a record BLOB (`body`, model::EncodeValue format via a
// model::Value built here); the columns beside it exist only for lookups and ordering.

#include <string>
#include <vector>

#include "storage/sqlite/record_codec.h"
#include "storage/sqlite/sqlite_namespace_store.h"

namespace ferry::storage::sqlite {
namespace {

using model::Value;
using model::ValueArray;
using model::ValueObject;

Value Strings(const std::vector<std::string>& v) {
  ValueArray out;
  for (const auto& s : v) out.emplace_back(s);
  return Value(std::move(out));
}

std::vector<std::string> ToStrings(const Value* v) {
  std::vector<std::string> out;
  if (v == nullptr || !v->is_array()) return out;
  for (const auto& e : v->as_array()) {
    if (e.is_string()) out.push_back(e.as_string());
  }
  return out;
}

Value Opt(const std::optional<std::string>& s) { return s ? Value(*s) : Value(); }

std::optional<std::string> OptOf(const Value* v) {
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return v->as_string();
}

const Value& Or(const Value* v) {
  static const Value kNull;
  return v != nullptr ? *v : kNull;
}

std::string Str(const Value& o, const char* key) {
  const Value* v = o.Get(key);
  return v != nullptr && v->is_string() ? v->as_string() : std::string();
}

int64_t Int(const Value& o, const char* key) {
  const Value* v = o.Get(key);
  return v != nullptr && v->is_int() ? v->as_int() : 0;
}

double Num(const Value& o, const char* key) {
  const Value* v = o.Get(key);
  return v != nullptr && v->is_number() ? v->as_double() : 0.0;
}

// ---- record encodings ----

std::string EncodeRetriever(const model::Retriever& r) {
  ValueArray stages;
  for (const auto& s : r.stages) {
    ValueObject o;
    o.Set("stage_name", s.stage_name);
    o.Set("stage_type", Opt(s.stage_type));
    o.Set("stage_id", s.stage_id);
    o.Set("parameters", s.parameters);
    o.Set("description", Opt(s.description));
    stages.emplace_back(std::move(o));
  }
  ValueObject o;
  o.Set("retriever_id", r.retriever_id);
  o.Set("retriever_name", r.retriever_name);
  o.Set("description", Opt(r.description));
  o.Set("collection_ids", Strings(r.collection_ids));
  o.Set("stages", Value(std::move(stages)));
  o.Set("input_schema", r.input_schema);
  o.Set("budget_limits", r.budget_limits);
  o.Set("display_config", r.display_config);
  o.Set("tags", Strings(r.tags));
  o.Set("version", r.version);
  o.Set("created_at", r.created_at);
  o.Set("updated_at", r.updated_at);
  return EncodeValueBlob(Value(std::move(o)));
}

bool DecodeRetriever(std::string_view bytes, model::Retriever* r) {
  Value v;
  if (!DecodeValueBlob(bytes, &v) || !v.is_object()) return false;
  r->retriever_id = Str(v, "retriever_id");
  r->retriever_name = Str(v, "retriever_name");
  r->description = OptOf(v.Get("description"));
  r->collection_ids = ToStrings(v.Get("collection_ids"));
  const Value* stages = v.Get("stages");
  if (stages == nullptr || !stages->is_array()) return false;
  for (const auto& s : stages->as_array()) {
    model::RetrieverStage st;
    st.stage_name = Str(s, "stage_name");
    st.stage_type = OptOf(s.Get("stage_type"));
    st.stage_id = Str(s, "stage_id");
    st.parameters = Or(s.Get("parameters"));
    st.description = OptOf(s.Get("description"));
    r->stages.push_back(std::move(st));
  }
  r->input_schema = Or(v.Get("input_schema"));
  r->budget_limits = Or(v.Get("budget_limits"));
  r->display_config = Or(v.Get("display_config"));
  r->tags = ToStrings(v.Get("tags"));
  r->version = Int(v, "version");
  r->created_at = Int(v, "created_at");
  r->updated_at = Int(v, "updated_at");
  return true;
}

std::string EncodeExecution(const model::RetrieverExecution& e) {
  ValueArray results;
  for (const auto& r : e.results) {
    ValueObject o;
    o.Set("document_id", r.document_id);
    o.Set("collection_id", r.collection_id);
    o.Set("score", r.score);
    results.emplace_back(std::move(o));
  }
  ValueArray stages;
  for (const auto& s : e.stages) {
    ValueObject o;
    o.Set("stage_name", s.stage_name);
    o.Set("input_count", s.input_count);
    o.Set("output_count", s.output_count);
    o.Set("duration_ms", s.duration_ms);
    stages.emplace_back(std::move(o));
  }
  ValueObject o;
  o.Set("execution_id", e.execution_id);
  o.Set("retriever_id", e.retriever_id);
  o.Set("status", e.status);
  o.Set("inputs", e.inputs);
  o.Set("results", Value(std::move(results)));
  o.Set("stages", Value(std::move(stages)));
  o.Set("total_processed", e.total_processed);
  o.Set("latency_ms", e.latency_ms);
  o.Set("error", Opt(e.error));
  o.Set("created_at", e.created_at);
  o.Set("completed_at", e.completed_at);
  return EncodeValueBlob(Value(std::move(o)));
}

bool DecodeExecution(std::string_view bytes, model::RetrieverExecution* e) {
  Value v;
  if (!DecodeValueBlob(bytes, &v) || !v.is_object()) return false;
  e->execution_id = Str(v, "execution_id");
  e->retriever_id = Str(v, "retriever_id");
  e->status = Str(v, "status");
  e->inputs = Or(v.Get("inputs"));
  if (const Value* results = v.Get("results"); results != nullptr && results->is_array()) {
    for (const auto& r : results->as_array()) {
      e->results.push_back({Str(r, "document_id"), Str(r, "collection_id"), Num(r, "score")});
    }
  }
  if (const Value* stages = v.Get("stages"); stages != nullptr && stages->is_array()) {
    for (const auto& s : stages->as_array()) {
      e->stages.push_back({Str(s, "stage_name"), Int(s, "input_count"), Int(s, "output_count"),
                           Num(s, "duration_ms")});
    }
  }
  e->total_processed = Int(v, "total_processed");
  e->latency_ms = Num(v, "latency_ms");
  e->error = OptOf(v.Get("error"));
  e->created_at = Int(v, "created_at");
  e->completed_at = Int(v, "completed_at");
  return true;
}

std::string EncodeInteraction(const model::Interaction& i) {
  ValueObject o;
  o.Set("interaction_id", i.interaction_id);
  o.Set("feature_id", i.feature_id);
  o.Set("interaction_type", Strings(i.interaction_type));
  o.Set("position", i.position);
  o.Set("metadata", i.metadata);
  o.Set("user_id", Opt(i.user_id));
  o.Set("session_id", Opt(i.session_id));
  o.Set("execution_id", Opt(i.execution_id));
  o.Set("retriever_id", Opt(i.retriever_id));
  o.Set("query_snapshot", i.query_snapshot);
  o.Set("document_score", i.document_score ? Value(*i.document_score) : Value());
  o.Set("result_set_size", i.result_set_size ? Value(*i.result_set_size) : Value());
  o.Set("created_at", i.created_at);
  return EncodeValueBlob(Value(std::move(o)));
}

bool DecodeInteraction(std::string_view bytes, model::Interaction* i) {
  Value v;
  if (!DecodeValueBlob(bytes, &v) || !v.is_object()) return false;
  i->interaction_id = Str(v, "interaction_id");
  i->feature_id = Str(v, "feature_id");
  i->interaction_type = ToStrings(v.Get("interaction_type"));
  i->position = Int(v, "position");
  i->metadata = Or(v.Get("metadata"));
  i->user_id = OptOf(v.Get("user_id"));
  i->session_id = OptOf(v.Get("session_id"));
  i->execution_id = OptOf(v.Get("execution_id"));
  i->retriever_id = OptOf(v.Get("retriever_id"));
  i->query_snapshot = Or(v.Get("query_snapshot"));
  if (const Value* s = v.Get("document_score"); s != nullptr && s->is_number()) {
    i->document_score = s->as_double();
  }
  if (const Value* n = v.Get("result_set_size"); n != nullptr && n->is_int()) {
    i->result_set_size = n->as_int();
  }
  i->created_at = Int(v, "created_at");
  return true;
}

// ---- row readers ----

Result<model::Retriever> ReadRetriever(const Statement& row) {
  model::Retriever r;
  if (!DecodeRetriever(row.Blob(0), &r)) return CorruptField("retrievers.body");
  return r;
}

Result<model::RetrieverExecution> ReadExecution(const Statement& row) {
  model::RetrieverExecution e;
  if (!DecodeExecution(row.Blob(0), &e)) return CorruptField("retriever_executions.body");
  return e;
}

Result<model::Interaction> ReadInteraction(const Statement& row) {
  model::Interaction i;
  if (!DecodeInteraction(row.Blob(0), &i)) return CorruptField("retriever_interactions.body");
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
    stmt.BindBlob(3, EncodeRetriever(r));
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
    stmt.BindBlob(2, EncodeRetriever(r));
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
    stmt.BindBlob(4, EncodeExecution(e));
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
    stmt.BindBlob(8, EncodeInteraction(i));
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
    // Bumped by triggers on every document write (schema v4).
    FERRY_ASSIGN_OR_RETURN(Statement marks,
                           db.Prepare("SELECT COALESCE(MAX(mark), 0) FROM collection_writes "
                                      "WHERE collection_id = ?"));
    marks.BindText(1, collection_id);
    FERRY_ASSIGN_OR_RETURN(v.write_mark, FetchInt(marks));
    return v;
  });
}

}  // namespace ferry::storage::sqlite
