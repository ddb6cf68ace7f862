#pragma once
// The embedded storage backend (DESIGN.md §3 "Storage layout"):
//   DATA/catalog.db            the catalog
//   DATA/ns/<namespace_id>.db  one database per namespace
//   DATA/blobs/ab/cdef…        content-addressed blobs
// Namespace stores are opened on first use and kept open until dropped or Close().
// Thread-safe.

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/crash_points.h"
#include "storage/sqlite/file_blob_store.h"
#include "storage/sqlite/sqlite_catalog_store.h"
#include "storage/sqlite/sqlite_namespace_store.h"
#include "storage/storage_engine.h"

namespace ferry::storage::sqlite {

class SqliteStorageEngine final : public StorageEngine {
 public:
  // Opens (creating when missing) the layout under `data_dir` and migrates the catalog.
  // `crash_points` (testing; may be null, must outlive the engine) is handed to every
  // namespace store.
  static Result<std::unique_ptr<SqliteStorageEngine>> Open(
      const std::string& data_dir, const CrashPoints* crash_points = nullptr);
  ~SqliteStorageEngine() override { Close(); }

  CatalogStore& catalog() override { return *catalog_; }
  BlobStore& blobs() override { return *blobs_; }
  // Namespace ids become file names, so only [A-Za-z0-9_-] is accepted (InvalidArgument).
  Status CreateNamespaceData(const std::string& namespace_id) override;
  Result<std::shared_ptr<NamespaceStore>> OpenNamespace(const std::string& namespace_id) override;
  // Closes the store (holders get Unavailable from then on) and deletes its files.
  Status DropNamespaceData(const std::string& namespace_id) override;
  Result<BulkCopyResult> CopyItems(const std::string& source_namespace_id,
                                   const std::string& target_namespace_id,
                                   const BulkCopyRequest& request) override;
  void Close() override;

  // The database file of a namespace.
  std::filesystem::path NamespacePath(const std::string& namespace_id) const;

 private:
  Result<std::shared_ptr<SqliteNamespaceStore>> OpenSqliteNamespace(
      const std::string& namespace_id);

  SqliteStorageEngine(std::filesystem::path data_dir, std::unique_ptr<SqliteCatalogStore> catalog,
                      std::unique_ptr<FileBlobStore> blobs, const CrashPoints* crash_points)
      : data_dir_(std::move(data_dir)),
        catalog_(std::move(catalog)),
        blobs_(std::move(blobs)),
        crash_points_(crash_points) {}

  const std::filesystem::path data_dir_;
  const std::unique_ptr<SqliteCatalogStore> catalog_;
  const std::unique_ptr<FileBlobStore> blobs_;
  const CrashPoints* const crash_points_;
  // Checkpoints the namespace files off their writers' commits (wal_checkpointer.h);
  // declared before the stores, so it stops after they close.
  WalCheckpointer checkpointer_;

  std::mutex mu_;  // guards the members below
  bool closed_ = false;
  std::map<std::string, std::shared_ptr<SqliteNamespaceStore>> namespaces_;
};

}  // namespace ferry::storage::sqlite
