#pragma once
// StorageEngine: the root of a backend — the catalog, the blob store, and one
// NamespaceStore per namespace. app/ creates exactly one and passes it down.

#include <memory>
#include <string>

#include "common/result.h"
#include "storage/blob_store.h"
#include "storage/catalog_store.h"
#include "storage/namespace_store.h"

namespace ferry::storage {

class StorageEngine {
 public:
  virtual ~StorageEngine() = default;
  virtual CatalogStore& catalog() = 0;
  virtual BlobStore& blobs() = 0;
  // Creates the (empty) data of a new namespace. AlreadyExists if present.
  virtual Status CreateNamespaceData(const std::string& namespace_id) = 0;
  // Opens an existing namespace's data; NotFound if it was never created. Returned
  // stores are shared by concurrent callers and stay valid while held.
  virtual Result<std::shared_ptr<NamespaceStore>> OpenNamespace(
      const std::string& namespace_id) = 0;
  // Removes a namespace's data for good (after its catalog row is deleted).
  virtual Status DropNamespaceData(const std::string& namespace_id) = 0;
  // Copies a slice of one resource's items from one namespace into another inside the
  // engine, in one transaction that also carries the request's fence (bulk_data.h).
  // NotFound when either namespace or the target resource is absent.
  virtual Result<BulkCopyResult> CopyItems(const std::string& source_namespace_id,
                                           const std::string& target_namespace_id,
                                           const BulkCopyRequest& request) = 0;
  // Flushes and closes everything; later calls fail with Unavailable. Idempotent.
  virtual void Close() = 0;
};

}  // namespace ferry::storage
