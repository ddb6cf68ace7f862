// SqliteNamespaceStore: clusters and their executions (schema v5).
//
// Each struct is stored whole as a record BLOB (`body`, cluster_records.h); the columns
// beside it exist only for lookups and ordering.
// Centroid vectors are float32 little-endian bytes inside the record.

#include <string>
#include <vector>

#include "storage/records/cluster_records.h"
#include "storage/records/record_codec.h"
#include "storage/sqlite/sqlite_namespace_store.h"

namespace ferry::storage::sqlite {
namespace {

Result<model::Cluster> ReadCluster(const Statement& row) {
  model::Cluster c;
  if (!records::DecodeClusterRecord(row.Blob(0), &c)) return records::CorruptField("clusters.body");
  return c;
}

Result<model::ClusterExecution> ReadExecution(const Statement& row) {
  model::ClusterExecution e;
  if (!records::DecodeClusterExecutionRecord(row.Blob(0), &e))
    return records::CorruptField("cluster_executions.body");
  return e;
}

}  // namespace

// ---- clusters ----

Status SqliteNamespaceStore::InsertCluster(const model::Cluster& c) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("INSERT INTO clusters (cluster_id, cluster_name, body, "
                                      "created_at, updated_at) VALUES (?, ?, ?, ?, ?)"));
    stmt.BindText(1, c.cluster_id);
    stmt.BindText(2, c.cluster_name);
    stmt.BindBlob(3, records::EncodeClusterRecord(c));
    stmt.BindInt(4, c.created_at);
    stmt.BindInt(5, c.updated_at);
    return stmt.Run();
  });
}

Result<model::Cluster> SqliteNamespaceStore::GetCluster(const std::string& cluster_id) {
  return db_->Locked([&](SqliteDb& db) -> Result<model::Cluster> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("SELECT body FROM clusters WHERE cluster_id = ?"));
    stmt.BindText(1, cluster_id);
    return FetchOne(stmt, ReadCluster, "cluster not found: " + cluster_id);
  });
}

Result<model::Cluster> SqliteNamespaceStore::GetClusterByName(const std::string& name) {
  return db_->Locked([&](SqliteDb& db) -> Result<model::Cluster> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("SELECT body FROM clusters WHERE cluster_name = ?"));
    stmt.BindText(1, name);
    return FetchOne(stmt, ReadCluster, "cluster not found: " + name);
  });
}

Result<std::vector<model::Cluster>> SqliteNamespaceStore::ListClusters(const model::Page& page) {
  return db_->Locked([&](SqliteDb& db) -> Result<std::vector<model::Cluster>> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("SELECT body FROM clusters ORDER BY created_at, "
                                      "cluster_id LIMIT ? OFFSET ?"));
    stmt.BindInt(1, page.limit);
    stmt.BindInt(2, page.offset);
    return FetchAll(stmt, ReadCluster);
  });
}

Result<int64_t> SqliteNamespaceStore::CountClusters() {
  return db_->Locked([](SqliteDb& db) -> Result<int64_t> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt, db.Prepare("SELECT COUNT(*) FROM clusters"));
    return FetchInt(stmt);
  });
}

Status SqliteNamespaceStore::UpdateCluster(const model::Cluster& c) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("UPDATE clusters SET cluster_name = ?, body = ?, "
                                      "updated_at = ? WHERE cluster_id = ?"));
    stmt.BindText(1, c.cluster_name);
    stmt.BindBlob(2, records::EncodeClusterRecord(c));
    stmt.BindInt(3, c.updated_at);
    stmt.BindText(4, c.cluster_id);
    FERRY_RETURN_IF_ERROR(stmt.Run());
    if (db.Changes() == 0) return Status::NotFound("cluster not found: " + c.cluster_id);
    return Status::Ok();
  });
}

Status SqliteNamespaceStore::DeleteCluster(const std::string& cluster_id) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    // Executions go by cascade, in the same statement.
    FERRY_ASSIGN_OR_RETURN(Statement stmt, db.Prepare("DELETE FROM clusters WHERE cluster_id = ?"));
    stmt.BindText(1, cluster_id);
    FERRY_RETURN_IF_ERROR(stmt.Run());
    if (db.Changes() == 0) return Status::NotFound("cluster not found: " + cluster_id);
    return Status::Ok();
  });
}

// ---- executions ----

Status SqliteNamespaceStore::UpsertClusterExecution(const model::ClusterExecution& e) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    FERRY_ASSIGN_OR_RETURN(bool exists, RowExists(db, "clusters", "cluster_id", e.cluster_id));
    if (!exists) return Status::NotFound("cluster not found: " + e.cluster_id);
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("INSERT INTO cluster_executions (run_id, cluster_id, body, created_at) "
                   "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (run_id) DO UPDATE SET "
                   "cluster_id = ?2, body = ?3, created_at = ?4"));
    stmt.BindText(1, e.run_id);
    stmt.BindText(2, e.cluster_id);
    stmt.BindBlob(3, records::EncodeClusterExecutionRecord(e));
    stmt.BindInt(4, e.created_at);
    return stmt.Run();
  });
}

Result<model::ClusterExecution> SqliteNamespaceStore::GetClusterExecution(
    const std::string& cluster_id, const std::string& run_id) {
  return db_->Locked([&](SqliteDb& db) -> Result<model::ClusterExecution> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt, db.Prepare("SELECT body FROM cluster_executions "
                                                      "WHERE run_id = ? AND cluster_id = ?"));
    stmt.BindText(1, run_id);
    stmt.BindText(2, cluster_id);
    return FetchOne(stmt, ReadExecution, "cluster execution not found: " + run_id);
  });
}

Result<std::vector<model::ClusterExecution>> SqliteNamespaceStore::ListClusterExecutions(
    const std::string& cluster_id, const model::Page& page) {
  return db_->Locked([&](SqliteDb& db) -> Result<std::vector<model::ClusterExecution>> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("SELECT body FROM cluster_executions WHERE cluster_id = ? "
                                      "ORDER BY created_at DESC, run_id DESC LIMIT ? OFFSET ?"));
    stmt.BindText(1, cluster_id);
    stmt.BindInt(2, page.limit);
    stmt.BindInt(3, page.offset);
    return FetchAll(stmt, ReadExecution);
  });
}

Result<int64_t> SqliteNamespaceStore::CountClusterExecutions(const std::string& cluster_id) {
  return db_->Locked([&](SqliteDb& db) -> Result<int64_t> {
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt, db.Prepare("SELECT COUNT(*) FROM cluster_executions WHERE cluster_id = ?"));
    stmt.BindText(1, cluster_id);
    return FetchInt(stmt);
  });
}

}  // namespace ferry::storage::sqlite
