#include "storage/sqlite/sqlite_storage_engine.h"

#include <system_error>
#include <utility>

#include "common/ids.h"
#include "storage/sqlite/private_files.h"

namespace ferry::storage::sqlite {
namespace {

namespace fs = std::filesystem;

Status CheckNamespaceId(const std::string& id) {
  if (!IsValidId(id)) return Status::InvalidArgument("bad namespace id");
  return Status::Ok();
}

// Messages name what failed (`what`: "namespace data ns_…"), never the server's paths:
// they reach clients and logs.
Status RemoveFile(const fs::path& path, const std::string& what) {
  std::error_code ec;
  fs::remove(path, ec);  // false without error when absent
  if (ec) return Status::Internal("remove " + what + ": " + ec.message());
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<SqliteStorageEngine>> SqliteStorageEngine::Open(
    const std::string& data_dir, const CrashPoints* crash_points) {
  fs::path root(data_dir);
  // Private (0700) whatever the umask; see private_files.h.
  FERRY_RETURN_IF_ERROR(MakePrivateDirectory(root, "data directory"));
  FERRY_RETURN_IF_ERROR(MakePrivateDirectory(root / "ns", "data directory"));
  FERRY_ASSIGN_OR_RETURN(std::string secret_key, LoadOrCreateSecretKey(root / "secret.key"));
  FERRY_ASSIGN_OR_RETURN(auto catalog, SqliteCatalogStore::Open((root / "catalog.db").string(),
                                                                std::move(secret_key)));
  FERRY_ASSIGN_OR_RETURN(auto blobs, FileBlobStore::Open(root / "blobs"));
  return std::unique_ptr<SqliteStorageEngine>(
      new SqliteStorageEngine(root, std::move(catalog), std::move(blobs), crash_points));
}

fs::path SqliteStorageEngine::NamespacePath(const std::string& namespace_id) const {
  return data_dir_ / "ns" / (namespace_id + ".db");
}

Status SqliteStorageEngine::CreateNamespaceData(const std::string& namespace_id) {
  FERRY_RETURN_IF_ERROR(CheckNamespaceId(namespace_id));
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) return Status::Unavailable("storage closed");
  fs::path path = NamespacePath(namespace_id);
  std::error_code ec;
  if (namespaces_.contains(namespace_id) || fs::exists(path, ec)) {
    return Status::AlreadyExists("namespace data exists: " + namespace_id);
  }
  FERRY_ASSIGN_OR_RETURN(
      auto store, SqliteNamespaceStore::Open(path.string(), true, crash_points_, &checkpointer_));
  namespaces_.emplace(namespace_id, std::move(store));
  return Status::Ok();
}

Result<std::shared_ptr<SqliteNamespaceStore>> SqliteStorageEngine::OpenSqliteNamespace(
    const std::string& namespace_id) {
  FERRY_RETURN_IF_ERROR(CheckNamespaceId(namespace_id));
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) return Status::Unavailable("storage closed");
  auto it = namespaces_.find(namespace_id);
  if (it != namespaces_.end()) return it->second;
  fs::path path = NamespacePath(namespace_id);
  std::error_code ec;
  if (!fs::exists(path, ec)) return Status::NotFound("namespace data not found: " + namespace_id);
  FERRY_ASSIGN_OR_RETURN(
      std::shared_ptr<SqliteNamespaceStore> store,
      SqliteNamespaceStore::Open(path.string(), false, crash_points_, &checkpointer_));
  namespaces_.emplace(namespace_id, store);
  return store;
}

Result<std::shared_ptr<NamespaceStore>> SqliteStorageEngine::OpenNamespace(
    const std::string& namespace_id) {
  FERRY_ASSIGN_OR_RETURN(auto store, OpenSqliteNamespace(namespace_id));
  return std::shared_ptr<NamespaceStore>(std::move(store));
}

Result<BulkCopyResult> SqliteStorageEngine::CopyItems(const std::string& source_namespace_id,
                                                      const std::string& target_namespace_id,
                                                      const BulkCopyRequest& request) {
  if (source_namespace_id == target_namespace_id) {
    return Status::InvalidArgument("a bulk copy needs two different namespaces");
  }
  // Opening the source first checks that it exists and that its schema is current.
  FERRY_ASSIGN_OR_RETURN(auto source, OpenSqliteNamespace(source_namespace_id));
  FERRY_ASSIGN_OR_RETURN(auto target, OpenSqliteNamespace(target_namespace_id));
  return target->CopyItemsFrom(NamespacePath(source_namespace_id).string(), request);
}

Status SqliteStorageEngine::DropNamespaceData(const std::string& namespace_id) {
  FERRY_RETURN_IF_ERROR(CheckNamespaceId(namespace_id));
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) return Status::Unavailable("storage closed");
  auto it = namespaces_.find(namespace_id);
  if (it != namespaces_.end()) {
    it->second->Close();  // waits for a call in progress; holders see Unavailable after
    namespaces_.erase(it);
  }
  std::string path = NamespacePath(namespace_id).string();
  // Bulk copies may hold the file attached to other namespaces' connections.
  for (auto& [id, store] : namespaces_) (void)store->DetachSource(path);
  for (const char* suffix : {"", "-wal", "-shm"}) {
    FERRY_RETURN_IF_ERROR(RemoveFile(path + suffix, "namespace data " + namespace_id));
  }
  return Status::Ok();
}

void SqliteStorageEngine::Close() {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) return;
  closed_ = true;
  for (auto& [id, store] : namespaces_) store->Close();
  namespaces_.clear();
  catalog_->Close();
  blobs_->Close();
}

}  // namespace ferry::storage::sqlite
