#pragma once
// StorageEngine on PostgreSQL: the catalog, blobs and every namespace's data in one
// database (shared tables keyed by namespace_id; objects and documents, which carry their
// vectors, in per-namespace partitions, pg_partitions.h), shared by every ferryd process of a
// cluster. Opening applies the schema (pg_schema.h).

#include <memory>
#include <string>

#include "common/crash_points.h"
#include "storage/postgres/pg_blob_store.h"
#include "storage/postgres/pg_catalog_store.h"
#include "storage/postgres/pg_db.h"
#include "storage/storage_engine.h"

namespace ferry::storage::postgres {

class PgStorageEngine final : public StorageEngine {
 public:
  // Connects, creates the schema when missing and upgrades it. `secret_key` (32 bytes)
  // seals webhook secrets; every process of a cluster must use the same one.
  // `crash_points` (testing; may be null, else outlives the engine): see PgNamespaceStore.
  static Result<std::unique_ptr<PgStorageEngine>> Open(const PgOptions& options,
                                                       std::string secret_key,
                                                       const CrashPoints* crash_points = nullptr);

  CatalogStore& catalog() override { return catalog_; }
  BlobStore& blobs() override { return blobs_; }
  Status CreateNamespaceData(const std::string& namespace_id) override;
  Result<std::shared_ptr<NamespaceStore>> OpenNamespace(const std::string& namespace_id) override;
  Status DropNamespaceData(const std::string& namespace_id) override;
  Result<BulkCopyResult> CopyItems(const std::string& source_namespace_id,
                                   const std::string& target_namespace_id,
                                   const BulkCopyRequest& request) override;
  void Close() override { db_->Close(); }

 private:
  PgStorageEngine(std::shared_ptr<PgDb> db, std::string secret_key, const CrashPoints* crash_points)
      : db_(db), catalog_(db, std::move(secret_key)), blobs_(db), crash_points_(crash_points) {}

  std::shared_ptr<PgDb> db_;
  PgCatalogStore catalog_;
  PgBlobStore blobs_;
  const CrashPoints* crash_points_;
};

}  // namespace ferry::storage::postgres
