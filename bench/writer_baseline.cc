#include "writer_baseline.h"

#include <chrono>
#include <utility>
#include <vector>

#include "common/ids.h"
#include "storage/bulk_data.h"

namespace ferry::bench {
namespace {

constexpr int64_t kWriteBatch = 1000;

// The collection of the namespace with documents (a re_extract's target has one).
Result<std::string> CollectionWithDocuments(storage::NamespaceStore& store) {
  FERRY_ASSIGN_OR_RETURN(auto collections, store.ListCollections(model::Page{0, 1000}));
  for (const auto& c : collections) {
    FERRY_ASSIGN_OR_RETURN(int64_t n, store.CountDocuments(c.collection_id));
    if (n > 0) return c.collection_id;
  }
  return Status::Internal("the re_extract's target has no documents");
}

}  // namespace

Result<BaselineRun> RunWriterBaseline(const service::ServiceDeps& deps, SetupServices services,
                                      const service::Caller& caller,
                                      const std::string& from_namespace_id) {
  FERRY_ASSIGN_OR_RETURN(auto from, deps.storage.OpenNamespace(from_namespace_id));
  FERRY_ASSIGN_OR_RETURN(std::string from_collection, CollectionWithDocuments(*from));
  SourceNamespace to;
  FERRY_RETURN_IF_ERROR(
      CreateTextNamespace(services, caller, "bench-writer-" + RandomHex(4), "v2", &to));
  FERRY_ASSIGN_OR_RETURN(auto store, deps.storage.OpenNamespace(to.namespace_id));
  FERRY_RETURN_IF_ERROR(store->BeginBulkLoad());
  BaselineRun run;
  storage::IdQuery page;
  page.limit = kWriteBatch;
  for (int64_t batch_no = 0;; ++batch_no) {
    FERRY_ASSIGN_OR_RETURN(auto ids, from->ListDocumentIds(from_collection, page));
    if (ids.empty()) break;
    page.after_id = ids.back();
    FERRY_ASSIGN_OR_RETURN(auto docs, from->GetDocuments(from_collection, ids));
    for (auto& d : docs) d.collection_id = to.collection_id;
    storage::WriteFence fence;
    fence.key = "writer-baseline#" + std::to_string(batch_no);
    fence.token = 1;
    const auto start = std::chrono::steady_clock::now();
    FERRY_RETURN_IF_ERROR(store->UpsertDocumentsFenced(fence, docs));
    run.seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    run.items += static_cast<int64_t>(docs.size());
  }
  FERRY_RETURN_IF_ERROR(store->EndBulkLoad());
  return run;
}

}  // namespace ferry::bench
