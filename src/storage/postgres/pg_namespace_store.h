#pragma once
// NamespaceStore on PostgreSQL: one namespace's rows in the shared tables (every key
// starts with namespace_id), so a store is just a namespace id over the pool. Every call
// is one transaction. Children go with their parents by ON DELETE CASCADE.
//
// Split by resource: pg_ns_buckets.cc (buckets, objects, batches), pg_ns_documents.cc
// (collections, documents and vectors), pg_ns_bulk.cc (fenced writes, bulk load,
// checksums, collection versions), pg_ns_resources.cc (retrievers, clusters, taxonomies,
// over pg_retrievers.h, pg_clusters.h, pg_taxonomies.h).

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/crash_points.h"
#include "storage/namespace_store.h"
#include "storage/postgres/pg_db.h"

namespace ferry::storage::postgres {

class PgNamespaceStore final : public NamespaceStore {
 public:
  // `crash_points` (testing; may be null) arms "bulk_copy.before_commit" (inside a bulk
  // copy slice's transaction) and "fenced_write.before_commit" (inside a fenced document
  // write's), as on the embedded backend.
  PgNamespaceStore(std::shared_ptr<PgDb> db, std::string namespace_id,
                   const CrashPoints* crash_points = nullptr)
      : db_(std::move(db)), ns_(std::move(namespace_id)), crash_points_(crash_points) {}

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

  Status UpsertBatch(const model::Batch& batch) override;
  Result<model::Batch> GetBatch(const std::string& bucket_id, const std::string& batch_id) override;
  Status DeleteBatch(const std::string& bucket_id, const std::string& batch_id) override;
  Result<std::vector<model::Batch>> ListBatches(const std::string& bucket_id,
                                                const model::Page& page) override;

  // Retrievers, executions, interactions (pg_ns_resources.cc).
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

  // Fenced writes, the collection fingerprint, bulk load and checksums (pg_ns_bulk.cc).
  Result<model::CollectionVersion> GetCollectionVersion(const std::string& collection_id) override;
  Status UpsertObjectsFenced(const WriteFence& fence,
                             const std::vector<model::Object>& objects) override;
  Status UpsertDocumentsFenced(const WriteFence& fence,
                               const std::vector<model::Document>& docs) override;
  // Clusters and their executions (pg_ns_resources.cc).
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

  // PostgreSQL keeps its indexes during a bulk load: Begin/End are no-ops.
  Status BeginBulkLoad() override;
  Status EndBulkLoad() override;

  Result<ItemChecksum> ChecksumItems(const ChecksumRequest& request) override;
  // Copies request's items from namespace `source_namespace_id` into this one with one
  // INSERT … SELECT per table inside PostgreSQL, the id mapping in SQL (ferry_map_id),
  // one transaction with the fence. StorageEngine::CopyItems's contract.
  Result<BulkCopyResult> CopyItemsFrom(const std::string& source_namespace_id,
                                       const BulkCopyRequest& request);

  // The change log of client writes (pg_change_log.cc).
  Result<int64_t> LatestChangeSeq() override;
  Result<std::vector<ChangeEntry>> ListChanges(int64_t after, int limit) override;
  Result<int64_t> TrimChanges(int64_t upto) override;
  Status PauseWrites(TimestampMs until) override;
  Result<int64_t> TrimChangesWrittenBefore(int64_t upto, TimestampMs before) override;

  // Taxonomies (pg_ns_resources.cc).
  Status InsertTaxonomy(const model::Taxonomy& t) override;
  Result<model::Taxonomy> GetTaxonomy(const std::string& taxonomy_id) override;
  Result<model::Taxonomy> GetTaxonomyByName(const std::string& name) override;
  Result<std::vector<model::Taxonomy>> ListTaxonomies(const model::Page& page) override;
  Result<int64_t> CountTaxonomies() override;
  Status UpdateTaxonomy(const model::Taxonomy& t) override;
  Status DeleteTaxonomy(const std::string& taxonomy_id) override;

 private:
  // Runs fn(tx) in one transaction after checking, under a key-share lock that holds off
  // a concurrent drop until it ends, that the namespace's data still exists: a store held
  // across DropNamespaceData reports NotFound, naming the namespace.
  template <typename Fn>
  auto Run(std::string_view what, Fn&& fn) -> decltype(fn(std::declval<pqxx::work&>())) {
    using R = decltype(fn(std::declval<pqxx::work&>()));
    return db_->Run(what, [&](pqxx::work& tx) -> R {
      if (tx.exec_params("SELECT 1 FROM namespace_data WHERE namespace_id = $1 FOR KEY SHARE", ns_)
              .empty()) {
        return R(Status::NotFound("namespace data not found: " + ns_));
      }
      return fn(tx);
    });
  }

  void ReachedCrashPoint(std::string_view name) const {
    if (crash_points_ != nullptr) crash_points_->Reached(name);
  }

  std::shared_ptr<PgDb> db_;
  std::string ns_;
  const CrashPoints* crash_points_;
};

}  // namespace ferry::storage::postgres
