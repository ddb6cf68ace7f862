#include "storage/postgres/pg_clusters.h"

#include "storage/postgres/pg_params.h"
#include "storage/postgres/pg_record_rows.h"
#include "storage/postgres/pg_records.h"

namespace ferry::storage::postgres::pg {
namespace {

Result<model::Cluster> OneCluster(const pqxx::result& r, const std::string& key) {
  return ReadOneRecord<model::Cluster>(r, DecodeClusterRecord, "clusters.body",
                                       "cluster not found: " + key);
}

// True when the cluster exists; it is then share-locked until the transaction ends, so
// a concurrent DeleteCluster cannot leave an execution behind.
bool LockCluster(pqxx::work& tx, const std::string& ns, const std::string& cluster_id) {
  return !tx.exec_params(
                "SELECT 1 FROM clusters WHERE namespace_id = $1 AND cluster_id = $2 "
                "FOR KEY SHARE",
                ns, cluster_id)
              .empty();
}

}  // namespace

// ---- clusters ----

Status InsertCluster(pqxx::work& tx, const std::string& ns, const model::Cluster& c) {
  tx.exec_params(
      "INSERT INTO clusters (namespace_id, cluster_id, cluster_name, body, created_at, "
      "updated_at) VALUES ($1, $2, $3, $4, $5, $6)",
      ns, c.cluster_id, c.cluster_name, Bytes(EncodeClusterRecord(c)), c.created_at, c.updated_at);
  return Status::Ok();
}

Result<model::Cluster> GetCluster(pqxx::work& tx, const std::string& ns,
                                  const std::string& cluster_id) {
  return OneCluster(
      tx.exec_params("SELECT body FROM clusters WHERE namespace_id = $1 AND cluster_id = $2", ns,
                     cluster_id),
      cluster_id);
}

Result<model::Cluster> GetClusterByName(pqxx::work& tx, const std::string& ns,
                                        const std::string& name) {
  return OneCluster(
      tx.exec_params("SELECT body FROM clusters WHERE namespace_id = $1 AND cluster_name = $2", ns,
                     name),
      name);
}

Result<std::vector<model::Cluster>> ListClusters(pqxx::work& tx, const std::string& ns,
                                                 const model::Page& page) {
  auto r = tx.exec_params(
      "SELECT body FROM clusters WHERE namespace_id = $1 ORDER BY created_at, cluster_id "
      "LIMIT $2 OFFSET $3",
      ns, PageLimit(page), PageOffset(page));
  return ReadRecords<model::Cluster>(r, DecodeClusterRecord, "clusters.body");
}

Result<int64_t> CountClusters(pqxx::work& tx, const std::string& ns) {
  return ReadInt(tx.exec_params("SELECT COUNT(*) FROM clusters WHERE namespace_id = $1", ns)[0][0]);
}

Status UpdateCluster(pqxx::work& tx, const std::string& ns, const model::Cluster& c) {
  auto r = tx.exec_params(
      "UPDATE clusters SET cluster_name = $3, body = $4, updated_at = $5 "
      "WHERE namespace_id = $1 AND cluster_id = $2",
      ns, c.cluster_id, c.cluster_name, Bytes(EncodeClusterRecord(c)), c.updated_at);
  return ChangedOrNotFound(r, "cluster not found: " + c.cluster_id);
}

Status DeleteCluster(pqxx::work& tx, const std::string& ns, const std::string& cluster_id) {
  auto r = tx.exec_params("DELETE FROM clusters WHERE namespace_id = $1 AND cluster_id = $2", ns,
                          cluster_id);
  FERRY_RETURN_IF_ERROR(ChangedOrNotFound(r, "cluster not found: " + cluster_id));
  // The cascade SQLite's foreign key does.
  tx.exec_params("DELETE FROM cluster_executions WHERE namespace_id = $1 AND cluster_id = $2", ns,
                 cluster_id);
  return Status::Ok();
}

// ---- executions ----

Status UpsertClusterExecution(pqxx::work& tx, const std::string& ns,
                              const model::ClusterExecution& e) {
  if (!LockCluster(tx, ns, e.cluster_id)) {
    return Status::NotFound("cluster not found: " + e.cluster_id);
  }
  tx.exec_params(
      "INSERT INTO cluster_executions (namespace_id, run_id, cluster_id, body, created_at) "
      "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (namespace_id, run_id) DO UPDATE SET "
      "cluster_id = EXCLUDED.cluster_id, body = EXCLUDED.body, created_at = EXCLUDED.created_at",
      ns, e.run_id, e.cluster_id, Bytes(EncodeClusterExecutionRecord(e)), e.created_at);
  return Status::Ok();
}

Result<model::ClusterExecution> GetClusterExecution(pqxx::work& tx, const std::string& ns,
                                                    const std::string& cluster_id,
                                                    const std::string& run_id) {
  auto r = tx.exec_params(
      "SELECT body FROM cluster_executions WHERE namespace_id = $1 AND run_id = $2 "
      "AND cluster_id = $3",
      ns, run_id, cluster_id);
  return ReadOneRecord<model::ClusterExecution>(r, DecodeClusterExecutionRecord,
                                                "cluster_executions.body",
                                                "cluster execution not found: " + run_id);
}

Result<std::vector<model::ClusterExecution>> ListClusterExecutions(pqxx::work& tx,
                                                                   const std::string& ns,
                                                                   const std::string& cluster_id,
                                                                   const model::Page& page) {
  auto r = tx.exec_params(
      "SELECT body FROM cluster_executions WHERE namespace_id = $1 AND cluster_id = $2 "
      "ORDER BY created_at DESC, run_id DESC LIMIT $3 OFFSET $4",
      ns, cluster_id, PageLimit(page), PageOffset(page));
  return ReadRecords<model::ClusterExecution>(r, DecodeClusterExecutionRecord,
                                              "cluster_executions.body");
}

Result<int64_t> CountClusterExecutions(pqxx::work& tx, const std::string& ns,
                                       const std::string& cluster_id) {
  return ReadInt(tx.exec_params(
      "SELECT COUNT(*) FROM cluster_executions WHERE namespace_id = $1 AND cluster_id = $2", ns,
      cluster_id)[0][0]);
}

Status DropClusters(pqxx::work& tx, const std::string& ns) {
  tx.exec_params("DELETE FROM cluster_executions WHERE namespace_id = $1", ns);
  tx.exec_params("DELETE FROM clusters WHERE namespace_id = $1", ns);
  return Status::Ok();
}

}  // namespace ferry::storage::postgres::pg
