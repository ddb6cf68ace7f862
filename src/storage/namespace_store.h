#pragma once
// NamespaceStore: the resources inside one namespace — buckets, objects, collections,
// documents with their vectors, batches. Ids are unique within the namespace; callers
// have already checked the tenant owns the namespace. Implementations are thread-safe;
// each call is atomic (one transaction).

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "model/cluster.h"
#include "model/resources.h"
#include "model/retriever.h"
#include "model/taxonomy.h"
#include "storage/bulk_data.h"

namespace ferry::storage {

// A keyset page of ids: ids greater than `after_id`, ascending, at most `limit`,
// optionally only rows with created_at in [created_after, created_before).
struct IdQuery {
  std::string after_id;  // "" = from the start
  int64_t limit = 1000;
  std::optional<TimestampMs> created_after;
  std::optional<TimestampMs> created_before;
};

class NamespaceStore {
 public:
  virtual ~NamespaceStore() = default;

  // Buckets. Insert: AlreadyExists on id or name.
  virtual Status InsertBucket(const model::Bucket& bucket) = 0;
  virtual Result<model::Bucket> GetBucket(const std::string& bucket_id) = 0;
  virtual Result<model::Bucket> GetBucketByName(const std::string& name) = 0;
  virtual Result<std::vector<model::Bucket>> ListBuckets(const model::Page& page) = 0;
  virtual Result<int64_t> CountBuckets() = 0;
  virtual Result<model::BucketStats> GetBucketStats(const std::string& bucket_id) = 0;
  // Removes the bucket, its objects and batches. NotFound when absent.
  virtual Status DeleteBucket(const std::string& bucket_id) = 0;

  // Objects. Insert: AlreadyExists on id; NotFound when the bucket is absent.
  virtual Status InsertObject(const model::Object& object) = 0;
  // NotFound unless the object exists in that bucket.
  virtual Result<model::Object> GetObject(const std::string& bucket_id,
                                          const std::string& object_id) = 0;
  // Ordered by created_at then id.
  virtual Result<std::vector<model::Object>> ListObjects(const std::string& bucket_id,
                                                         const model::Page& page) = 0;
  virtual Result<int64_t> CountObjects(const std::string& bucket_id) = 0;
  virtual Result<int64_t> CountAllObjects() = 0;
  virtual Status DeleteObject(const std::string& bucket_id, const std::string& object_id) = 0;
  // Inserts or replaces objects (by object_id) in one transaction. NotFound when a
  // bucket is absent.
  virtual Status UpsertObjects(const std::vector<model::Object>& objects) = 0;
  // Objects of a bucket with these ids, in the order given; absent ids are skipped.
  virtual Result<std::vector<model::Object>> GetObjects(const std::string& bucket_id,
                                                        const std::vector<std::string>& ids) = 0;
  virtual Result<std::vector<std::string>> ListObjectIds(const std::string& bucket_id,
                                                         const IdQuery& query) = 0;
  // Count of a bucket's objects with created_at in [after, before) (either bound optional).
  virtual Result<int64_t> CountObjectsInRange(const std::string& bucket_id,
                                              std::optional<TimestampMs> after,
                                              std::optional<TimestampMs> before) = 0;
  // Content hashes referenced by any object (for blob garbage collection).
  virtual Result<std::vector<std::string>> ListBlobHashes() = 0;

  // Collections. Insert: AlreadyExists on id or name.
  virtual Status InsertCollection(const model::Collection& collection) = 0;
  virtual Result<model::Collection> GetCollection(const std::string& collection_id) = 0;
  virtual Result<model::Collection> GetCollectionByName(const std::string& name) = 0;
  // Ordered by created_at then id.
  virtual Result<std::vector<model::Collection>> ListCollections(const model::Page& page) = 0;
  virtual Result<int64_t> CountCollections() = 0;
  // Removes the collection and its documents. NotFound when absent.
  virtual Status DeleteCollection(const std::string& collection_id) = 0;

  // Documents. Inserts or replaces each document (by document_id) with its vectors,
  // all in one transaction.
  virtual Status UpsertDocuments(const std::vector<model::Document>& docs) = 0;
  // NotFound unless the document is in that collection. Vectors are loaded only when
  // with_vectors is true.
  virtual Result<model::Document> GetDocument(const std::string& collection_id,
                                              const std::string& document_id,
                                              bool with_vectors) = 0;
  // Ordered by created_at then id.
  virtual Result<std::vector<model::Document>> ListDocuments(const std::string& collection_id,
                                                             const model::Page& page,
                                                             bool with_vectors) = 0;
  virtual Result<int64_t> CountDocuments(const std::string& collection_id) = 0;
  virtual Result<int64_t> CountAllDocuments() = 0;
  // Documents of a collection with these ids, in the order given, with vectors;
  // absent ids are skipped.
  virtual Result<std::vector<model::Document>> GetDocuments(
      const std::string& collection_id, const std::vector<std::string>& ids) = 0;
  virtual Result<std::vector<std::string>> ListDocumentIds(const std::string& collection_id,
                                                           const IdQuery& query) = 0;
  virtual Result<int64_t> CountDocumentsInRange(const std::string& collection_id,
                                                std::optional<TimestampMs> after,
                                                std::optional<TimestampMs> before) = 0;
  // Documents of a collection whose lineage root object is one of `root_object_ids`,
  // with vectors, ordered by id. Feeds chained collections.
  virtual Result<std::vector<model::Document>> ListDocumentsByRootObjects(
      const std::string& collection_id, const std::vector<std::string>& root_object_ids) = 0;
  // Deletes a collection's documents derived from these root objects (re-processing).
  virtual Status DeleteDocumentsByRootObjects(const std::string& collection_id,
                                              const std::vector<std::string>& root_object_ids) = 0;

  // Batches. Upsert by batch_id.
  virtual Status UpsertBatch(const model::Batch& batch) = 0;
  // NotFound unless the batch exists in that bucket.
  virtual Result<model::Batch> GetBatch(const std::string& bucket_id,
                                        const std::string& batch_id) = 0;

  // ---- Retrievers ------------------------------------------------------------------
  // Retrievers, their executions and interactions.

  // AlreadyExists on id or name.
  virtual Status InsertRetriever(const model::Retriever& r) = 0;
  virtual Result<model::Retriever> GetRetriever(const std::string& retriever_id) = 0;
  virtual Result<model::Retriever> GetRetrieverByName(const std::string& name) = 0;
  // Ordered by created_at then id.
  virtual Result<std::vector<model::Retriever>> ListRetrievers(const model::Page& page) = 0;
  virtual Result<int64_t> CountRetrievers() = 0;
  // Replaces the stored retriever with the same id. NotFound when absent; AlreadyExists
  // when the new name is another retriever's.
  virtual Status UpdateRetriever(const model::Retriever& r) = 0;
  // Removes the retriever and its executions (interactions stay: they are feedback on
  // documents). NotFound when absent.
  virtual Status DeleteRetriever(const std::string& retriever_id) = 0;

  // Executions. Insert: NotFound when the retriever is absent; AlreadyExists on id.
  virtual Status InsertExecution(const model::RetrieverExecution& e) = 0;
  // NotFound unless the execution belongs to that retriever.
  virtual Result<model::RetrieverExecution> GetExecution(const std::string& retriever_id,
                                                         const std::string& execution_id) = 0;
  // Newest first (created_at descending, then id); `status` filters when set.
  virtual Result<std::vector<model::RetrieverExecution>> ListExecutions(
      const std::string& retriever_id, const std::optional<std::string>& status,
      const model::Page& page) = 0;
  virtual Result<int64_t> CountExecutions(const std::string& retriever_id,
                                          const std::optional<std::string>& status) = 0;

  // Interactions. Insert: AlreadyExists on id.
  virtual Status InsertInteraction(const model::Interaction& i) = 0;
  virtual Result<model::Interaction> GetInteraction(const std::string& interaction_id) = 0;
  // Newest first (created_at descending, then id), filtered by `query`.
  virtual Result<std::vector<model::Interaction>> ListInteractions(
      const model::InteractionQuery& query, const model::Page& page) = 0;
  virtual Result<int64_t> CountInteractions(const model::InteractionQuery& query) = 0;
  // NotFound when absent.
  virtual Status DeleteInteraction(const std::string& interaction_id) = 0;

  // A fingerprint of a collection's documents and vectors that changes with every
  // document write or delete in it (count, newest updated_at, and a counter of document
  // writes); vector indexes are rebuilt when it differs from theirs.
  virtual Result<model::CollectionVersion> GetCollectionVersion(
      const std::string& collection_id) = 0;
  // ---- Fenced writes (migration workers holding a batch lease) ---------------------
  // UpsertObjects / UpsertDocuments in one transaction with a check of the fence:
  // FailedPrecondition ("stale fencing token") and nothing written when a write with a
  // higher token for fence.key was made here before; otherwise fence.key records
  // fence.token and the rows are written.
  virtual Status UpsertObjectsFenced(const WriteFence& fence,
                                     const std::vector<model::Object>& objects) = 0;
  virtual Status UpsertDocumentsFenced(const WriteFence& fence,
                                       const std::vector<model::Document>& docs) = 0;

  // ---- Bulk load -------------------------------------------------------------------
  // While a bulk load is on, the backend may suspend the upkeep of secondary indexes of
  // objects and documents (SQLite drops its non-unique ones and builds them again, by
  // sorting, at the end), so each written item costs fewer random page writes. Reads stay
  // correct but may scan. EndBulkLoad restores every index (idempotent, also without a
  // Begin); a crash in between is repaired when the namespace is opened again. Meant for
  // a namespace only its loader uses: a migration's target while a tier is copied.
  virtual Status BeginBulkLoad() = 0;
  virtual Status EndBulkLoad() = 0;

  // ---- Bulk reads ------------------------------------------------------------------
  // The count and content checksum of a bucket's objects or a collection's documents
  // (bulk_data.h), streamed inside the engine. A missing resource has count 0.
  virtual Result<ItemChecksum> ChecksumItems(const ChecksumRequest& request) = 0;

  // ---- Clusters --------------------------------------------------------------------
  // Cluster definitions and their executions (runs).

  // AlreadyExists on id or name.
  virtual Status InsertCluster(const model::Cluster& c) = 0;
  virtual Result<model::Cluster> GetCluster(const std::string& cluster_id) = 0;
  virtual Result<model::Cluster> GetClusterByName(const std::string& name) = 0;
  // Ordered by created_at then id.
  virtual Result<std::vector<model::Cluster>> ListClusters(const model::Page& page) = 0;
  virtual Result<int64_t> CountClusters() = 0;
  // Replaces the stored cluster with the same id. NotFound when absent; AlreadyExists
  // when the new name is another cluster's.
  virtual Status UpdateCluster(const model::Cluster& c) = 0;
  // Removes the cluster and its executions. NotFound when absent.
  virtual Status DeleteCluster(const std::string& cluster_id) = 0;

  // Inserts or replaces an execution (by run_id). NotFound when the cluster is absent.
  virtual Status UpsertClusterExecution(const model::ClusterExecution& e) = 0;
  // NotFound unless the execution belongs to that cluster.
  virtual Result<model::ClusterExecution> GetClusterExecution(const std::string& cluster_id,
                                                              const std::string& run_id) = 0;
  // Newest first (created_at descending, then run_id descending).
  virtual Result<std::vector<model::ClusterExecution>> ListClusterExecutions(
      const std::string& cluster_id, const model::Page& page) = 0;
  virtual Result<int64_t> CountClusterExecutions(const std::string& cluster_id) = 0;
  // ---- Taxonomies ------------------------------------------------------------------

  // AlreadyExists on id or name.
  virtual Status InsertTaxonomy(const model::Taxonomy& t) = 0;
  virtual Result<model::Taxonomy> GetTaxonomy(const std::string& taxonomy_id) = 0;
  virtual Result<model::Taxonomy> GetTaxonomyByName(const std::string& name) = 0;
  // Ordered by created_at then id.
  virtual Result<std::vector<model::Taxonomy>> ListTaxonomies(const model::Page& page) = 0;
  virtual Result<int64_t> CountTaxonomies() = 0;
  // Replaces the stored taxonomy with the same id. NotFound when absent; AlreadyExists
  // when the new name is another taxonomy's.
  virtual Status UpdateTaxonomy(const model::Taxonomy& t) = 0;
  // NotFound when absent.
  virtual Status DeleteTaxonomy(const std::string& taxonomy_id) = 0;
};

}  // namespace ferry::storage
