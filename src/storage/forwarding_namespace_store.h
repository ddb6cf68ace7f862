#pragma once
// ForwardingNamespaceStore: a NamespaceStore that forwards every call to a wrapped
// one (after LevelDB's EnvWrapper). A wrapper (fault injection, metrics) derives from it
// and overrides only the operations it changes.

#include <memory>
#include <utility>

#include "storage/namespace_store.h"

namespace ferry::storage {

class ForwardingNamespaceStore : public NamespaceStore {
 public:
  // REQUIRES: target is not null.
  explicit ForwardingNamespaceStore(std::shared_ptr<NamespaceStore> target)
      : target_(std::move(target)) {}

  // The wrapped store.
  NamespaceStore* target() const { return target_.get(); }

  // BucketStore, ObjectStore, BatchStore
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
  Status UpsertBatch(const model::Batch& batch) override;
  Result<model::Batch> GetBatch(const std::string& bucket_id, const std::string& batch_id) override;
  Status DeleteBatch(const std::string& bucket_id, const std::string& batch_id) override;
  Result<std::vector<model::Batch>> ListBatches(const std::string& bucket_id,
                                                const model::Page& page) override;

  // CollectionStore, DocumentStore
  Status InsertCollection(const model::Collection& collection) override;
  Result<model::Collection> GetCollection(const std::string& collection_id) override;
  Result<model::Collection> GetCollectionByName(const std::string& name) override;
  Result<std::vector<model::Collection>> ListCollections(const model::Page& page) override;
  Result<int64_t> CountCollections() override;
  Status DeleteCollection(const std::string& collection_id) override;
  Result<model::CollectionVersion> GetCollectionVersion(const std::string& collection_id) override;
  Status UpsertDocuments(const std::vector<model::Document>& docs) override;
  Result<model::Document> GetDocument(const std::string& collection_id,
                                      const std::string& document_id, bool with_vectors) override;
  Result<std::vector<model::Document>> ListDocuments(const std::string& collection_id,
                                                     const model::Page& page,
                                                     bool with_vectors) override;
  Result<std::vector<model::Document>> ListDocumentsAfter(
      const std::string& collection_id, const std::optional<DocumentCursor>& after, int64_t limit,
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
  Result<std::vector<model::Document>> EditDocuments(const std::string& collection_id,
                                                     const DocumentSelection& which,
                                                     const DocumentEdit& edit) override;
  Result<std::vector<std::string>> DeleteDocuments(const std::string& collection_id,
                                                   const DocumentSelection& which) override;

  // RetrieverStore
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

  // ClusterStore
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

  // TaxonomyStore
  Status InsertTaxonomy(const model::Taxonomy& t) override;
  Result<model::Taxonomy> GetTaxonomy(const std::string& taxonomy_id) override;
  Result<model::Taxonomy> GetTaxonomyByName(const std::string& name) override;
  Result<std::vector<model::Taxonomy>> ListTaxonomies(const model::Page& page) override;
  Result<int64_t> CountTaxonomies() override;
  Status UpdateTaxonomy(const model::Taxonomy& t) override;
  Status DeleteTaxonomy(const std::string& taxonomy_id) override;

  // BulkStore
  Status UpsertObjectsFenced(const WriteFence& fence,
                             const std::vector<model::Object>& objects) override;
  Status UpsertDocumentsFenced(const WriteFence& fence,
                               const std::vector<model::Document>& docs) override;
  Status BeginBulkLoad() override;
  Status EndBulkLoad() override;
  Result<ItemChecksum> ChecksumItems(const ChecksumRequest& request) override;

  // ChangeLogStore
  Result<int64_t> LatestChangeSeq() override;
  Result<std::vector<ChangeEntry>> ListChanges(int64_t after, int limit) override;
  Result<int64_t> TrimChanges(int64_t upto) override;
  Status PauseWrites(TimestampMs until) override;
  Result<int64_t> TrimChangesWrittenBefore(int64_t upto, TimestampMs before) override;

 private:
  const std::shared_ptr<NamespaceStore> target_;
};

}  // namespace ferry::storage
