#pragma once
// ForwardingStorageEngine: a StorageEngine that forwards every call to a wrapped one
// (after LevelDB's EnvWrapper). A wrapper (fault injection, metrics) derives from it and
// overrides only the operations it changes, e.g. catalog() or OpenNamespace() to wrap
// what they return.

#include "storage/storage_engine.h"

namespace ferry::storage {

class ForwardingStorageEngine : public StorageEngine {
 public:
  // `target` is not owned and must outlive this.
  explicit ForwardingStorageEngine(StorageEngine& target) : target_(target) {}

  // The wrapped engine.
  StorageEngine& target() const { return target_; }

  // StorageEngine
  CatalogStore& catalog() override;
  BlobStore& blobs() override;
  Status CreateNamespaceData(const std::string& namespace_id) override;
  Result<std::shared_ptr<NamespaceStore>> OpenNamespace(const std::string& namespace_id) override;
  Status DropNamespaceData(const std::string& namespace_id) override;
  Result<BulkCopyResult> CopyItems(const std::string& source_namespace_id,
                                   const std::string& target_namespace_id,
                                   const BulkCopyRequest& request) override;
  void Close() override;

 private:
  StorageEngine& target_;
};

}  // namespace ferry::storage
