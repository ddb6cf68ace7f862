#include "storage/testing/fault_injecting_storage.h"

#include <utility>

#include "common/crypto.h"
#include "common/ids.h"

namespace ferry::storage::testing {

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

using Store = FaultInjectingNamespaceStore;

Result<ItemChecksum> Store::ChecksumItems(const ChecksumRequest& request) {
  faults_->CountChecksum(request.item_ids.has_value());
  return ForwardingNamespaceStore::ChecksumItems(request);
}

Result<int64_t> Store::CountObjectsInRange(const std::string& bucket_id,
                                           std::optional<TimestampMs> after,
                                           std::optional<TimestampMs> before) {
  faults_->CountRange();
  return ForwardingNamespaceStore::CountObjectsInRange(bucket_id, after, before);
}

Result<int64_t> Store::CountDocumentsInRange(const std::string& collection_id,
                                             std::optional<TimestampMs> after,
                                             std::optional<TimestampMs> before) {
  faults_->CountRange();
  return ForwardingNamespaceStore::CountDocumentsInRange(collection_id, after, before);
}

Status Store::InsertBucket(const model::Bucket& bucket) {
  FERRY_RETURN_IF_ERROR(faults_->BeforeOtherWrite());
  return ForwardingNamespaceStore::InsertBucket(bucket);
}

Status Store::DeleteBucket(const std::string& bucket_id) {
  FERRY_RETURN_IF_ERROR(faults_->BeforeOtherWrite());
  return ForwardingNamespaceStore::DeleteBucket(bucket_id);
}

Status Store::InsertObject(const model::Object& object) {
  FERRY_RETURN_IF_ERROR(faults_->BeforeOtherWrite());
  return ForwardingNamespaceStore::InsertObject(object);
}

Status Store::DeleteObject(const std::string& bucket_id, const std::string& object_id) {
  FERRY_RETURN_IF_ERROR(faults_->BeforeOtherWrite());
  return ForwardingNamespaceStore::DeleteObject(bucket_id, object_id);
}

Status Store::UpsertObjects(const std::vector<model::Object>& objects) {
  FERRY_RETURN_IF_ERROR(faults_->BeforeObjectUpsert());
  return ForwardingNamespaceStore::UpsertObjects(objects);
}

Status Store::UpsertBatch(const model::Batch& batch) {
  FERRY_RETURN_IF_ERROR(faults_->BeforeOtherWrite());
  return ForwardingNamespaceStore::UpsertBatch(batch);
}

Status Store::InsertCollection(const model::Collection& collection) {
  FERRY_RETURN_IF_ERROR(faults_->BeforeOtherWrite());
  return ForwardingNamespaceStore::InsertCollection(collection);
}

Status Store::DeleteCollection(const std::string& collection_id) {
  FERRY_RETURN_IF_ERROR(faults_->BeforeOtherWrite());
  return ForwardingNamespaceStore::DeleteCollection(collection_id);
}

Status Store::UpsertDocuments(const std::vector<model::Document>& docs) {
  FERRY_RETURN_IF_ERROR(faults_->BeforeDocumentUpsert());
  return ForwardingNamespaceStore::UpsertDocuments(MaybeCorrupt(*faults_, docs));
}

Status Store::DeleteDocumentsByRootObjects(const std::string& collection_id,
                                           const std::vector<std::string>& root_object_ids) {
  FERRY_RETURN_IF_ERROR(faults_->BeforeOtherWrite());
  return ForwardingNamespaceStore::DeleteDocumentsByRootObjects(collection_id, root_object_ids);
}

Result<std::vector<model::Document>> Store::EditDocuments(const std::string& collection_id,
                                                          const DocumentSelection& which,
                                                          const DocumentEdit& edit) {
  FERRY_RETURN_IF_ERROR(faults_->BeforeOtherWrite());
  return ForwardingNamespaceStore::EditDocuments(collection_id, which, edit);
}

Result<std::vector<std::string>> Store::DeleteDocuments(const std::string& collection_id,
                                                        const DocumentSelection& which) {
  FERRY_RETURN_IF_ERROR(faults_->BeforeOtherWrite());
  return ForwardingNamespaceStore::DeleteDocuments(collection_id, which);
}

Status Store::PauseWrites(TimestampMs until) {
  FERRY_RETURN_IF_ERROR(faults_->BeforePauseWrites(until == 0));
  return ForwardingNamespaceStore::PauseWrites(until);
}

Status Store::UpsertObjectsFenced(const WriteFence& fence,
                                  const std::vector<model::Object>& objects) {
  FERRY_RETURN_IF_ERROR(faults_->BeforeObjectUpsert());
  return ForwardingNamespaceStore::UpsertObjectsFenced(fence, objects);
}

Status Store::UpsertDocumentsFenced(const WriteFence& fence,
                                    const std::vector<model::Document>& docs) {
  FERRY_RETURN_IF_ERROR(faults_->BeforeDocumentUpsert());
  return ForwardingNamespaceStore::UpsertDocumentsFenced(fence, MaybeCorrupt(*faults_, docs));
}

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
  return target().CreateNamespaceData(namespace_id);
}

Result<std::shared_ptr<NamespaceStore>> FaultInjectingStorageEngine::OpenNamespace(
    const std::string& namespace_id) {
  FERRY_ASSIGN_OR_RETURN(std::shared_ptr<NamespaceStore> inner,
                         target().OpenNamespace(namespace_id));
  std::lock_guard<std::mutex> lock(mu_);
  auto& wrapper = stores_[namespace_id];
  if (!wrapper || wrapper->target() != inner.get()) {
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
                         target().CopyItems(source_namespace_id, target_namespace_id, request));
  if (auto differ = faults.CopyChecksums(request.checksum)) {
    // A digest of the slice's ids stands for the backend's own digest of its rows.
    auto side = [&](const std::string& salt) {
      unsigned char raw[kSha256Bytes];
      std::string ids = salt;
      for (const auto& id : request.item_ids) ids.append("|").append(id);
      Sha256Digest(ids, raw);
      ItemChecksum c;
      c.count = copied.copied;
      c.checksum.AddDigest(raw, copied.copied);
      return c;
    };
    copied.checksums = std::make_pair(side("slice"), side(*differ ? "altered" : "slice"));
  }
  if (!documents || copied.copied == 0 || !faults.TakeCorruption()) return copied;
  FERRY_ASSIGN_OR_RETURN(auto target_store, target().OpenNamespace(target_namespace_id));
  const auto& m = request.mapping;
  const std::string collection =
      MapResourceId(m.migration_id, request.source_resource_id, m.preserve);
  for (const auto& id : request.item_ids) {
    FERRY_ASSIGN_OR_RETURN(
        auto docs,
        target_store->GetDocuments(collection, {MapResourceId(m.migration_id, id, m.preserve)}));
    if (docs.empty()) continue;
    FERRY_RETURN_IF_ERROR(target_store->UpsertDocuments(Corrupted(docs)));
    break;
  }
  return copied;
}

Status FaultInjectingStorageEngine::DropNamespaceData(const std::string& namespace_id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stores_.erase(namespace_id);
  }
  return target().DropNamespaceData(namespace_id);
}

}  // namespace ferry::storage::testing
