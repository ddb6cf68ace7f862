#include "storage/testing/fault_injecting_storage.h"

#include "common/ids.h"

namespace ferry::storage::testing {

namespace {

Status DiskFull() { return Status::ResourceExhausted("disk full"); }

}  // namespace

void FaultInjection::FailNextDocumentUpserts(int count, Status status) {
  std::lock_guard<std::mutex> lock(mu_);
  fail_documents_ = count;
  document_status_ = std::move(status);
}

void FaultInjection::FailNextObjectUpserts(int count, Status status) {
  std::lock_guard<std::mutex> lock(mu_);
  fail_objects_ = count;
  object_status_ = std::move(status);
}

void FaultInjection::SetDiskFull(bool full) {
  std::lock_guard<std::mutex> lock(mu_);
  disk_full_ = full;
}

void FaultInjection::CloseGate() {
  std::lock_guard<std::mutex> lock(mu_);
  gate_closed_ = true;
}

void FaultInjection::OpenGate() {
  std::lock_guard<std::mutex> lock(mu_);
  gate_closed_ = false;
  cv_.notify_all();
}

void FaultInjection::WaitUntilBlocked(int count) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return blocked_ >= count; });
}

int64_t FaultInjection::document_upserts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return document_upserts_;
}

int64_t FaultInjection::object_upserts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return object_upserts_;
}

void FaultInjection::CorruptNextDocumentUpserts(int count) {
  std::lock_guard<std::mutex> lock(mu_);
  corrupt_documents_ = count;
}

bool FaultInjection::TakeCorruption() {
  std::lock_guard<std::mutex> lock(mu_);
  if (corrupt_documents_ == 0) return false;
  --corrupt_documents_;
  return true;
}

Status FaultInjection::BeforeDocumentUpsert() {
  std::unique_lock<std::mutex> lock(mu_);
  ++document_upserts_;
  if (gate_closed_) {
    ++blocked_;
    cv_.notify_all();  // wakes WaitUntilBlocked
    cv_.wait(lock, [this] { return !gate_closed_; });
    --blocked_;
  }
  if (disk_full_) return DiskFull();
  if (fail_documents_ > 0) {
    --fail_documents_;
    return document_status_;
  }
  return Status::Ok();
}

Status FaultInjection::BeforeObjectUpsert() {
  std::lock_guard<std::mutex> lock(mu_);
  ++object_upserts_;
  if (disk_full_) return DiskFull();
  if (fail_objects_ > 0) {
    --fail_objects_;
    return object_status_;
  }
  return Status::Ok();
}

Status FaultInjection::BeforeOtherWrite() {
  std::lock_guard<std::mutex> lock(mu_);
  return disk_full_ ? DiskFull() : Status::Ok();
}

namespace {

// The documents with the first one corrupted. REQUIRES: !docs.empty().
std::vector<model::Document> Corrupted(const std::vector<model::Document>& docs) {
  std::vector<model::Document> corrupted = docs;
  auto& d = corrupted.front();
  if (!d.vectors.empty() && !d.vectors.front().values.empty()) {
    d.vectors.front().values.front() += 1.0f;
  } else {
    d.fields = model::Value("corrupted");
  }
  return corrupted;
}

// The documents as written: the first one corrupted when a corruption is due.
std::vector<model::Document> MaybeCorrupt(FaultInjection& faults,
                                          const std::vector<model::Document>& docs) {
  if (docs.empty() || !faults.TakeCorruption()) return docs;
  return Corrupted(docs);
}

}  // namespace

Result<ItemChecksum> FaultInjectingNamespaceStore::ChecksumItems(const ChecksumRequest& request) {
  return inner_->ChecksumItems(request);
}

Status FaultInjectingNamespaceStore::InsertBucket(const model::Bucket& bucket) {
  FERRY_RETURN_IF_ERROR(faults_->BeforeOtherWrite());
  return inner_->InsertBucket(bucket);
}

Result<model::Bucket> FaultInjectingNamespaceStore::GetBucket(const std::string& bucket_id) {
  return inner_->GetBucket(bucket_id);
}

Result<model::Bucket> FaultInjectingNamespaceStore::GetBucketByName(const std::string& name) {
  return inner_->GetBucketByName(name);
}

Result<std::vector<model::Bucket>> FaultInjectingNamespaceStore::ListBuckets(
    const model::Page& page) {
  return inner_->ListBuckets(page);
}

Result<int64_t> FaultInjectingNamespaceStore::CountBuckets() { return inner_->CountBuckets(); }

Result<model::BucketStats> FaultInjectingNamespaceStore::GetBucketStats(
    const std::string& bucket_id) {
  return inner_->GetBucketStats(bucket_id);
}

Status FaultInjectingNamespaceStore::DeleteBucket(const std::string& bucket_id) {
  FERRY_RETURN_IF_ERROR(faults_->BeforeOtherWrite());
  return inner_->DeleteBucket(bucket_id);
}

Status FaultInjectingNamespaceStore::InsertObject(const model::Object& object) {
  FERRY_RETURN_IF_ERROR(faults_->BeforeOtherWrite());
  return inner_->InsertObject(object);
}

Result<model::Object> FaultInjectingNamespaceStore::GetObject(const std::string& bucket_id,
                                                              const std::string& object_id) {
  return inner_->GetObject(bucket_id, object_id);
}

Result<std::vector<model::Object>> FaultInjectingNamespaceStore::ListObjects(
    const std::string& bucket_id, const model::Page& page) {
  return inner_->ListObjects(bucket_id, page);
}

Result<int64_t> FaultInjectingNamespaceStore::CountObjects(const std::string& bucket_id) {
  return inner_->CountObjects(bucket_id);
}

Result<int64_t> FaultInjectingNamespaceStore::CountAllObjects() {
  return inner_->CountAllObjects();
}

Status FaultInjectingNamespaceStore::DeleteObject(const std::string& bucket_id,
                                                  const std::string& object_id) {
  FERRY_RETURN_IF_ERROR(faults_->BeforeOtherWrite());
  return inner_->DeleteObject(bucket_id, object_id);
}

Status FaultInjectingNamespaceStore::UpsertObjects(const std::vector<model::Object>& objects) {
  FERRY_RETURN_IF_ERROR(faults_->BeforeObjectUpsert());
  return inner_->UpsertObjects(objects);
}

Result<std::vector<model::Object>> FaultInjectingNamespaceStore::GetObjects(
    const std::string& bucket_id, const std::vector<std::string>& ids) {
  return inner_->GetObjects(bucket_id, ids);
}

Result<std::vector<std::string>> FaultInjectingNamespaceStore::ListObjectIds(
    const std::string& bucket_id, const IdQuery& query) {
  return inner_->ListObjectIds(bucket_id, query);
}

Result<int64_t> FaultInjectingNamespaceStore::CountObjectsInRange(
    const std::string& bucket_id, std::optional<TimestampMs> after,
    std::optional<TimestampMs> before) {
  return inner_->CountObjectsInRange(bucket_id, after, before);
}

Result<std::vector<std::string>> FaultInjectingNamespaceStore::ListBlobHashes() {
  return inner_->ListBlobHashes();
}

Status FaultInjectingNamespaceStore::InsertCollection(const model::Collection& collection) {
  FERRY_RETURN_IF_ERROR(faults_->BeforeOtherWrite());
  return inner_->InsertCollection(collection);
}

Result<model::Collection> FaultInjectingNamespaceStore::GetCollection(
    const std::string& collection_id) {
  return inner_->GetCollection(collection_id);
}

Result<model::Collection> FaultInjectingNamespaceStore::GetCollectionByName(
    const std::string& name) {
  return inner_->GetCollectionByName(name);
}

Result<std::vector<model::Collection>> FaultInjectingNamespaceStore::ListCollections(
    const model::Page& page) {
  return inner_->ListCollections(page);
}

Result<int64_t> FaultInjectingNamespaceStore::CountCollections() {
  return inner_->CountCollections();
}

Status FaultInjectingNamespaceStore::DeleteCollection(const std::string& collection_id) {
  FERRY_RETURN_IF_ERROR(faults_->BeforeOtherWrite());
  return inner_->DeleteCollection(collection_id);
}

Status FaultInjectingNamespaceStore::UpsertDocuments(const std::vector<model::Document>& docs) {
  FERRY_RETURN_IF_ERROR(faults_->BeforeDocumentUpsert());
  return inner_->UpsertDocuments(MaybeCorrupt(*faults_, docs));
}

Status FaultInjectingNamespaceStore::UpsertObjectsFenced(
    const WriteFence& fence, const std::vector<model::Object>& objects) {
  FERRY_RETURN_IF_ERROR(faults_->BeforeObjectUpsert());
  return inner_->UpsertObjectsFenced(fence, objects);
}

Status FaultInjectingNamespaceStore::UpsertDocumentsFenced(
    const WriteFence& fence, const std::vector<model::Document>& docs) {
  FERRY_RETURN_IF_ERROR(faults_->BeforeDocumentUpsert());
  return inner_->UpsertDocumentsFenced(fence, MaybeCorrupt(*faults_, docs));
}

Result<model::Document> FaultInjectingNamespaceStore::GetDocument(const std::string& collection_id,
                                                                  const std::string& document_id,
                                                                  bool with_vectors) {
  return inner_->GetDocument(collection_id, document_id, with_vectors);
}

Result<std::vector<model::Document>> FaultInjectingNamespaceStore::ListDocuments(
    const std::string& collection_id, const model::Page& page, bool with_vectors) {
  return inner_->ListDocuments(collection_id, page, with_vectors);
}

Result<int64_t> FaultInjectingNamespaceStore::CountDocuments(const std::string& collection_id) {
  return inner_->CountDocuments(collection_id);
}

Result<int64_t> FaultInjectingNamespaceStore::CountAllDocuments() {
  return inner_->CountAllDocuments();
}

Result<std::vector<model::Document>> FaultInjectingNamespaceStore::GetDocuments(
    const std::string& collection_id, const std::vector<std::string>& ids) {
  return inner_->GetDocuments(collection_id, ids);
}

Result<std::vector<std::string>> FaultInjectingNamespaceStore::ListDocumentIds(
    const std::string& collection_id, const IdQuery& query) {
  return inner_->ListDocumentIds(collection_id, query);
}

Result<int64_t> FaultInjectingNamespaceStore::CountDocumentsInRange(
    const std::string& collection_id, std::optional<TimestampMs> after,
    std::optional<TimestampMs> before) {
  return inner_->CountDocumentsInRange(collection_id, after, before);
}

Result<std::vector<model::Document>> FaultInjectingNamespaceStore::ListDocumentsByRootObjects(
    const std::string& collection_id, const std::vector<std::string>& root_object_ids) {
  return inner_->ListDocumentsByRootObjects(collection_id, root_object_ids);
}

Status FaultInjectingNamespaceStore::DeleteDocumentsByRootObjects(
    const std::string& collection_id, const std::vector<std::string>& root_object_ids) {
  FERRY_RETURN_IF_ERROR(faults_->BeforeOtherWrite());
  return inner_->DeleteDocumentsByRootObjects(collection_id, root_object_ids);
}

Status FaultInjectingNamespaceStore::UpsertBatch(const model::Batch& batch) {
  FERRY_RETURN_IF_ERROR(faults_->BeforeOtherWrite());
  return inner_->UpsertBatch(batch);
}

Result<model::Batch> FaultInjectingNamespaceStore::GetBatch(const std::string& bucket_id,
                                                            const std::string& batch_id) {
  return inner_->GetBatch(bucket_id, batch_id);
}

using Store = FaultInjectingNamespaceStore;

Status Store::InsertRetriever(const model::Retriever& r) { return inner_->InsertRetriever(r); }
Result<model::Retriever> Store::GetRetriever(const std::string& id) {
  return inner_->GetRetriever(id);
}
Result<model::Retriever> Store::GetRetrieverByName(const std::string& name) {
  return inner_->GetRetrieverByName(name);
}
Result<std::vector<model::Retriever>> Store::ListRetrievers(const model::Page& page) {
  return inner_->ListRetrievers(page);
}
Result<int64_t> Store::CountRetrievers() { return inner_->CountRetrievers(); }
Status Store::UpdateRetriever(const model::Retriever& r) { return inner_->UpdateRetriever(r); }
Status Store::DeleteRetriever(const std::string& id) { return inner_->DeleteRetriever(id); }
Status Store::InsertExecution(const model::RetrieverExecution& e) {
  return inner_->InsertExecution(e);
}
Result<model::RetrieverExecution> Store::GetExecution(const std::string& retriever_id,
                                                      const std::string& execution_id) {
  return inner_->GetExecution(retriever_id, execution_id);
}
Result<std::vector<model::RetrieverExecution>> Store::ListExecutions(
    const std::string& retriever_id, const std::optional<std::string>& status,
    const model::Page& page) {
  return inner_->ListExecutions(retriever_id, status, page);
}
Result<int64_t> Store::CountExecutions(const std::string& retriever_id,
                                       const std::optional<std::string>& status) {
  return inner_->CountExecutions(retriever_id, status);
}
Status Store::InsertInteraction(const model::Interaction& i) {
  return inner_->InsertInteraction(i);
}
Result<model::Interaction> Store::GetInteraction(const std::string& id) {
  return inner_->GetInteraction(id);
}
Result<std::vector<model::Interaction>> Store::ListInteractions(
    const model::InteractionQuery& query, const model::Page& page) {
  return inner_->ListInteractions(query, page);
}
Result<int64_t> Store::CountInteractions(const model::InteractionQuery& query) {
  return inner_->CountInteractions(query);
}
Status Store::DeleteInteraction(const std::string& id) { return inner_->DeleteInteraction(id); }
Result<model::CollectionVersion> Store::GetCollectionVersion(const std::string& collection_id) {
  return inner_->GetCollectionVersion(collection_id);
}
Status Store::InsertCluster(const model::Cluster& c) { return inner_->InsertCluster(c); }
Result<model::Cluster> Store::GetCluster(const std::string& id) { return inner_->GetCluster(id); }
Result<model::Cluster> Store::GetClusterByName(const std::string& name) {
  return inner_->GetClusterByName(name);
}
Result<std::vector<model::Cluster>> Store::ListClusters(const model::Page& page) {
  return inner_->ListClusters(page);
}
Result<int64_t> Store::CountClusters() { return inner_->CountClusters(); }
Status Store::UpdateCluster(const model::Cluster& c) { return inner_->UpdateCluster(c); }
Status Store::DeleteCluster(const std::string& id) { return inner_->DeleteCluster(id); }
Status Store::UpsertClusterExecution(const model::ClusterExecution& e) {
  return inner_->UpsertClusterExecution(e);
}
Result<model::ClusterExecution> Store::GetClusterExecution(const std::string& cluster_id,
                                                           const std::string& run_id) {
  return inner_->GetClusterExecution(cluster_id, run_id);
}
Result<std::vector<model::ClusterExecution>> Store::ListClusterExecutions(
    const std::string& cluster_id, const model::Page& page) {
  return inner_->ListClusterExecutions(cluster_id, page);
}
Result<int64_t> Store::CountClusterExecutions(const std::string& cluster_id) {
  return inner_->CountClusterExecutions(cluster_id);
}

Status Store::InsertTaxonomy(const model::Taxonomy& t) { return inner_->InsertTaxonomy(t); }
Result<model::Taxonomy> Store::GetTaxonomy(const std::string& id) {
  return inner_->GetTaxonomy(id);
}
Result<model::Taxonomy> Store::GetTaxonomyByName(const std::string& name) {
  return inner_->GetTaxonomyByName(name);
}
Result<std::vector<model::Taxonomy>> Store::ListTaxonomies(const model::Page& page) {
  return inner_->ListTaxonomies(page);
}
Result<int64_t> Store::CountTaxonomies() { return inner_->CountTaxonomies(); }
Status Store::UpdateTaxonomy(const model::Taxonomy& t) { return inner_->UpdateTaxonomy(t); }
Status Store::DeleteTaxonomy(const std::string& id) { return inner_->DeleteTaxonomy(id); }

std::shared_ptr<FaultInjection> FaultInjectingStorageEngine::FaultsLocked(
    const std::string& namespace_id) {
  auto& slot = faults_[namespace_id];
  if (!slot) slot = std::make_shared<FaultInjection>();
  return slot;
}

FaultInjection& FaultInjectingStorageEngine::Faults(const std::string& namespace_id) {
  std::lock_guard<std::mutex> lock(mu_);
  return *FaultsLocked(namespace_id);
}

Status FaultInjectingStorageEngine::CreateNamespaceData(const std::string& namespace_id) {
  FERRY_RETURN_IF_ERROR(Faults(namespace_id).BeforeOtherWrite());
  return inner_.CreateNamespaceData(namespace_id);
}

Result<std::shared_ptr<NamespaceStore>> FaultInjectingStorageEngine::OpenNamespace(
    const std::string& namespace_id) {
  FERRY_ASSIGN_OR_RETURN(std::shared_ptr<NamespaceStore> inner, inner_.OpenNamespace(namespace_id));
  std::lock_guard<std::mutex> lock(mu_);
  auto& wrapper = stores_[namespace_id];
  if (!wrapper || wrapper->inner() != inner.get()) {
    wrapper = std::make_shared<FaultInjectingNamespaceStore>(std::move(inner),
                                                             FaultsLocked(namespace_id));
  }
  return std::shared_ptr<NamespaceStore>(wrapper);
}

Result<BulkCopyResult> FaultInjectingStorageEngine::CopyItems(
    const std::string& source_namespace_id, const std::string& target_namespace_id,
    const BulkCopyRequest& request) {
  FaultInjection& faults = Faults(target_namespace_id);
  const bool documents = request.resource_type == model::ResourceType::kCollection;
  FERRY_RETURN_IF_ERROR(documents ? faults.BeforeDocumentUpsert() : faults.BeforeObjectUpsert());
  FERRY_ASSIGN_OR_RETURN(BulkCopyResult copied,
                         inner_.CopyItems(source_namespace_id, target_namespace_id, request));
  if (!documents || copied.copied == 0 || !faults.TakeCorruption()) return copied;
  FERRY_ASSIGN_OR_RETURN(auto target, inner_.OpenNamespace(target_namespace_id));
  const auto& m = request.mapping;
  const std::string collection =
      MapResourceId(m.migration_id, request.source_resource_id, m.preserve);
  for (const auto& id : request.item_ids) {
    FERRY_ASSIGN_OR_RETURN(
        auto docs,
        target->GetDocuments(collection, {MapResourceId(m.migration_id, id, m.preserve)}));
    if (docs.empty()) continue;
    FERRY_RETURN_IF_ERROR(target->UpsertDocuments(Corrupted(docs)));
    break;
  }
  return copied;
}

Status FaultInjectingStorageEngine::DropNamespaceData(const std::string& namespace_id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stores_.erase(namespace_id);
  }
  return inner_.DropNamespaceData(namespace_id);
}

}  // namespace ferry::storage::testing
