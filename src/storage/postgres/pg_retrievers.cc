#include "storage/postgres/pg_retrievers.h"

#include "storage/postgres/pg_params.h"
#include "storage/postgres/pg_record_rows.h"
#include "storage/postgres/pg_records.h"

namespace ferry::storage::postgres::pg {
namespace {

Result<std::vector<model::Retriever>> Retrievers(const pqxx::result& r) {
  return ReadRecords<model::Retriever>(r, DecodeRetrieverRecord, "retrievers.body");
}

Result<std::vector<model::RetrieverExecution>> Executions(const pqxx::result& r) {
  return ReadRecords<model::RetrieverExecution>(r, DecodeRetrieverExecutionRecord,
                                                "retriever_executions.body");
}

// "|view|click|": one type matches as the substring "|view|".
std::string TypesColumn(const std::vector<std::string>& types) {
  std::string out = "|";
  for (const auto& t : types) out.append(t).append("|");
  return out;
}

// The WHERE clause of interaction lists ($1 the namespace): every unset filter is NULL
// and matches all.
constexpr char kInteractionWhere[] =
    " WHERE namespace_id = $1 AND ($2::text IS NULL OR execution_id = $2) "
    "AND ($3::text IS NULL OR retriever_id = $3) AND ($4::text IS NULL OR session_id = $4) "
    "AND ($5::text IS NULL OR user_id = $5) AND ($6::text IS NULL OR feature_id = $6) "
    "AND ($7::text IS NULL OR strpos(interaction_types, $7) > 0)";

std::optional<std::string> TypeNeedle(const model::InteractionQuery& q) {
  if (!q.interaction_type) return std::nullopt;
  return "|" + *q.interaction_type + "|";
}

// True when the retriever exists; it is then share-locked until the transaction ends, so
// a concurrent DeleteRetriever cannot leave an execution behind.
bool LockRetriever(pqxx::work& tx, const std::string& ns, const std::string& retriever_id) {
  return !tx.exec_params(
                "SELECT 1 FROM retrievers WHERE namespace_id = $1 "
                "AND retriever_id = $2 FOR KEY SHARE",
                ns, retriever_id)
              .empty();
}

}  // namespace

// ---- retrievers ----

Status InsertRetriever(pqxx::work& tx, const std::string& ns, const model::Retriever& r) {
  tx.exec_params(
      "INSERT INTO retrievers (namespace_id, retriever_id, retriever_name, body, created_at, "
      "updated_at) VALUES ($1, $2, $3, $4, $5, $6)",
      ns, r.retriever_id, r.retriever_name, Bytes(EncodeRetrieverRecord(r)), r.created_at,
      r.updated_at);
  return Status::Ok();
}

Result<model::Retriever> GetRetriever(pqxx::work& tx, const std::string& ns,
                                      const std::string& retriever_id) {
  auto r =
      tx.exec_params("SELECT body FROM retrievers WHERE namespace_id = $1 AND retriever_id = $2",
                     ns, retriever_id);
  return ReadOneRecord<model::Retriever>(r, DecodeRetrieverRecord, "retrievers.body",
                                         "retriever not found: " + retriever_id);
}

Result<model::Retriever> GetRetrieverByName(pqxx::work& tx, const std::string& ns,
                                            const std::string& name) {
  auto r = tx.exec_params(
      "SELECT body FROM retrievers WHERE namespace_id = $1 AND retriever_name = $2", ns, name);
  return ReadOneRecord<model::Retriever>(r, DecodeRetrieverRecord, "retrievers.body",
                                         "retriever not found: " + name);
}

Result<std::vector<model::Retriever>> ListRetrievers(pqxx::work& tx, const std::string& ns,
                                                     const model::Page& page) {
  return Retrievers(
      tx.exec_params("SELECT body FROM retrievers WHERE namespace_id = $1 "
                     "ORDER BY created_at, retriever_id LIMIT $2 OFFSET $3",
                     ns, PageLimit(page), PageOffset(page)));
}

Result<int64_t> CountRetrievers(pqxx::work& tx, const std::string& ns) {
  return ReadInt(
      tx.exec_params("SELECT COUNT(*) FROM retrievers WHERE namespace_id = $1", ns)[0][0]);
}

Status UpdateRetriever(pqxx::work& tx, const std::string& ns, const model::Retriever& r) {
  auto result = tx.exec_params(
      "UPDATE retrievers SET retriever_name = $3, body = $4, updated_at = $5 "
      "WHERE namespace_id = $1 AND retriever_id = $2",
      ns, r.retriever_id, r.retriever_name, Bytes(EncodeRetrieverRecord(r)), r.updated_at);
  return ChangedOrNotFound(result, "retriever not found: " + r.retriever_id);
}

Status DeleteRetriever(pqxx::work& tx, const std::string& ns, const std::string& retriever_id) {
  auto r = tx.exec_params("DELETE FROM retrievers WHERE namespace_id = $1 AND retriever_id = $2",
                          ns, retriever_id);
  FERRY_RETURN_IF_ERROR(ChangedOrNotFound(r, "retriever not found: " + retriever_id));
  // The cascade SQLite's foreign key does; interactions stay (feedback on documents).
  tx.exec_params("DELETE FROM retriever_executions WHERE namespace_id = $1 AND retriever_id = $2",
                 ns, retriever_id);
  return Status::Ok();
}

// ---- executions ----

Status InsertExecution(pqxx::work& tx, const std::string& ns, const model::RetrieverExecution& e) {
  if (!LockRetriever(tx, ns, e.retriever_id)) {
    return Status::NotFound("retriever not found: " + e.retriever_id);
  }
  tx.exec_params(
      "INSERT INTO retriever_executions (namespace_id, execution_id, retriever_id, status, body, "
      "created_at) VALUES ($1, $2, $3, $4, $5, $6)",
      ns, e.execution_id, e.retriever_id, e.status, Bytes(EncodeRetrieverExecutionRecord(e)),
      e.created_at);
  return Status::Ok();
}

Result<model::RetrieverExecution> GetExecution(pqxx::work& tx, const std::string& ns,
                                               const std::string& retriever_id,
                                               const std::string& execution_id) {
  auto r = tx.exec_params(
      "SELECT body FROM retriever_executions WHERE namespace_id = $1 AND execution_id = $2 "
      "AND retriever_id = $3",
      ns, execution_id, retriever_id);
  return ReadOneRecord<model::RetrieverExecution>(r, DecodeRetrieverExecutionRecord,
                                                  "retriever_executions.body",
                                                  "execution not found: " + execution_id);
}

Result<std::vector<model::RetrieverExecution>> ListExecutions(
    pqxx::work& tx, const std::string& ns, const std::string& retriever_id,
    const std::optional<std::string>& status, const model::Page& page) {
  return Executions(tx.exec_params(
      "SELECT body FROM retriever_executions WHERE namespace_id = $1 AND retriever_id = $2 "
      "AND ($3::text IS NULL OR status = $3) ORDER BY created_at DESC, execution_id "
      "LIMIT $4 OFFSET $5",
      ns, retriever_id, status, PageLimit(page), PageOffset(page)));
}

Result<int64_t> CountExecutions(pqxx::work& tx, const std::string& ns,
                                const std::string& retriever_id,
                                const std::optional<std::string>& status) {
  return ReadInt(tx.exec_params(
      "SELECT COUNT(*) FROM retriever_executions WHERE namespace_id = $1 AND retriever_id = $2 "
      "AND ($3::text IS NULL OR status = $3)",
      ns, retriever_id, status)[0][0]);
}

// ---- interactions ----

Status InsertInteraction(pqxx::work& tx, const std::string& ns, const model::Interaction& i) {
  tx.exec_params(
      "INSERT INTO retriever_interactions (namespace_id, interaction_id, retriever_id, "
      "execution_id, session_id, user_id, feature_id, interaction_types, body, created_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
      ns, i.interaction_id, i.retriever_id, i.execution_id, i.session_id, i.user_id, i.feature_id,
      TypesColumn(i.interaction_type), Bytes(EncodeInteractionRecord(i)), i.created_at);
  return Status::Ok();
}

Result<model::Interaction> GetInteraction(pqxx::work& tx, const std::string& ns,
                                          const std::string& interaction_id) {
  auto r = tx.exec_params(
      "SELECT body FROM retriever_interactions WHERE namespace_id = $1 AND interaction_id = $2", ns,
      interaction_id);
  return ReadOneRecord<model::Interaction>(r, DecodeInteractionRecord,
                                           "retriever_interactions.body",
                                           "interaction not found: " + interaction_id);
}

Result<std::vector<model::Interaction>> ListInteractions(pqxx::work& tx, const std::string& ns,
                                                         const model::InteractionQuery& query,
                                                         const model::Page& page) {
  auto r =
      tx.exec_params(std::string("SELECT body FROM retriever_interactions") + kInteractionWhere +
                         " ORDER BY created_at DESC, interaction_id LIMIT $8 OFFSET $9",
                     ns, query.execution_id, query.retriever_id, query.session_id, query.user_id,
                     query.feature_id, TypeNeedle(query), PageLimit(page), PageOffset(page));
  return ReadRecords<model::Interaction>(r, DecodeInteractionRecord, "retriever_interactions.body");
}

Result<int64_t> CountInteractions(pqxx::work& tx, const std::string& ns,
                                  const model::InteractionQuery& query) {
  return ReadInt(
      tx.exec_params(std::string("SELECT COUNT(*) FROM retriever_interactions") + kInteractionWhere,
                     ns, query.execution_id, query.retriever_id, query.session_id, query.user_id,
                     query.feature_id, TypeNeedle(query))[0][0]);
}

Status DeleteInteraction(pqxx::work& tx, const std::string& ns, const std::string& interaction_id) {
  auto r = tx.exec_params(
      "DELETE FROM retriever_interactions WHERE namespace_id = $1 AND interaction_id = $2", ns,
      interaction_id);
  return ChangedOrNotFound(r, "interaction not found: " + interaction_id);
}

Status DropRetrievers(pqxx::work& tx, const std::string& ns) {
  for (const char* table : {"retriever_interactions", "retriever_executions", "retrievers"}) {
    tx.exec_params(std::string("DELETE FROM ") + table + " WHERE namespace_id = $1", ns);
  }
  return Status::Ok();
}

}  // namespace ferry::storage::postgres::pg
