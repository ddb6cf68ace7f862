#include "pipeline_baseline.h"

#include <chrono>
#include <thread>
#include <utility>
#include <vector>

#include "common/ids.h"
#include "storage/bulk_data.h"
#include "writer_baseline.h"

namespace ferry::bench {
namespace {

constexpr int64_t kSlice = 1000;

// A bucket in `to` for the copied objects: the source bucket under the mapped id the bulk
// copy writes to (a re_extract's setup stage creates its target bucket the same way).
Status CreateMappedBucket(storage::NamespaceStore& from, storage::NamespaceStore& to,
                          const std::string& bucket_id, const storage::IdMapping& mapping) {
  FERRY_ASSIGN_OR_RETURN(model::Bucket bucket, from.GetBucket(bucket_id));
  bucket.bucket_id = MapResourceId(mapping.migration_id, bucket_id, mapping.preserve);
  bucket.bucket_name += "-pipeline";
  return to.InsertBucket(bucket);
}

// The tier-0 copy: the bucket's objects in fenced slices of 1000, ids mapped.
Status CopyObjects(storage::StorageEngine& engine, storage::NamespaceStore& from,
                   const std::string& from_namespace_id, const std::string& to_namespace_id,
                   const std::string& bucket_id, const storage::IdMapping& mapping,
                   int64_t* copied) {
  storage::IdQuery page;
  page.limit = kSlice;
  for (int64_t slice = 0;; ++slice) {
    storage::BulkCopyRequest r;
    r.resource_type = model::ResourceType::kBucket;
    r.source_resource_id = bucket_id;
    FERRY_ASSIGN_OR_RETURN(r.item_ids, from.ListObjectIds(bucket_id, page));
    if (r.item_ids.empty()) return Status::Ok();
    page.after_id = r.item_ids.back();
    r.mapping = mapping;
    r.fence = storage::WriteFence{};
    r.fence->key = "pipeline-baseline#" + std::to_string(slice);
    r.fence->token = 1;
    FERRY_ASSIGN_OR_RETURN(storage::BulkCopyResult written,
                           engine.CopyItems(from_namespace_id, to_namespace_id, r));
    *copied += written.copied;
  }
}

}  // namespace

Result<BaselineRun> RunPipelineBaseline(const service::ServiceDeps& deps, SetupServices services,
                                        const service::Caller& caller,
                                        const extract::FeatureExtractor& fx,
                                        const SourceNamespace& source,
                                        const std::string& documents_namespace_id, int threads) {
  FERRY_ASSIGN_OR_RETURN(auto objects_from, deps.storage.OpenNamespace(source.namespace_id));
  FERRY_ASSIGN_OR_RETURN(auto documents_from, deps.storage.OpenNamespace(documents_namespace_id));
  FERRY_ASSIGN_OR_RETURN(std::string from_collection, CollectionWithDocuments(*documents_from));
  SourceNamespace to;
  FERRY_RETURN_IF_ERROR(
      CreateTextNamespace(services, caller, "bench-pipeline-" + RandomHex(4), "v2", &to));
  FERRY_ASSIGN_OR_RETURN(auto store, deps.storage.OpenNamespace(to.namespace_id));
  const storage::IdMapping mapping{"mig_" + RandomHex(12), false};
  FERRY_RETURN_IF_ERROR(CreateMappedBucket(*objects_from, *store, source.bucket_id, mapping));
  FERRY_RETURN_IF_ERROR(store->BeginBulkLoad());

  const auto start = std::chrono::steady_clock::now();
  ExtractorThreads extraction(fx, source.objects, threads);
  int64_t objects = 0;
  Status objects_status;
  std::thread object_copier([&] {
    objects_status = CopyObjects(deps.storage, *objects_from, source.namespace_id, to.namespace_id,
                                 source.bucket_id, mapping, &objects);
  });
  BaselineRun writes;
  Status documents_status =
      RewriteDocuments(*documents_from, from_collection, *store, to.collection_id, &writes);
  object_copier.join();
  FERRY_RETURN_IF_ERROR(extraction.Join());
  FERRY_RETURN_IF_ERROR(objects_status);
  FERRY_RETURN_IF_ERROR(documents_status);
  FERRY_RETURN_IF_ERROR(store->EndBulkLoad());
  BaselineRun run;
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run.items = writes.items;
  if (objects != source.objects || writes.items != source.documents) {
    return Status::Internal("pipeline baseline wrote " + std::to_string(objects) + " objects and " +
                            std::to_string(writes.items) + " documents, expected " +
                            std::to_string(source.objects) + " and " +
                            std::to_string(source.documents));
  }
  return run;
}

}  // namespace ferry::bench
