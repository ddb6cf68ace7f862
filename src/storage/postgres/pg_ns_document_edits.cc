// PgNamespaceStore: the client document writes that edit or delete a selection of a
// collection's documents (EditDocuments, DeleteDocuments), each in one transaction.

#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/postgres/pg_array_param.h"
#include "storage/postgres/pg_change_log.h"
#include "storage/postgres/pg_namespace_store.h"
#include "storage/postgres/pg_ns_rows.h"
#include "storage/postgres/pg_params.h"
#include "storage/postgres/pg_records.h"
#include "storage/postgres/pg_rows.h"

namespace ferry::storage::postgres {
namespace {

std::vector<std::string> Distinct(const std::vector<std::string>& ids) {
  std::vector<std::string> out;
  std::set<std::string_view> seen;
  for (const std::string& id : ids) {
    if (seen.insert(id).second) out.push_back(id);
  }
  return out;
}

void LogDocuments(pqxx::work& tx, const std::string& ns, const std::string& collection_id,
                  const std::vector<std::string>& ids, ChangeOp op) {
  std::vector<ChangeRecord> log;
  log.reserve(ids.size());
  for (const auto& id : ids) log.push_back({ChangeItem::kDocument, collection_id, id, op});
  LogChanges(tx, ns, log);
}

// The selected documents, in the order of which.ids (else by id), with vectors when
// which.with_vectors, locked until the transaction ends (READ COMMITTED: a concurrent
// edit or delete of one of them waits for this one, then sees what it wrote).
Result<std::vector<model::Document>> SelectDocuments(pqxx::work& tx, const std::string& ns,
                                                     const std::string& collection_id,
                                                     const DocumentSelection& which) {
  const std::string columns = DocumentColumns(which.with_vectors);
  std::vector<model::Document> docs;
  if (which.ids.has_value()) {
    std::vector<std::string> ids = Distinct(*which.ids);
    auto r = tx.exec_params(Sql({"SELECT ", columns,
                                 " FROM documents WHERE namespace_id = $1 AND collection_id = $2 "
                                 "AND document_id = ANY ($3::text[]) FOR UPDATE"}),
                            ns, collection_id, TextArray(ids));
    FERRY_ASSIGN_OR_RETURN(auto found, ReadAll<model::Document>(r, ReadDocument));
    docs = InRequestOrder(
        std::move(found), ids,
        [](const model::Document& d) -> const auto& { return d.document_id; });
  } else {
    auto r = tx.exec_params(Sql({"SELECT ", columns,
                                 " FROM documents WHERE namespace_id = $1 AND collection_id = $2 "
                                 "ORDER BY document_id FOR UPDATE"}),
                            ns, collection_id);
    FERRY_ASSIGN_OR_RETURN(docs, ReadAll<model::Document>(r, ReadDocument));
  }
  if (which.where) std::erase_if(docs, [&](const auto& d) { return !which.where(d); });
  return docs;
}

// An edit or delete decodes, filters and edits its whole selection here, between its
// statements: for a large collection longer than the pool's idle-transaction timeout
// (pg_db.h), which would end the session and rerun the call until it gave up. Its
// transaction gets a longer bound (still ending a frozen process's row locks).
void AllowClientWorkBetweenStatements(pqxx::work& tx) {
  tx.exec("SET LOCAL idle_in_transaction_session_timeout = '5min'");
}

}  // namespace

Result<std::vector<model::Document>> PgNamespaceStore::EditDocuments(
    const std::string& collection_id, const DocumentSelection& which, const DocumentEdit& edit) {
  return Run("edit documents", [&](pqxx::work& tx) -> Result<std::vector<model::Document>> {
    AllowClientWorkBetweenStatements(tx);
    LockCollectionWrites(tx, ns_, {collection_id});  // before any row lock
    FERRY_ASSIGN_OR_RETURN(auto docs, SelectDocuments(tx, ns_, collection_id, which));
    std::vector<model::Document> written;
    for (model::Document& d : docs) {
      FERRY_ASSIGN_OR_RETURN(bool changed, edit(&d));
      if (changed) written.push_back(std::move(d));
    }
    if (which.with_vectors) {
      FERRY_RETURN_IF_ERROR(UpsertDocumentRows(tx, ns_, written));
    } else {
      for (const model::Document& d : written) {
        tx.exec_params(
            "UPDATE documents SET fields = $3, updated_at = $4, "
            "write_seq = nextval('document_writes') WHERE namespace_id = $1 AND document_id = $2",
            ns_, d.document_id, Bytes(EncodeValueBlob(d.fields)), d.updated_at);
      }
    }
    std::vector<std::string> ids;
    for (const model::Document& d : written) ids.push_back(d.document_id);
    LogDocuments(tx, ns_, collection_id, ids, ChangeOp::kUpsert);
    return written;
  });
}

Result<std::vector<std::string>> PgNamespaceStore::DeleteDocuments(const std::string& collection_id,
                                                                   const DocumentSelection& which) {
  return Run("delete documents", [&](pqxx::work& tx) -> Result<std::vector<std::string>> {
    AllowClientWorkBetweenStatements(tx);
    LockCollectionWrites(tx, ns_, {collection_id});  // before any row lock
    DocumentSelection plain = which;
    plain.with_vectors = false;
    FERRY_ASSIGN_OR_RETURN(auto docs, SelectDocuments(tx, ns_, collection_id, plain));
    std::vector<std::string> ids;
    ids.reserve(docs.size());
    for (const model::Document& d : docs) ids.push_back(d.document_id);
    if (ids.empty()) return ids;
    LogDocuments(tx, ns_, collection_id, ids, ChangeOp::kDelete);
    tx.exec_params(
        "DELETE FROM documents WHERE namespace_id = $1 AND collection_id = $2 "
        "AND document_id = ANY ($3::text[])",
        ns_, collection_id, TextArray(ids));
    return ids;
  });
}

}  // namespace ferry::storage::postgres
