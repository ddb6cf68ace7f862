#include "storage/forwarding_storage_engine.h"

#include <utility>

namespace ferry::storage {

CatalogStore& ForwardingStorageEngine::catalog() { return target_.catalog(); }

BlobStore& ForwardingStorageEngine::blobs() { return target_.blobs(); }

Status ForwardingStorageEngine::CreateNamespaceData(const std::string& namespace_id) {
  return target_.CreateNamespaceData(namespace_id);
}

Result<std::shared_ptr<NamespaceStore>> ForwardingStorageEngine::OpenNamespace(
    const std::string& namespace_id) {
  return target_.OpenNamespace(namespace_id);
}

Status ForwardingStorageEngine::DropNamespaceData(const std::string& namespace_id) {
  return target_.DropNamespaceData(namespace_id);
}

Result<BulkCopyResult> ForwardingStorageEngine::CopyItems(const std::string& source_namespace_id,
                                                          const std::string& target_namespace_id,
                                                          const BulkCopyRequest& request) {
  return target_.CopyItems(source_namespace_id, target_namespace_id, request);
}

void ForwardingStorageEngine::Close() { return target_.Close(); }

}  // namespace ferry::storage
