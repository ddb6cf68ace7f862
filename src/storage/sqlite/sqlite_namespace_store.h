#pragma once
// NamespaceStore over one SQLite file (DIR/ns/<namespace_id>.db). Thread-safe: one
// connection, serialized; every call is one statement or one transaction. Children are
// removed with their parents by ON DELETE CASCADE (objects and batches with their bucket,
// documents and vectors with their collection).
//
// The implementation is split by resource: sqlite_namespace_store.cc (open, buckets,
// batches), sqlite_objects.cc, sqlite_collections.cc, sqlite_documents.cc (documents and
// vectors) and sqlite_id_queries.cc (keyset id pages and created_at range counts).

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/crash_points.h"
#include "storage/namespace_store.h"
#include "storage/sqlite/sqlite_db.h"

namespace ferry::storage::sqlite {

class SqliteNamespaceStore final : public NamespaceStore {
 public:
  // Opens `path` and migrates its schema. With create_if_missing false, a missing file is
  // an error (the caller checks existence first to report NotFound).
  // `crash_points` (testing; may be null) arms "bulk_copy.before_commit" (inside a bulk
  // copy slice) and "fenced_write.before_commit" (inside a fenced document write).
  static Result<std::unique_ptr<SqliteNamespaceStore>> Open(
      const std::string& path, bool create_if_missing, const CrashPoints* crash_points = nullptr,
      WalCheckpointer* checkpointer = nullptr);

  // Checkpoints and closes the database; later calls return Unavailable. Idempotent.
  void Close();

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

  // Retrievers, executions, interactions and the collection fingerprint
  // (sqlite_retrievers.cc).
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

  // Fenced writes: sqlite_fenced_writes.cc.
  Status UpsertObjectsFenced(const WriteFence& fence,
                             const std::vector<model::Object>& objects) override;
  Status UpsertDocumentsFenced(const WriteFence& fence,
                               const std::vector<model::Document>& docs) override;
  // Clusters and their executions (sqlite_clusters.cc).
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

  // Bulk load (sqlite_bulk_load.cc): drops / rebuilds the non-unique indexes of
  // objects, their blob hashes and documents.
  Status BeginBulkLoad() override;
  Status EndBulkLoad() override;

  // Bulk data (sqlite_bulk_copy.cc, sqlite_checksum.cc).
  Result<ItemChecksum> ChecksumItems(const ChecksumRequest& request) override;
  // Copies request's items from the namespace file `source_path` into this one:
  // ATTACH + INSERT … SELECT with the id mapping as SQL functions, one transaction with
  // the fence. StorageEngine::CopyItems's contract.
  Result<BulkCopyResult> CopyItemsFrom(const std::string& source_path,
                                       const BulkCopyRequest& request);
  // Detaches `source_path` if a bulk copy left it attached (its namespace is dropped).
  Status DetachSource(const std::string& source_path);

  // The change log of client writes (sqlite_change_log.cc).
  Result<int64_t> LatestChangeSeq() override;
  Result<std::vector<ChangeEntry>> ListChanges(int64_t after, int limit) override;
  Result<int64_t> TrimChanges(int64_t upto) override;
  Status PauseWrites(TimestampMs until) override;
  Result<int64_t> TrimChangesWrittenBefore(int64_t upto, TimestampMs before) override;

  // Taxonomies (sqlite_taxonomies.cc).
  Status InsertTaxonomy(const model::Taxonomy& t) override;
  Result<model::Taxonomy> GetTaxonomy(const std::string& taxonomy_id) override;
  Result<model::Taxonomy> GetTaxonomyByName(const std::string& name) override;
  Result<std::vector<model::Taxonomy>> ListTaxonomies(const model::Page& page) override;
  Result<int64_t> CountTaxonomies() override;
  Status UpdateTaxonomy(const model::Taxonomy& t) override;
  Status DeleteTaxonomy(const std::string& taxonomy_id) override;

 private:
  SqliteNamespaceStore(std::unique_ptr<SqliteDb> db, const CrashPoints* crash_points)
      : db_(std::move(db)), crash_points_(crash_points) {}
  void ReachedCrashPoint(std::string_view name) const {
    if (crash_points_ != nullptr) crash_points_->Reached(name);
  }

  // Attaches `source_path` as bulk_src unless it is attached already. REQUIRES: the
  // connection mutex held, outside a transaction.
  Status AttachSource(SqliteDb& db, const std::string& source_path);

  // The connection checksums read on (opened on first use): a second connection to the
  // same file, so that a checksum never waits for — nor holds up — the writer.
  Result<SqliteDb*> Reader();

  std::unique_ptr<SqliteDb> db_;
  const CrashPoints* const crash_points_;
  std::mutex reader_mu_;
  std::unique_ptr<SqliteDb> reader_;  // guarded by reader_mu_
  bool closed_ = false;               // guarded by reader_mu_
  std::string attached_source_;       // the file attached as bulk_src; guarded by db_'s mutex
};

// Helpers shared by the store's .cc files.
// `ids` as a JSON array, for json_each(): one bound value, however many ids.
std::string JsonArray(const std::vector<std::string>& ids);
// True when a row with `id` exists in `table` (`id_column` names its key).
// REQUIRES: the connection mutex held; table and column are literals.
Result<bool> RowExists(SqliteDb& db, const char* table, const char* id_column,
                       const std::string& id);
// The TaskStatus spelled in `column`; DataLoss naming `field` when it does not parse.
Result<model::TaskStatus> ReadTaskStatus(const Statement& row, int column, const char* field);

}  // namespace ferry::storage::sqlite
