#pragma once
// Test-only storage that injects faults (after LevelDB's FaultInjectionEnv):
// FaultInjectingStorageEngine wraps a real StorageEngine and forwards everything
// (ForwardingStorageEngine). It wraps each NamespaceStore it returns in a
// FaultInjectingNamespaceStore that consults the FaultInjection of its namespace
// (fault_injection.h), and its catalog in a FaultInjectingCatalogStore that consults
// catalog_faults() (catalog_faults.h). Per namespace id (even before the namespace
// exists, e.g. a migration's target) a test can:
//   - fail the next K UpsertDocuments / UpsertObjects calls with a chosen Status;
//   - make UpsertDocuments block on a gate until the test opens it, and wait until a
//     given number of callers are held there (deterministic cancellation tests);
//   - report ResourceExhausted("disk full") for every write while a flag is set;
//   - silently corrupt the next K UpsertDocuments calls (the write "succeeds" but the
//     first document's first vector has one value flipped), as a bad disk or a buggy
//     writer would: what verification exists to catch.
// Reads are never affected. Everything here is thread-safe.

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "storage/forwarding_namespace_store.h"
#include "storage/forwarding_storage_engine.h"
#include "storage/testing/catalog_faults.h"
#include "storage/testing/fault_injection.h"

namespace ferry::storage::testing {

// Forwards to `target`; its writes first consult `faults`. Fenced writes consult the
// same faults as their unfenced counterparts. Retrievers, clusters and taxonomies are
// forwarded unchanged.
class FaultInjectingNamespaceStore final : public ForwardingNamespaceStore {
 public:
  FaultInjectingNamespaceStore(std::shared_ptr<NamespaceStore> target,
                               std::shared_ptr<FaultInjection> faults)
      : ForwardingNamespaceStore(std::move(target)), faults_(std::move(faults)) {}

  Status InsertBucket(const model::Bucket& bucket) override;
  Status DeleteBucket(const std::string& bucket_id) override;
  Status InsertObject(const model::Object& object) override;
  Status DeleteObject(const std::string& bucket_id, const std::string& object_id) override;
  Status UpsertObjects(const std::vector<model::Object>& objects) override;
  Status UpsertBatch(const model::Batch& batch) override;

  Status InsertCollection(const model::Collection& collection) override;
  Status DeleteCollection(const std::string& collection_id) override;
  Status UpsertDocuments(const std::vector<model::Document>& docs) override;
  Status DeleteDocumentsByRootObjects(const std::string& collection_id,
                                      const std::vector<std::string>& root_object_ids) override;
  Result<std::vector<model::Document>> EditDocuments(const std::string& collection_id,
                                                     const DocumentSelection& which,
                                                     const DocumentEdit& edit) override;
  Result<std::vector<std::string>> DeleteDocuments(const std::string& collection_id,
                                                   const DocumentSelection& which) override;

  Status PauseWrites(TimestampMs until) override;

  Status UpsertObjectsFenced(const WriteFence& fence,
                             const std::vector<model::Object>& objects) override;
  Status UpsertDocumentsFenced(const WriteFence& fence,
                               const std::vector<model::Document>& docs) override;
  // Counted (FaultInjection::full_checksums / slice_checksums), then forwarded.
  Result<ItemChecksum> ChecksumItems(const ChecksumRequest& request) override;
  // Counted (FaultInjection::range_counts), then forwarded.
  Result<int64_t> CountObjectsInRange(const std::string& bucket_id,
                                      std::optional<TimestampMs> after,
                                      std::optional<TimestampMs> before) override;
  Result<int64_t> CountDocumentsInRange(const std::string& collection_id,
                                        std::optional<TimestampMs> after,
                                        std::optional<TimestampMs> before) override;

 private:
  const std::shared_ptr<FaultInjection> faults_;
};

// Forwards to the wrapped engine (not owned, must outlive this; or owned when given as
// a unique_ptr).
class FaultInjectingStorageEngine final : public ForwardingStorageEngine {
 public:
  explicit FaultInjectingStorageEngine(StorageEngine& target)
      : ForwardingStorageEngine(target), catalog_(target.catalog(), catalog_faults_) {}
  // REQUIRES: target is not null.
  explicit FaultInjectingStorageEngine(std::unique_ptr<StorageEngine> target)
      : FaultInjectingStorageEngine(*target) {
    owned_ = std::move(target);
  }

  // The faults of `namespace_id`, created on first use (before or after the namespace).
  FaultInjection& Faults(const std::string& namespace_id);
  // The faults of the catalog.
  CatalogFaults& catalog_faults() { return catalog_faults_; }

  CatalogStore& catalog() override { return catalog_; }
  Status CreateNamespaceData(const std::string& namespace_id) override;
  Result<std::shared_ptr<NamespaceStore>> OpenNamespace(const std::string& namespace_id) override;
  Status DropNamespaceData(const std::string& namespace_id) override;
  // Consults the target's faults like UpsertObjects (buckets) or UpsertDocuments
  // (collections): injected failures, the gate, a full disk, and corruption (the slice's
  // first copied document is rewritten with one vector value changed).
  Result<BulkCopyResult> CopyItems(const std::string& source_namespace_id,
                                   const std::string& target_namespace_id,
                                   const BulkCopyRequest& request) override;

 private:
  std::shared_ptr<FaultInjection> FaultsLocked(const std::string& namespace_id);

  std::unique_ptr<StorageEngine> owned_;  // null when the target is not owned
  CatalogFaults catalog_faults_;
  FaultInjectingCatalogStore catalog_;
  std::mutex mu_;  // guards the maps
  std::map<std::string, std::shared_ptr<FaultInjection>> faults_;
  // One wrapper per open inner store, so holders share it as they share the inner one.
  std::map<std::string, std::shared_ptr<FaultInjectingNamespaceStore>> stores_;
};

}  // namespace ferry::storage::testing
