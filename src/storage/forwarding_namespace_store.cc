#include "storage/forwarding_namespace_store.h"

#include <utility>

namespace ferry::storage {

Status ForwardingNamespaceStore::InsertBucket(const model::Bucket& bucket) {
  return target_->InsertBucket(bucket);
}

Result<model::Bucket> ForwardingNamespaceStore::GetBucket(const std::string& bucket_id) {
  return target_->GetBucket(bucket_id);
}

Result<model::Bucket> ForwardingNamespaceStore::GetBucketByName(const std::string& name) {
  return target_->GetBucketByName(name);
}

Result<std::vector<model::Bucket>> ForwardingNamespaceStore::ListBuckets(const model::Page& page) {
  return target_->ListBuckets(page);
}

Result<int64_t> ForwardingNamespaceStore::CountBuckets() { return target_->CountBuckets(); }

Result<model::BucketStats> ForwardingNamespaceStore::GetBucketStats(const std::string& bucket_id) {
  return target_->GetBucketStats(bucket_id);
}

Status ForwardingNamespaceStore::DeleteBucket(const std::string& bucket_id) {
  return target_->DeleteBucket(bucket_id);
}

Status ForwardingNamespaceStore::InsertObject(const model::Object& object) {
  return target_->InsertObject(object);
}

Result<model::Object> ForwardingNamespaceStore::GetObject(const std::string& bucket_id,
                                                          const std::string& object_id) {
  return target_->GetObject(bucket_id, object_id);
}

Result<std::vector<model::Object>> ForwardingNamespaceStore::ListObjects(
    const std::string& bucket_id, const model::Page& page) {
  return target_->ListObjects(bucket_id, page);
}

Result<int64_t> ForwardingNamespaceStore::CountObjects(const std::string& bucket_id) {
  return target_->CountObjects(bucket_id);
}

Result<int64_t> ForwardingNamespaceStore::CountAllObjects() { return target_->CountAllObjects(); }

Status ForwardingNamespaceStore::DeleteObject(const std::string& bucket_id,
                                              const std::string& object_id) {
  return target_->DeleteObject(bucket_id, object_id);
}

Status ForwardingNamespaceStore::UpsertObjects(const std::vector<model::Object>& objects) {
  return target_->UpsertObjects(objects);
}

Result<std::vector<model::Object>> ForwardingNamespaceStore::GetObjects(
    const std::string& bucket_id, const std::vector<std::string>& ids) {
  return target_->GetObjects(bucket_id, ids);
}

Result<std::vector<std::string>> ForwardingNamespaceStore::ListObjectIds(
    const std::string& bucket_id, const IdQuery& query) {
  return target_->ListObjectIds(bucket_id, query);
}

Result<int64_t> ForwardingNamespaceStore::CountObjectsInRange(const std::string& bucket_id,
                                                              std::optional<TimestampMs> after,
                                                              std::optional<TimestampMs> before) {
  return target_->CountObjectsInRange(bucket_id, after, before);
}

Result<std::vector<std::string>> ForwardingNamespaceStore::ListBlobHashes() {
  return target_->ListBlobHashes();
}

Status ForwardingNamespaceStore::UpsertBatch(const model::Batch& batch) {
  return target_->UpsertBatch(batch);
}

Result<model::Batch> ForwardingNamespaceStore::GetBatch(const std::string& bucket_id,
                                                        const std::string& batch_id) {
  return target_->GetBatch(bucket_id, batch_id);
}

Status ForwardingNamespaceStore::DeleteBatch(const std::string& bucket_id,
                                             const std::string& batch_id) {
  return target_->DeleteBatch(bucket_id, batch_id);
}
Result<std::vector<model::Batch>> ForwardingNamespaceStore::ListBatches(
    const std::string& bucket_id, const model::Page& page) {
  return target_->ListBatches(bucket_id, page);
}

Status ForwardingNamespaceStore::InsertCollection(const model::Collection& collection) {
  return target_->InsertCollection(collection);
}

Result<model::Collection> ForwardingNamespaceStore::GetCollection(
    const std::string& collection_id) {
  return target_->GetCollection(collection_id);
}

Result<model::Collection> ForwardingNamespaceStore::GetCollectionByName(const std::string& name) {
  return target_->GetCollectionByName(name);
}

Result<std::vector<model::Collection>> ForwardingNamespaceStore::ListCollections(
    const model::Page& page) {
  return target_->ListCollections(page);
}

Result<int64_t> ForwardingNamespaceStore::CountCollections() { return target_->CountCollections(); }

Status ForwardingNamespaceStore::DeleteCollection(const std::string& collection_id) {
  return target_->DeleteCollection(collection_id);
}

Result<model::CollectionVersion> ForwardingNamespaceStore::GetCollectionVersion(
    const std::string& collection_id) {
  return target_->GetCollectionVersion(collection_id);
}

Status ForwardingNamespaceStore::UpsertDocuments(const std::vector<model::Document>& docs) {
  return target_->UpsertDocuments(docs);
}

Result<model::Document> ForwardingNamespaceStore::GetDocument(const std::string& collection_id,
                                                              const std::string& document_id,
                                                              bool with_vectors) {
  return target_->GetDocument(collection_id, document_id, with_vectors);
}

Result<std::vector<model::Document>> ForwardingNamespaceStore::ListDocuments(
    const std::string& collection_id, const model::Page& page, bool with_vectors) {
  return target_->ListDocuments(collection_id, page, with_vectors);
}

Result<std::vector<model::Document>> ForwardingNamespaceStore::ListDocumentsAfter(
    const std::string& collection_id, const std::optional<DocumentCursor>& after, int64_t limit,
    bool with_vectors) {
  return target_->ListDocumentsAfter(collection_id, after, limit, with_vectors);
}

Result<int64_t> ForwardingNamespaceStore::CountDocuments(const std::string& collection_id) {
  return target_->CountDocuments(collection_id);
}

Result<int64_t> ForwardingNamespaceStore::CountAllDocuments() {
  return target_->CountAllDocuments();
}

Result<std::vector<model::Document>> ForwardingNamespaceStore::GetDocuments(
    const std::string& collection_id, const std::vector<std::string>& ids) {
  return target_->GetDocuments(collection_id, ids);
}

Result<std::vector<std::string>> ForwardingNamespaceStore::ListDocumentIds(
    const std::string& collection_id, const IdQuery& query) {
  return target_->ListDocumentIds(collection_id, query);
}

Result<int64_t> ForwardingNamespaceStore::CountDocumentsInRange(const std::string& collection_id,
                                                                std::optional<TimestampMs> after,
                                                                std::optional<TimestampMs> before) {
  return target_->CountDocumentsInRange(collection_id, after, before);
}

Result<std::vector<model::Document>> ForwardingNamespaceStore::ListDocumentsByRootObjects(
    const std::string& collection_id, const std::vector<std::string>& root_object_ids) {
  return target_->ListDocumentsByRootObjects(collection_id, root_object_ids);
}

Status ForwardingNamespaceStore::DeleteDocumentsByRootObjects(
    const std::string& collection_id, const std::vector<std::string>& root_object_ids) {
  return target_->DeleteDocumentsByRootObjects(collection_id, root_object_ids);
}

Result<std::vector<model::Document>> ForwardingNamespaceStore::EditDocuments(
    const std::string& collection_id, const DocumentSelection& which, const DocumentEdit& edit) {
  return target_->EditDocuments(collection_id, which, edit);
}

Result<std::vector<std::string>> ForwardingNamespaceStore::DeleteDocuments(
    const std::string& collection_id, const DocumentSelection& which) {
  return target_->DeleteDocuments(collection_id, which);
}

Status ForwardingNamespaceStore::InsertRetriever(const model::Retriever& r) {
  return target_->InsertRetriever(r);
}

Result<model::Retriever> ForwardingNamespaceStore::GetRetriever(const std::string& retriever_id) {
  return target_->GetRetriever(retriever_id);
}

Result<model::Retriever> ForwardingNamespaceStore::GetRetrieverByName(const std::string& name) {
  return target_->GetRetrieverByName(name);
}

Result<std::vector<model::Retriever>> ForwardingNamespaceStore::ListRetrievers(
    const model::Page& page) {
  return target_->ListRetrievers(page);
}

Result<int64_t> ForwardingNamespaceStore::CountRetrievers() { return target_->CountRetrievers(); }

Status ForwardingNamespaceStore::UpdateRetriever(const model::Retriever& r) {
  return target_->UpdateRetriever(r);
}

Status ForwardingNamespaceStore::DeleteRetriever(const std::string& retriever_id) {
  return target_->DeleteRetriever(retriever_id);
}

Status ForwardingNamespaceStore::InsertExecution(const model::RetrieverExecution& e) {
  return target_->InsertExecution(e);
}

Result<model::RetrieverExecution> ForwardingNamespaceStore::GetExecution(
    const std::string& retriever_id, const std::string& execution_id) {
  return target_->GetExecution(retriever_id, execution_id);
}

Result<std::vector<model::RetrieverExecution>> ForwardingNamespaceStore::ListExecutions(
    const std::string& retriever_id, const std::optional<std::string>& status,
    const model::Page& page) {
  return target_->ListExecutions(retriever_id, status, page);
}

Result<int64_t> ForwardingNamespaceStore::CountExecutions(
    const std::string& retriever_id, const std::optional<std::string>& status) {
  return target_->CountExecutions(retriever_id, status);
}

Status ForwardingNamespaceStore::InsertInteraction(const model::Interaction& i) {
  return target_->InsertInteraction(i);
}

Result<model::Interaction> ForwardingNamespaceStore::GetInteraction(
    const std::string& interaction_id) {
  return target_->GetInteraction(interaction_id);
}

Result<std::vector<model::Interaction>> ForwardingNamespaceStore::ListInteractions(
    const model::InteractionQuery& query, const model::Page& page) {
  return target_->ListInteractions(query, page);
}

Result<int64_t> ForwardingNamespaceStore::CountInteractions(const model::InteractionQuery& query) {
  return target_->CountInteractions(query);
}

Status ForwardingNamespaceStore::DeleteInteraction(const std::string& interaction_id) {
  return target_->DeleteInteraction(interaction_id);
}

Status ForwardingNamespaceStore::InsertCluster(const model::Cluster& c) {
  return target_->InsertCluster(c);
}

Result<model::Cluster> ForwardingNamespaceStore::GetCluster(const std::string& cluster_id) {
  return target_->GetCluster(cluster_id);
}

Result<model::Cluster> ForwardingNamespaceStore::GetClusterByName(const std::string& name) {
  return target_->GetClusterByName(name);
}

Result<std::vector<model::Cluster>> ForwardingNamespaceStore::ListClusters(
    const model::Page& page) {
  return target_->ListClusters(page);
}

Result<int64_t> ForwardingNamespaceStore::CountClusters() { return target_->CountClusters(); }

Status ForwardingNamespaceStore::UpdateCluster(const model::Cluster& c) {
  return target_->UpdateCluster(c);
}

Status ForwardingNamespaceStore::DeleteCluster(const std::string& cluster_id) {
  return target_->DeleteCluster(cluster_id);
}

Status ForwardingNamespaceStore::UpsertClusterExecution(const model::ClusterExecution& e) {
  return target_->UpsertClusterExecution(e);
}

Result<model::ClusterExecution> ForwardingNamespaceStore::GetClusterExecution(
    const std::string& cluster_id, const std::string& run_id) {
  return target_->GetClusterExecution(cluster_id, run_id);
}

Result<std::vector<model::ClusterExecution>> ForwardingNamespaceStore::ListClusterExecutions(
    const std::string& cluster_id, const model::Page& page) {
  return target_->ListClusterExecutions(cluster_id, page);
}

Result<int64_t> ForwardingNamespaceStore::CountClusterExecutions(const std::string& cluster_id) {
  return target_->CountClusterExecutions(cluster_id);
}

Status ForwardingNamespaceStore::InsertTaxonomy(const model::Taxonomy& t) {
  return target_->InsertTaxonomy(t);
}

Result<model::Taxonomy> ForwardingNamespaceStore::GetTaxonomy(const std::string& taxonomy_id) {
  return target_->GetTaxonomy(taxonomy_id);
}

Result<model::Taxonomy> ForwardingNamespaceStore::GetTaxonomyByName(const std::string& name) {
  return target_->GetTaxonomyByName(name);
}

Result<std::vector<model::Taxonomy>> ForwardingNamespaceStore::ListTaxonomies(
    const model::Page& page) {
  return target_->ListTaxonomies(page);
}

Result<int64_t> ForwardingNamespaceStore::CountTaxonomies() { return target_->CountTaxonomies(); }

Status ForwardingNamespaceStore::UpdateTaxonomy(const model::Taxonomy& t) {
  return target_->UpdateTaxonomy(t);
}

Status ForwardingNamespaceStore::DeleteTaxonomy(const std::string& taxonomy_id) {
  return target_->DeleteTaxonomy(taxonomy_id);
}

Status ForwardingNamespaceStore::UpsertObjectsFenced(const WriteFence& fence,
                                                     const std::vector<model::Object>& objects) {
  return target_->UpsertObjectsFenced(fence, objects);
}

Status ForwardingNamespaceStore::UpsertDocumentsFenced(const WriteFence& fence,
                                                       const std::vector<model::Document>& docs) {
  return target_->UpsertDocumentsFenced(fence, docs);
}

Status ForwardingNamespaceStore::BeginBulkLoad() { return target_->BeginBulkLoad(); }

Status ForwardingNamespaceStore::EndBulkLoad() { return target_->EndBulkLoad(); }

Result<ItemChecksum> ForwardingNamespaceStore::ChecksumItems(const ChecksumRequest& request) {
  return target_->ChecksumItems(request);
}

Result<int64_t> ForwardingNamespaceStore::LatestChangeSeq() { return target_->LatestChangeSeq(); }

Result<std::vector<ChangeEntry>> ForwardingNamespaceStore::ListChanges(int64_t after, int limit) {
  return target_->ListChanges(after, limit);
}

Result<int64_t> ForwardingNamespaceStore::TrimChanges(int64_t upto) {
  return target_->TrimChanges(upto);
}

Status ForwardingNamespaceStore::PauseWrites(TimestampMs until) {
  return target_->PauseWrites(until);
}

Result<int64_t> ForwardingNamespaceStore::TrimChangesWrittenBefore(int64_t upto,
                                                                   TimestampMs before) {
  return target_->TrimChangesWrittenBefore(upto, before);
}

}  // namespace ferry::storage
