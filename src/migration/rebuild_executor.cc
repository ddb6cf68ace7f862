#include "migration/rebuild_executor.h"

#include <map>
#include <set>

#include "service/document_builder.h"

namespace ferry::migration {

namespace {

// Items whose documents are written in one fenced transaction. Smaller than a batch, so
// the worker writes the first items while the extraction pool works on the next ones.
constexpr size_t kWriteChunk = 256;

// One rebuilt batch: documents collected chunk by chunk, each chunk written fenced.
class BatchRebuild {
 public:
  BatchRebuild(RunContext& ctx, const model::MigrationBatch& batch,
               const storage::WriteFence* fence)
      : ctx_(ctx), fence_(fence) {
    for (const auto& id : batch.item_ids) {
      roots_.push_back(ctx.TargetId(id));
      source_of_[roots_.back()] = id;
    }
  }

  const std::vector<std::string>& roots() const { return roots_; }

  // Takes the stream's documents chunk by chunk and writes each chunk; stops early (OK)
  // when the run is cancelled.
  Status Drain(service::DocumentBuilder::Stream& stream) {
    while (stream.remaining() > 0) {
      if (ctx_.cancelled) return Status::Ok();
      std::vector<model::Document> out;
      for (auto& docs : stream.Take(kWriteChunk)) Collect(std::move(docs), &out);
      FERRY_RETURN_IF_ERROR(Write(out));
    }
    return Status::Ok();
  }

  // Root objects that produced nothing for this collection still count as done; a root
  // counts once as failed, however many of its source documents failed.
  BatchResult Finish(size_t items) {
    result_.failed = static_cast<int64_t>(result_.failures.size());
    result_.completed = static_cast<int64_t>(items) - result_.failed;
    return std::move(result_);
  }

 private:
  void Collect(std::vector<model::Document> docs, std::vector<model::Document>* out) {
    const model::Document* failed = nullptr;
    for (auto& d : docs) {
      if (d.ingestion_status == "FAILED" && failed == nullptr) failed = &d;
    }
    if (failed != nullptr) {
      // One entry per root item, however many of its documents failed.
      auto it = source_of_.find(failed->lineage.root_object_id);
      std::string item = it != source_of_.end() ? it->second : failed->lineage.root_object_id;
      if (failed_items_.insert(item).second) {
        result_.failures.push_back({item, failed->error.value_or("extraction failed")});
      }
    }
    for (auto& d : docs) out->push_back(std::move(d));
  }

  Status Write(const std::vector<model::Document>& docs) {
    if (docs.empty()) return Status::Ok();
    return fence_ != nullptr ? ctx_.target->UpsertDocumentsFenced(*fence_, docs)
                             : ctx_.target->UpsertDocuments(docs);
  }

  RunContext& ctx_;
  const storage::WriteFence* fence_;
  std::vector<std::string> roots_;
  std::map<std::string, std::string> source_of_;  // target root id → source item id
  std::set<std::string> failed_items_;
  BatchResult result_;
};

}  // namespace

// A pipeline per batch: the items are read with one call in key order, their extraction
// is queued on the run's extraction pool at once (every core), and the documents are
// written in fenced chunks as the extraction of each chunk completes, so writing overlaps
// extracting. Every chunk is an idempotent upsert carrying the batch's fence, so a
// re-run of the batch (retry, resume, a new lease holder) rewrites the same documents.
Result<BatchResult> RebuildDocuments(RunContext& ctx, const model::MigrationBatch& batch,
                                     const storage::WriteFence* fence) {
  const model::Collection& target = ctx.target_collections.at(batch.resource_id);
  const auto* fx = ctx.deps.extractors.Find(target.extractor.name, target.extractor.version);
  if (fx == nullptr)
    return Status::FailedPrecondition("unknown extractor " + target.extractor.id());
  BatchRebuild rebuild(ctx, batch, fence);
  service::DocumentBuilder builder(target, *fx, ctx.deps.storage.blobs(), ctx.deps.clock.NowMs(),
                                   ctx.migration_id, ctx.deps.item_timeout, ctx.extract_pool);
  if (target.source.type == model::SourceType::kBucket) {
    for (const auto& bucket : target.source.bucket_ids) {
      if (ctx.cancelled) break;
      FERRY_ASSIGN_OR_RETURN(auto objects, ctx.target->GetObjects(bucket, rebuild.roots()));
      FERRY_ASSIGN_OR_RETURN(auto stream, builder.StartFromObjects(objects));
      objects.clear();
      FERRY_RETURN_IF_ERROR(rebuild.Drain(stream));
    }
  } else if (!ctx.cancelled) {
    FERRY_ASSIGN_OR_RETURN(auto sources, ctx.target->ListDocumentsByRootObjects(
                                             target.source.collection_id, rebuild.roots()));
    std::erase_if(sources,
                  [](const model::Document& s) { return s.ingestion_status != "COMPLETED"; });
    auto stream = builder.StartFromDocuments(sources);
    sources.clear();
    FERRY_RETURN_IF_ERROR(rebuild.Drain(stream));
  }
  if (ctx.cancelled) return Status::Aborted("cancelled");
  return rebuild.Finish(batch.item_ids.size());
}

}  // namespace ferry::migration
