#include "service/batch_runner.h"

#include <algorithm>
#include <set>

#include "service/document_builder.h"

namespace ferry::service {

// Counters of one batch run, shared by its chunk workers.
struct BatchRunner::Progress {
  std::mutex mu;
  int64_t items_total = 0;
  int64_t items_failed = 0;
  int64_t documents_written = 0;
  std::map<std::string, int64_t> error_summary;
  model::ValueArray errors;  // first kMaxErrors failures, for the task
  Status storage_error;      // first non-item failure; stops the batch
  static constexpr size_t kMaxErrors = 50;

  void AddFailure(const std::string& collection_id, const std::string& source_id,
                  const std::string& error) {
    ++items_failed;
    ++error_summary[error];
    if (errors.size() >= kMaxErrors) return;
    model::ValueObject e;
    e.Set("collection_id", collection_id);
    e.Set("source_id", source_id);
    e.Set("error", error);
    errors.emplace_back(std::move(e));
  }
};

std::vector<std::vector<std::string>> CollectionTiers(
    const std::vector<model::Collection>& collections, const std::string& bucket_id) {
  std::vector<std::vector<std::string>> tiers;
  std::set<std::string> previous;
  for (const auto& c : collections) {
    const auto& ids = c.source.bucket_ids;
    if (c.enabled && c.source.type == model::SourceType::kBucket &&
        std::find(ids.begin(), ids.end(), bucket_id) != ids.end()) {
      previous.insert(c.collection_id);
    }
  }
  std::set<std::string> placed;
  while (!previous.empty()) {
    tiers.emplace_back(previous.begin(), previous.end());
    placed.insert(previous.begin(), previous.end());
    std::set<std::string> next;
    for (const auto& c : collections) {
      if (c.enabled && c.source.type == model::SourceType::kCollection &&
          previous.count(c.source.collection_id) > 0 && placed.count(c.collection_id) == 0) {
        next.insert(c.collection_id);
      }
    }
    previous = std::move(next);
  }
  return tiers;
}

BatchRunner::BatchRunner(const ServiceDeps& deps, size_t workers, size_t concurrent_batches)
    : deps_(deps),
      extract_pool_(std::max<size_t>(1, workers)),
      job_pool_(std::max<size_t>(1, concurrent_batches)) {}

BatchRunner::~BatchRunner() { Shutdown(); }

bool BatchRunner::Enqueue(BatchJob job) {
  if (stopping_) return false;
  {
    std::lock_guard<std::mutex> lock(idle_mu_);
    ++active_jobs_;
  }
  auto done = [this] {
    std::lock_guard<std::mutex> lock(idle_mu_);
    if (--active_jobs_ == 0) idle_cv_.notify_all();
  };
  bool queued = job_pool_.Submit([this, job = std::move(job), done] {
    Run(job);
    done();
  });
  if (!queued) done();
  return queued;
}

void BatchRunner::WaitIdle() {
  std::unique_lock<std::mutex> lock(idle_mu_);
  idle_cv_.wait(lock, [this] { return active_jobs_ == 0; });
}

void BatchRunner::Shutdown() {
  stopping_ = true;
  job_pool_.Shutdown();
  extract_pool_.Shutdown();
}

Status BatchRunner::Recover() {
  FERRY_ASSIGN_OR_RETURN(auto tasks, deps_.storage.catalog().ListUnfinishedTasks());
  for (const auto& t : tasks) {
    if (t.task_type != "api_buckets_batches_submit") continue;
    const model::Value* bucket = t.additional_data.Get("bucket_id");
    const model::Value* batch = t.additional_data.Get("batch_id");
    if (bucket == nullptr || batch == nullptr) continue;
    deps_.logger.Info("resuming batch", {{"batch_id", batch->as_string()}, {"task_id", t.task_id}});
    Enqueue({t.org_id, t.namespace_id, bucket->as_string(), batch->as_string(), t.task_id});
  }
  return Status::Ok();
}

void BatchRunner::Run(const BatchJob& job) {
  Progress progress;
  auto store = deps_.storage.OpenNamespace(job.namespace_id);
  if (!store.ok()) {
    Finish(job, nullptr, nullptr, progress, store.status());
    return;
  }
  auto batch = (*store)->GetBatch(job.bucket_id, job.batch_id);
  if (!batch.ok()) {
    Finish(job, store->get(), nullptr, progress, batch.status());
    return;
  }
  Status st = RunTiers(job, **store, &batch.value(), &progress);
  if (stopping_ && st.code() == StatusCode::kCancelled) {
    deps_.logger.Info("batch paused for shutdown", {{"batch_id", job.batch_id}});
    return;  // stays IN_PROGRESS; Recover resumes it
  }
  Finish(job, store->get(), &batch.value(), progress, st);
}

Status BatchRunner::RunTiers(const BatchJob& job, storage::NamespaceStore& store,
                             model::Batch* batch, Progress* progress) {
  auto task = deps_.storage.catalog().GetTask(job.org_id, job.task_id);
  FERRY_RETURN_IF_ERROR(task.status());
  task->status = model::TaskStatus::kInProgress;
  task->updated_at = deps_.clock.NowMs();
  FERRY_RETURN_IF_ERROR(deps_.storage.catalog().UpsertTask(*task));
  batch->status = model::TaskStatus::kInProgress;
  for (size_t t = 0; t < batch->dag_tiers.size(); ++t) {
    batch->current_tier = static_cast<int>(t);
    batch->updated_at = deps_.clock.NowMs();
    FERRY_RETURN_IF_ERROR(store.UpsertBatch(*batch));
    for (const auto& collection_id : batch->dag_tiers[t]) {
      auto collection = store.GetCollection(collection_id);
      if (!collection.ok()) {
        if (collection.status().code() == StatusCode::kNotFound) continue;  // deleted since
        return collection.status();
      }
      FERRY_RETURN_IF_ERROR(RunCollection(store, *collection, *batch, progress));
      if (post_ != nullptr && !collection->taxonomy_applications.empty()) {
        NamespaceHandle h;
        h.ns.namespace_id = job.namespace_id;
        h.ns.org_id = job.org_id;
        // Non-owning: `store` outlives this call (Run holds the shared store).
        h.store = std::shared_ptr<storage::NamespaceStore>(std::shared_ptr<void>(), &store);
        FERRY_RETURN_IF_ERROR(post_->AfterBatch(h, *collection, batch->object_ids));
      }
    }
  }
  return Status::Ok();
}

Status BatchRunner::RunCollection(storage::NamespaceStore& store,
                                  const model::Collection& collection, const model::Batch& batch,
                                  Progress* progress) {
  const extract::FeatureExtractor* fx =
      deps_.extractors.Find(collection.extractor.name, collection.extractor.version);
  if (fx == nullptr) {
    return Status::FailedPrecondition("extractor " + collection.extractor.id() + " is unknown");
  }
  WaitGroup wg;
  const auto& ids = batch.object_ids;
  for (size_t begin = 0; begin < ids.size(); begin += kChunkSize) {
    if (stopping_) break;
    std::vector<std::string> chunk(ids.begin() + begin,
                                   ids.begin() + std::min(ids.size(), begin + kChunkSize));
    wg.Add();
    bool queued = extract_pool_.Submit([&, chunk = std::move(chunk)] {
      Status st = RunChunk(store, collection, *fx, batch, chunk, progress);
      if (!st.ok()) {
        std::lock_guard<std::mutex> lock(progress->mu);
        if (progress->storage_error.ok()) progress->storage_error = st;
      }
      wg.Done();
    });
    if (!queued) wg.Done();
  }
  wg.Wait();
  if (stopping_) return Status::Cancelled("shutting down");
  std::lock_guard<std::mutex> lock(progress->mu);
  return progress->storage_error;
}

Status BatchRunner::RunChunk(storage::NamespaceStore& store, const model::Collection& collection,
                             const extract::FeatureExtractor& fx, const model::Batch& batch,
                             const std::vector<std::string>& object_ids, Progress* progress) {
  DocumentBuilder builder(collection, fx, deps_.storage.blobs(), deps_.clock.NowMs(),
                          batch.batch_id, deps_.item_timeout);
  std::vector<model::Document> out;
  std::vector<std::pair<std::string, std::string>> failures;  // source id, error
  int64_t items = 0;
  auto collect = [&](const std::string& source_id,
                     Result<std::vector<model::Document>> docs) -> Status {
    FERRY_RETURN_IF_ERROR(docs.status());
    if (docs->empty()) return Status::Ok();  // the item has nothing for this collection
    ++items;
    for (auto& d : *docs) {
      if (d.ingestion_status == "FAILED") failures.emplace_back(source_id, d.error.value_or(""));
      out.push_back(std::move(d));
    }
    return Status::Ok();
  };
  // Items go to the builder together, so extractors that batch (HTTP) can.
  if (collection.source.type == model::SourceType::kBucket) {
    std::vector<model::Object> objects;
    for (const auto& id : object_ids) {
      auto obj = store.GetObject(batch.bucket_id, id);
      if (!obj.ok()) {
        if (obj.status().code() != StatusCode::kNotFound) return obj.status();
        ++items;
        failures.emplace_back(id, "object not found");
        continue;
      }
      objects.push_back(std::move(obj).value());
    }
    FERRY_ASSIGN_OR_RETURN(auto built, builder.FromObjects(objects));
    for (size_t i = 0; i < objects.size(); ++i) {
      FERRY_RETURN_IF_ERROR(collect(objects[i].object_id, std::move(built[i])));
    }
  } else {
    FERRY_ASSIGN_OR_RETURN(auto sources, store.ListDocumentsByRootObjects(
                                             collection.source.collection_id, object_ids));
    std::erase_if(sources, [](const model::Document& src) {
      return src.ingestion_status != "COMPLETED";  // nothing to derive from
    });
    FERRY_ASSIGN_OR_RETURN(auto built, builder.FromDocuments(sources));
    for (size_t i = 0; i < sources.size(); ++i) {
      FERRY_RETURN_IF_ERROR(collect(sources[i].document_id, std::move(built[i])));
    }
  }
  FERRY_RETURN_IF_ERROR(store.UpsertDocuments(out));
  std::lock_guard<std::mutex> lock(progress->mu);
  progress->items_total += items;
  progress->documents_written += static_cast<int64_t>(out.size() - failures.size());
  for (const auto& [source_id, error] : failures) {
    progress->AddFailure(collection.collection_id, source_id, error);
  }
  return Status::Ok();
}

void BatchRunner::Finish(const BatchJob& job, storage::NamespaceStore* store, model::Batch* batch,
                         const Progress& progress, const Status& status) {
  bool all_failed = progress.items_total > 0 && progress.items_failed == progress.items_total;
  bool failed = !status.ok() || all_failed;
  std::string error = !status.ok() ? status.message()
                      : all_failed ? "every item of the batch failed"
                                   : "";
  TimestampMs now = deps_.clock.NowMs();
  if (store != nullptr && batch != nullptr) {
    batch->status = failed ? model::TaskStatus::kFailed : model::TaskStatus::kCompleted;
    batch->error_summary = progress.error_summary;
    if (failed) batch->error = error;
    batch->updated_at = now;
    Status st = store->UpsertBatch(*batch);
    if (!st.ok()) deps_.logger.Error("cannot record batch result", {{"error", st.ToString()}});
  }
  auto task = deps_.storage.catalog().GetTask(job.org_id, job.task_id);
  if (!task.ok()) return;
  task->status = failed ? model::TaskStatus::kFailed : model::TaskStatus::kCompleted;
  if (failed) task->error = error;
  model::ValueObject data =
      task->additional_data.is_object() ? task->additional_data.as_object() : model::ValueObject{};
  data.Set("items_total", progress.items_total);
  data.Set("items_failed", progress.items_failed);
  data.Set("documents_written", progress.documents_written);
  data.Set("errors", progress.errors);
  task->additional_data = model::Value(std::move(data));
  task->updated_at = now;
  Status st = deps_.storage.catalog().UpsertTask(*task);
  if (!st.ok()) deps_.logger.Error("cannot record task result", {{"error", st.ToString()}});
}

}  // namespace ferry::service
