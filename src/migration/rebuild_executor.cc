#include "migration/rebuild_executor.h"

#include <map>
#include <optional>
#include <set>

#include "common/contain.h"
#include "common/thread_name.h"
#include "service/document_builder.h"

namespace ferry::migration {

// ---- DocumentWriter ----

struct DocumentWriter::Chunk {
  std::optional<storage::WriteFence> fence;
  std::vector<model::Document> docs;
  std::optional<Status> written;  // set by the writer thread, under mu_
};

DocumentWriter::DocumentWriter(std::shared_ptr<storage::NamespaceStore> target)
    : target_(std::move(target)), thread_([this] {
        NameCurrentThread("ferry-docwriter");
        Loop();
      }) {}

DocumentWriter::~DocumentWriter() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

DocumentWriter::Ticket DocumentWriter::Submit(const storage::WriteFence* fence,
                                              std::vector<model::Document> docs) {
  auto chunk = std::make_shared<Chunk>();
  if (fence != nullptr) chunk->fence = *fence;
  chunk->docs = std::move(docs);
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(chunk);
  }
  cv_.notify_all();
  return chunk;
}

Status DocumentWriter::Wait(const Ticket& ticket) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return ticket->written.has_value(); });
  return *ticket->written;
}

std::optional<Status> DocumentWriter::Poll(const Ticket& ticket) {
  std::lock_guard<std::mutex> lock(mu_);
  return ticket->written;
}

void DocumentWriter::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, nothing left
    std::deque<Ticket> taken;
    taken.swap(queue_);
    lock.unlock();
    // One transaction per fence (batch): its queued chunks merged, in queue order.
    std::map<std::string, std::vector<Ticket>> by_fence;
    std::vector<std::string> order;
    for (auto& t : taken) {
      // Chunks of different tokens never merge: a stale holder's rows must stay refused.
      std::string key =
          t->fence ? t->fence->key + "#" + std::to_string(t->fence->token) : std::string();
      auto [it, first] = by_fence.try_emplace(key);
      if (first) order.push_back(key);
      it->second.push_back(std::move(t));
    }
    std::vector<std::pair<std::vector<Ticket>, Status>> results;
    for (const auto& key : order) {
      std::vector<Ticket>& group = by_fence[key];
      std::vector<model::Document> docs;
      for (auto& t : group) {
        std::move(t->docs.begin(), t->docs.end(), std::back_inserter(docs));
        t->docs.clear();
      }
      const auto& fence = group.front()->fence;
      // The writer thread's unit of work: an exception fails this write, not the process.
      Status st = Contain(nullptr, "document write", [&] {
        return fence ? target_->UpsertDocumentsFenced(*fence, docs)
                     : target_->UpsertDocuments(docs);
      });
      group.front()->docs = std::move(docs);  // freed by the submitter, not on this thread
      results.emplace_back(std::move(group), st);
    }
    lock.lock();
    for (auto& [group, st] : results) {
      for (auto& t : group) t->written = st;
    }
    // Dropped under the lock: a submitter lets go of a chunk only once it saw it written,
    // so the last reference, and the documents' freeing, is the submitter's.
    results.clear();
    cv_.notify_all();
  }
}

namespace {

// Items whose documents are handed to the writer together. Smaller than a batch, so the
// writer works on the first items while the extraction pool works on the next ones.
// A chunk is taken from the stream at once: the worker sleeps once per chunk until its
// last item is extracted (not once per item; 113k context switches against 26k in a 100k
// re_extract), and a cancel interrupts that wait.
constexpr size_t kWriteChunk = 128;

// One rebuilt batch: documents collected chunk by chunk and queued for writing.
class BatchRebuild {
 public:
  BatchRebuild(RunContext& ctx, RebuildPipeline& pipeline, const model::MigrationBatch& batch,
               const storage::WriteFence* fence)
      : ctx_(ctx), pipeline_(pipeline), fence_(fence) {
    for (const auto& id : batch.item_ids) {
      roots_.push_back(ctx.TargetId(id));
      source_of_[roots_.back()] = id;
    }
  }

  // Every queued chunk is written (or failed) before the batch returns.
  ~BatchRebuild() { (void)WaitWritten(); }

  const std::vector<std::string>& roots() const { return roots_; }

  // Takes the stream's documents and queues them chunk by chunk; stops when the run is
  // cancelled (the chunk being extracted is not written, the items not yet started are
  // dropped with the stream), or when a write failed.
  Status Drain(service::DocumentBuilder::Stream& stream) {
    while (stream.remaining() > 0) {
      if (ctx_.cancelled) return Status::Ok();
      Status failed;
      // Written chunks are let go here, and their documents freed on this thread.
      std::erase_if(tickets_, [&](const DocumentWriter::Ticket& t) {
        auto st = pipeline_.writer.Poll(t);
        if (st && !st->ok() && failed.ok()) failed = *st;
        return st && st->ok();
      });
      if (!failed.ok()) return failed;
      auto taken = stream.Take(kWriteChunk, [this] { return ctx_.cancelled.load(); });
      if (ctx_.cancelled) return Status::Ok();  // cancelled while extracting: not written
      std::vector<model::Document> out;
      for (auto& docs : taken) Collect(std::move(docs), &out);
      if (!out.empty()) tickets_.push_back(pipeline_.writer.Submit(fence_, std::move(out)));
    }
    return Status::Ok();
  }

  // Waits for every queued chunk: the first error.
  Status WaitWritten() {
    Status first;
    for (const auto& t : tickets_) {
      Status st = pipeline_.writer.Wait(t);
      if (first.ok() && !st.ok()) first = st;
    }
    tickets_.clear();
    return first;
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

  RunContext& ctx_;
  RebuildPipeline& pipeline_;
  const storage::WriteFence* fence_;
  std::vector<std::string> roots_;
  std::map<std::string, std::string> source_of_;  // target root id → source item id
  std::set<std::string> failed_items_;
  std::vector<DocumentWriter::Ticket> tickets_;
  BatchResult result_;
};

Result<BatchResult> Rebuild(RunContext& ctx, RebuildPipeline& pipeline,
                            const model::MigrationBatch& batch, const storage::WriteFence* fence) {
  const model::Collection& target = ctx.target_collections.at(batch.resource_id);
  const auto* fx = ctx.deps.extractors.Find(target.extractor.name, target.extractor.version);
  if (fx == nullptr)
    return Status::FailedPrecondition("unknown extractor " + target.extractor.id());
  service::DocumentBuilder builder(target, *fx, ctx.deps.storage.blobs(), ctx.deps.clock.NowMs(),
                                   ctx.migration_id, ctx.deps.item_timeout, &pipeline.extractors);
  BatchRebuild rebuild(ctx, pipeline, batch, fence);
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
  FERRY_RETURN_IF_ERROR(rebuild.WaitWritten());
  if (ctx.cancelled) return Status::Cancelled("cancelled");
  return rebuild.Finish(batch.item_ids.size());
}

}  // namespace

Result<BatchResult> RebuildDocuments(RunContext& ctx, const model::MigrationBatch& batch,
                                     const storage::WriteFence* fence) {
  if (ctx.rebuild != nullptr) return Rebuild(ctx, *ctx.rebuild, batch, fence);
  RebuildPipeline own(ctx.target, 1, ctx.deps.item_timeout);
  return Rebuild(ctx, own, batch, fence);
}

}  // namespace ferry::migration
