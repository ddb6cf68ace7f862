#include "storage/postgres/pg_storage_engine.h"

#include "common/clock.h"
#include "storage/postgres/pg_clusters.h"
#include "storage/postgres/pg_namespace_store.h"
#include "storage/postgres/pg_partitions.h"
#include "storage/postgres/pg_retrievers.h"
#include "storage/postgres/pg_schema.h"
#include "storage/postgres/pg_taxonomies.h"

namespace ferry::storage::postgres {
namespace {

// Every table holding a namespace's rows that its parents do not cascade to (objects and
// documents, with their vectors, are the namespace's own partitions, dropped with it).
constexpr const char* kNamespaceTables[] = {
    "buckets",  // batches cascade
    "collections", "write_fences", "change_log", "change_seqs",
};

bool NamespaceExists(pqxx::work& tx, const std::string& namespace_id) {
  return !tx.exec_params("SELECT 1 FROM namespace_data WHERE namespace_id = $1", namespace_id)
              .empty();
}

}  // namespace

Result<std::unique_ptr<PgStorageEngine>> PgStorageEngine::Open(const PgOptions& options,
                                                               std::string secret_key,
                                                               const CrashPoints* crash_points) {
  FERRY_ASSIGN_OR_RETURN(std::unique_ptr<PgDb> db, PgDb::Open(options));
  FERRY_RETURN_IF_ERROR(MigrateSchema(*db));
  return std::unique_ptr<PgStorageEngine>(new PgStorageEngine(std::shared_ptr<PgDb>(std::move(db)),
                                                              std::move(secret_key), crash_points));
}

Status PgStorageEngine::CreateNamespaceData(const std::string& namespace_id) {
  return db_->Run("create namespace data", [&](pqxx::work& tx) -> Status {
    auto r = tx.exec_params(
        "INSERT INTO namespace_data (namespace_id, created_at) VALUES ($1, $2) "
        "ON CONFLICT DO NOTHING RETURNING part",
        namespace_id, SystemClock().NowMs());
    if (r.empty()) return Status::AlreadyExists("namespace data exists: " + namespace_id);
    CreatePartitions(tx, namespace_id, r[0][0].as<int64_t>());
    return Status::Ok();
  });
}

Result<std::shared_ptr<NamespaceStore>> PgStorageEngine::OpenNamespace(
    const std::string& namespace_id) {
  FERRY_ASSIGN_OR_RETURN(bool exists, db_->Run("open namespace", [&](pqxx::work& tx) {
    return Result<bool>(NamespaceExists(tx, namespace_id));
  }));
  if (!exists) return Status::NotFound("namespace data not found: " + namespace_id);
  return std::shared_ptr<NamespaceStore>(
      std::make_shared<PgNamespaceStore>(db_, namespace_id, crash_points_));
}

Status PgStorageEngine::DropNamespaceData(const std::string& namespace_id) {
  return db_->Run("drop namespace data", [&](pqxx::work& tx) -> Status {
    // The data row first: its delete waits for the writers holding it (key share, see
    // PgNamespaceStore::Run) and holds off new ones, so no row is written after the
    // tables below are emptied.
    auto part = tx.exec_params("DELETE FROM namespace_data WHERE namespace_id = $1 RETURNING part",
                               namespace_id);
    if (!part.empty()) DropPartitions(tx, part[0][0].as<int64_t>());
    FERRY_RETURN_IF_ERROR(pg::DropRetrievers(tx, namespace_id));
    FERRY_RETURN_IF_ERROR(pg::DropClusters(tx, namespace_id));
    FERRY_RETURN_IF_ERROR(pg::DropTaxonomies(tx, namespace_id));
    for (const char* table : kNamespaceTables) {
      tx.exec_params(std::string("DELETE FROM ") + table + " WHERE namespace_id = $1",
                     namespace_id);
    }
    return Status::Ok();
  });
}

Result<BulkCopyResult> PgStorageEngine::CopyItems(const std::string& source_namespace_id,
                                                  const std::string& target_namespace_id,
                                                  const BulkCopyRequest& request) {
  // Both namespaces are checked inside the copy's transaction (PgNamespaceStore).
  PgNamespaceStore target(db_, target_namespace_id, crash_points_);
  return target.CopyItemsFrom(source_namespace_id, request);
}

}  // namespace ferry::storage::postgres
