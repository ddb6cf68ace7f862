#include "migration/collection_copy.h"

#include "migration/run_context.h"

namespace ferry::migration {

model::Document CopiedDocument(model::Document doc, const model::Collection& target) {
  doc.document_id = MapId(target.collection_id, doc.document_id, /*preserve=*/false);
  doc.collection_id = target.collection_id;
  std::string& path = doc.lineage.path;
  size_t slash = path.rfind('/');
  path = (slash == std::string::npos ? std::string() : path.substr(0, slash + 1)) +
         target.collection_id;
  return doc;
}

Result<int64_t> CopyCollectionDocuments(storage::NamespaceStore& store,
                                        const model::Collection& source,
                                        const model::Collection& target, int64_t page_size) {
  storage::IdQuery q;
  q.limit = page_size;
  int64_t copied = 0;
  for (;;) {
    FERRY_ASSIGN_OR_RETURN(std::vector<std::string> ids,
                           store.ListDocumentIds(source.collection_id, q));
    if (ids.empty()) return copied;
    q.after_id = ids.back();
    FERRY_ASSIGN_OR_RETURN(std::vector<model::Document> docs,
                           store.GetDocuments(source.collection_id, ids));
    for (auto& d : docs) d = CopiedDocument(std::move(d), target);
    FERRY_RETURN_IF_ERROR(store.UpsertDocuments(docs));
    copied += static_cast<int64_t>(docs.size());
    if (static_cast<int64_t>(ids.size()) < page_size) return copied;
  }
}

}  // namespace ferry::migration
