#pragma once
// Test-only storage that injects faults into writes (after LevelDB's FaultInjectionEnv):
// FaultInjectingStorageEngine wraps a real StorageEngine, delegates everything, and
// wraps each NamespaceStore it returns in a FaultInjectingNamespaceStore that consults
// the FaultInjection of its namespace. A test can, per namespace id (even before the
// namespace exists, e.g. a migration's target):
//   - fail the next K UpsertDocuments / UpsertObjects calls with a chosen Status;
//   - make UpsertDocuments block on a gate until the test opens it, and wait until a
//     given number of callers are held there (deterministic cancellation tests);
//   - report ResourceExhausted("disk full") for every write while a flag is set;
//   - silently corrupt the next K UpsertDocuments calls (the write "succeeds" but the
//     first document's first vector has one value flipped), as a bad disk or a buggy
//     writer would: what verification exists to catch.
// Reads are never affected. Everything here is thread-safe.

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "storage/storage_engine.h"

namespace ferry::storage::testing {

// The faults of one namespace, shared by every store opened for it.
class FaultInjection {
 public:
  // The next `count` UpsertDocuments calls fail with `status` (nothing is written).
  void FailNextDocumentUpserts(int count, Status status);
  // The next `count` UpsertObjects calls fail with `status` (nothing is written).
  void FailNextObjectUpserts(int count, Status status);
  // The next `count` UpsertDocuments calls write a corrupted first document.
  void CorruptNextDocumentUpserts(int count);
  // While set, every write reports ResourceExhausted("disk full") and writes nothing.
  void SetDiskFull(bool full);

  // While closed, UpsertDocuments blocks before writing until OpenGate().
  void CloseGate();
  void OpenGate();
  // Blocks until at least `count` UpsertDocuments callers are waiting at the closed gate.
  void WaitUntilBlocked(int count);

  // Calls made so far (including failed and blocked ones).
  int64_t document_upserts() const;
  int64_t object_upserts() const;

  // Hooks used by FaultInjectingNamespaceStore: account for the call, block at the gate
  // when closed, and return the injected failure (OK to proceed).
  Status BeforeDocumentUpsert();
  // Whether this UpsertDocuments call is to be corrupted (consumes one).
  bool TakeCorruption();
  Status BeforeObjectUpsert();
  Status BeforeOtherWrite();

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  int fail_documents_ = 0;
  Status document_status_;
  int fail_objects_ = 0;
  Status object_status_;
  bool disk_full_ = false;
  int corrupt_documents_ = 0;
  bool gate_closed_ = false;
  int blocked_ = 0;
  int64_t document_upserts_ = 0;
  int64_t object_upserts_ = 0;
};

// Delegates every call to `inner`; writes first consult `faults`.
class FaultInjectingNamespaceStore final : public NamespaceStore {
 public:
  FaultInjectingNamespaceStore(std::shared_ptr<NamespaceStore> inner,
                               std::shared_ptr<FaultInjection> faults)
      : inner_(std::move(inner)), faults_(std::move(faults)) {}

  const NamespaceStore* inner() const { return inner_.get(); }

  Status InsertBucket(const model::Bucket& bucket) override;
  Result<model::Bucket> GetBucket(const std::string& bucket_id) override;
  Result<model::Bucket> GetBucketByName(const std::string& name) override;
  Result<std::vector<model::Bucket>> ListBuckets(const model::Page& page) override;
  Result<int64_t> CountBuckets() override;
  Result<model::BucketStats> GetBucketStats(const std::string& bucket_id) override;
  Status DeleteBucket(const std::string& bucket_id) override;

  Status InsertObject(const model::Object& object) override;
  Result<model::Object> GetObject(const std::string& bucket_id,
                                  const std::string& object_id) override;
  Result<std::vector<model::Object>> ListObjects(const std::string& bucket_id,
                                                 const model::Page& page) override;
  Result<int64_t> CountObjects(const std::string& bucket_id) override;
  Result<int64_t> CountAllObjects() override;
  Status DeleteObject(const std::string& bucket_id, const std::string& object_id) override;
  Status UpsertObjects(const std::vector<model::Object>& objects) override;
  Result<std::vector<model::Object>> GetObjects(const std::string& bucket_id,
                                                const std::vector<std::string>& ids) override;
  Result<std::vector<std::string>> ListObjectIds(const std::string& bucket_id,
                                                 const IdQuery& query) override;
  Result<int64_t> CountObjectsInRange(const std::string& bucket_id,
                                      std::optional<TimestampMs> after,
                                      std::optional<TimestampMs> before) override;
  Result<std::vector<std::string>> ListBlobHashes() override;

  Status InsertCollection(const model::Collection& collection) override;
  Result<model::Collection> GetCollection(const std::string& collection_id) override;
  Result<model::Collection> GetCollectionByName(const std::string& name) override;
  Result<std::vector<model::Collection>> ListCollections(const model::Page& page) override;
  Result<int64_t> CountCollections() override;
  Status DeleteCollection(const std::string& collection_id) override;

  Status UpsertDocuments(const std::vector<model::Document>& docs) override;
  Result<model::Document> GetDocument(const std::string& collection_id,
                                      const std::string& document_id, bool with_vectors) override;
  Result<std::vector<model::Document>> ListDocuments(const std::string& collection_id,
                                                     const model::Page& page,
                                                     bool with_vectors) override;
  Result<int64_t> CountDocuments(const std::string& collection_id) override;
  Result<int64_t> CountAllDocuments() override;
  Result<std::vector<model::Document>> GetDocuments(const std::string& collection_id,
                                                    const std::vector<std::string>& ids) override;
  Result<std::vector<std::string>> ListDocumentIds(const std::string& collection_id,
                                                   const IdQuery& query) override;
  Result<int64_t> CountDocumentsInRange(const std::string& collection_id,
                                        std::optional<TimestampMs> after,
                                        std::optional<TimestampMs> before) override;
  Result<std::vector<model::Document>> ListDocumentsByRootObjects(
      const std::string& collection_id, const std::vector<std::string>& root_object_ids) override;
  Status DeleteDocumentsByRootObjects(const std::string& collection_id,
                                      const std::vector<std::string>& root_object_ids) override;

  Status UpsertBatch(const model::Batch& batch) override;
  Result<model::Batch> GetBatch(const std::string& bucket_id, const std::string& batch_id) override;

  // Retrievers: delegated unchanged (no faults are injected into them).
  Status InsertRetriever(const model::Retriever& r) override;
  Result<model::Retriever> GetRetriever(const std::string& retriever_id) override;
  Result<model::Retriever> GetRetrieverByName(const std::string& name) override;
  Result<std::vector<model::Retriever>> ListRetrievers(const model::Page& page) override;
  Result<int64_t> CountRetrievers() override;
  Status UpdateRetriever(const model::Retriever& r) override;
  Status DeleteRetriever(const std::string& retriever_id) override;
  Status InsertExecution(const model::RetrieverExecution& e) override;
  Result<model::RetrieverExecution> GetExecution(const std::string& retriever_id,
                                                 const std::string& execution_id) override;
  Result<std::vector<model::RetrieverExecution>> ListExecutions(
      const std::string& retriever_id, const std::optional<std::string>& status,
      const model::Page& page) override;
  Result<int64_t> CountExecutions(const std::string& retriever_id,
                                  const std::optional<std::string>& status) override;
  Status InsertInteraction(const model::Interaction& i) override;
  Result<model::Interaction> GetInteraction(const std::string& interaction_id) override;
  Result<std::vector<model::Interaction>> ListInteractions(const model::InteractionQuery& query,
                                                           const model::Page& page) override;
  Result<int64_t> CountInteractions(const model::InteractionQuery& query) override;
  Status DeleteInteraction(const std::string& interaction_id) override;
  Result<model::CollectionVersion> GetCollectionVersion(const std::string& collection_id) override;

  // Fenced writes consult the same faults as their unfenced counterparts.
  Status UpsertObjectsFenced(const WriteFence& fence,
                             const std::vector<model::Object>& objects) override;
  Status UpsertDocumentsFenced(const WriteFence& fence,
                               const std::vector<model::Document>& docs) override;
  Result<ItemChecksum> ChecksumItems(const ChecksumRequest& request) override;
  Status BeginBulkLoad() override { return inner_->BeginBulkLoad(); }
  Status EndBulkLoad() override { return inner_->EndBulkLoad(); }
  // Clusters and their executions delegated unchanged (no faults are injected into them).
  Status InsertCluster(const model::Cluster& c) override;
  Result<model::Cluster> GetCluster(const std::string& cluster_id) override;
  Result<model::Cluster> GetClusterByName(const std::string& name) override;
  Result<std::vector<model::Cluster>> ListClusters(const model::Page& page) override;
  Result<int64_t> CountClusters() override;
  Status UpdateCluster(const model::Cluster& c) override;
  Status DeleteCluster(const std::string& cluster_id) override;
  Status UpsertClusterExecution(const model::ClusterExecution& e) override;
  Result<model::ClusterExecution> GetClusterExecution(const std::string& cluster_id,
                                                      const std::string& run_id) override;
  Result<std::vector<model::ClusterExecution>> ListClusterExecutions(
      const std::string& cluster_id, const model::Page& page) override;
  Result<int64_t> CountClusterExecutions(const std::string& cluster_id) override;

  // Taxonomies: delegated unchanged.
  Status InsertTaxonomy(const model::Taxonomy& t) override;
  Result<model::Taxonomy> GetTaxonomy(const std::string& taxonomy_id) override;
  Result<model::Taxonomy> GetTaxonomyByName(const std::string& name) override;
  Result<std::vector<model::Taxonomy>> ListTaxonomies(const model::Page& page) override;
  Result<int64_t> CountTaxonomies() override;
  Status UpdateTaxonomy(const model::Taxonomy& t) override;
  Status DeleteTaxonomy(const std::string& taxonomy_id) override;

 private:
  const std::shared_ptr<NamespaceStore> inner_;
  const std::shared_ptr<FaultInjection> faults_;
};

// Delegates to `inner` (not owned; must outlive this). Namespace stores are wrapped;
// the catalog and blob store are passed through unchanged.
class FaultInjectingStorageEngine final : public StorageEngine {
 public:
  explicit FaultInjectingStorageEngine(StorageEngine& inner) : inner_(inner) {}

  // The faults of `namespace_id`, created on first use (before or after the namespace).
  FaultInjection& Faults(const std::string& namespace_id);

  CatalogStore& catalog() override { return inner_.catalog(); }
  BlobStore& blobs() override { return inner_.blobs(); }
  Status CreateNamespaceData(const std::string& namespace_id) override;
  Result<std::shared_ptr<NamespaceStore>> OpenNamespace(const std::string& namespace_id) override;
  Status DropNamespaceData(const std::string& namespace_id) override;
  // Consults the target's faults like UpsertObjects (buckets) or UpsertDocuments
  // (collections): injected failures, the gate, a full disk, and corruption (the slice's
  // first copied document is rewritten with one vector value changed).
  Result<BulkCopyResult> CopyItems(const std::string& source_namespace_id,
                                   const std::string& target_namespace_id,
                                   const BulkCopyRequest& request) override;
  void Close() override { inner_.Close(); }

 private:
  std::shared_ptr<FaultInjection> FaultsLocked(const std::string& namespace_id);

  StorageEngine& inner_;
  std::mutex mu_;  // guards the maps
  std::map<std::string, std::shared_ptr<FaultInjection>> faults_;
  // One wrapper per open inner store, so holders share it as they share the inner one.
  std::map<std::string, std::shared_ptr<FaultInjectingNamespaceStore>> stores_;
};

}  // namespace ferry::storage::testing
