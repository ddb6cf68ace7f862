#include "migration/rebuild_executor.h"

#include <map>
#include <set>

#include "service/document_builder.h"

namespace ferry::migration {

Result<BatchResult> RebuildDocuments(RunContext& ctx, const model::MigrationBatch& batch,
                                     const storage::WriteFence* fence) {
  const model::Collection& target = ctx.target_collections.at(batch.resource_id);
  const auto* fx = ctx.deps.extractors.Find(target.extractor.name, target.extractor.version);
  if (fx == nullptr)
    return Status::FailedPrecondition("unknown extractor " + target.extractor.id());
  std::vector<std::string> roots;
  std::map<std::string, std::string> source_of;  // target root id → source item id
  for (const auto& id : batch.item_ids) {
    roots.push_back(ctx.TargetId(id));
    source_of[roots.back()] = id;
  }
  service::DocumentBuilder builder(target, *fx, ctx.deps.storage.blobs(), ctx.deps.clock.NowMs(),
                                   ctx.migration_id, ctx.deps.item_timeout);
  BatchResult r;
  std::vector<model::Document> out;
  std::set<std::string> failed_items;
  auto collect = [&](Result<std::vector<model::Document>> docs) -> Status {
    FERRY_RETURN_IF_ERROR(docs.status());
    if (docs->empty()) return Status::Ok();
    const model::Document* failed = nullptr;
    for (auto& d : *docs) {
      if (d.ingestion_status == "FAILED" && failed == nullptr) failed = &d;
    }
    if (failed != nullptr) {
      // One entry per root item, however many of its documents failed.
      auto it = source_of.find(failed->lineage.root_object_id);
      std::string item = it != source_of.end() ? it->second : failed->lineage.root_object_id;
      if (failed_items.insert(item).second) {
        r.failures.push_back({item, failed->error.value_or("extraction failed")});
      }
    }
    for (auto& d : *docs) out.push_back(std::move(d));
    return Status::Ok();
  };
  // Items go to the builder together, so extractors that batch (HTTP) can.
  if (target.source.type == model::SourceType::kBucket) {
    for (const auto& bucket : target.source.bucket_ids) {
      if (ctx.cancelled) break;
      FERRY_ASSIGN_OR_RETURN(auto objects, ctx.target->GetObjects(bucket, roots));
      FERRY_ASSIGN_OR_RETURN(auto built, builder.FromObjects(objects));
      for (auto& docs : built) FERRY_RETURN_IF_ERROR(collect(std::move(docs)));
    }
  } else if (!ctx.cancelled) {
    FERRY_ASSIGN_OR_RETURN(
        auto sources, ctx.target->ListDocumentsByRootObjects(target.source.collection_id, roots));
    std::erase_if(sources,
                  [](const model::Document& s) { return s.ingestion_status != "COMPLETED"; });
    FERRY_ASSIGN_OR_RETURN(auto built, builder.FromDocuments(sources));
    for (auto& docs : built) FERRY_RETURN_IF_ERROR(collect(std::move(docs)));
  }
  FERRY_RETURN_IF_ERROR(fence != nullptr ? ctx.target->UpsertDocumentsFenced(*fence, out)
                                         : ctx.target->UpsertDocuments(out));
  if (ctx.cancelled) return Status::Aborted("cancelled");
  // Root objects that produced nothing for this collection still count as done; a root
  // counts once as failed, however many of its source documents failed.
  r.failed = static_cast<int64_t>(r.failures.size());
  r.completed = static_cast<int64_t>(batch.item_ids.size()) - r.failed;
  return r;
}

}  // namespace ferry::migration
