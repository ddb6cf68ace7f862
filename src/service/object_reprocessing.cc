#include "service/object_reprocessing.h"

namespace ferry::service {

namespace {

bool IsPending(const model::Document& d) { return d.ingestion_status == kReprocessingPending; }

}  // namespace

Result<int64_t> MarkDerivedDocuments(storage::NamespaceStore& store,
                                     const std::vector<std::string>& collection_ids,
                                     const std::string& object_id, TimestampMs now) {
  int64_t marked = 0;
  for (const auto& collection_id : collection_ids) {
    FERRY_ASSIGN_OR_RETURN(auto docs, store.ListDocumentsByRootObjects(collection_id, {object_id}));
    std::vector<std::string> ids;
    for (const auto& d : docs) {
      if (!IsPending(d)) ids.push_back(d.document_id);
    }
    if (ids.empty()) continue;
    storage::DocumentSelection which;
    which.ids = std::move(ids);
    which.with_vectors = true;  // the whole row is written, so the status is too
    FERRY_ASSIGN_OR_RETURN(
        auto written,
        store.EditDocuments(collection_id, which, [now](model::Document* d) -> Result<bool> {
          if (IsPending(*d)) return false;
          d->ingestion_status = kReprocessingPending;
          d->updated_at = now;
          return true;
        }));
    marked += static_cast<int64_t>(written.size());
  }
  return marked;
}

Result<std::vector<model::Document>> PendingDocuments(storage::DocumentStore& store,
                                                      const std::string& collection_id,
                                                      const std::vector<std::string>& root_ids) {
  std::vector<model::Document> out;
  if (root_ids.empty()) return out;
  FERRY_ASSIGN_OR_RETURN(auto docs, store.ListDocumentsByRootObjects(collection_id, root_ids));
  for (auto& d : docs) {
    if (!IsPending(d)) continue;
    d.vectors.clear();
    out.push_back(std::move(d));
  }
  return out;
}

Status DeleteStillPending(storage::DocumentStore& store, const std::string& collection_id,
                          const std::vector<std::string>& ids) {
  if (ids.empty()) return Status::Ok();
  storage::DocumentSelection which;
  which.ids = ids;
  which.where = IsPending;
  return store.DeleteDocuments(collection_id, which).status();
}

}  // namespace ferry::service
