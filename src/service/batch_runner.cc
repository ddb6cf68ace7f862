#include "service/batch_runner.h"

#include <algorithm>
#include <set>

#include "common/contain.h"
#include "service/document_builder.h"
#include "service/object_reprocessing.h"

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

namespace {

// After a chunk's write: deletes the marked documents of the roots it derived again that
// it did not rewrite (content the objects no longer have; a root with nothing to derive
// from, e.g. a source document still marked, keeps its marks), and marks again the
// documents of objects that changed while the chunk was extracted (the write replaced
// their marks with the older version read).
Status SettleReprocessing(storage::NamespaceStore& store, const std::string& collection_id,
                          const std::string& bucket_id, const std::vector<model::Object>& read,
                          const std::set<std::string>& derived_roots,
                          const std::vector<model::Document>& written,
                          const std::vector<model::Document>& pending, TimestampMs now) {
  if (!pending.empty()) {
    std::set<std::string> ids;
    for (const auto& d : written) ids.insert(d.document_id);
    std::vector<std::string> stale;
    for (const auto& d : pending) {
      if (ids.count(d.document_id) == 0 && derived_roots.count(d.lineage.root_object_id) > 0) {
        stale.push_back(d.document_id);
      }
    }
    FERRY_RETURN_IF_ERROR(DeleteStillPending(store, collection_id, stale));
  }
  if (read.empty()) return Status::Ok();
  std::vector<std::string> read_ids;
  for (const auto& o : read) read_ids.push_back(o.object_id);
  FERRY_ASSIGN_OR_RETURN(auto now_objects, store.GetObjects(bucket_id, read_ids));
  for (const auto& o : now_objects) {
    auto before = std::find_if(read.begin(), read.end(),
                               [&](const model::Object& r) { return r.object_id == o.object_id; });
    if (before->updated_at == o.updated_at) continue;
    FERRY_RETURN_IF_ERROR(MarkDerivedDocuments(store, {collection_id}, o.object_id, now).status());
  }
  return Status::Ok();
}

}  // namespace

BatchRunner::BatchRunner(const ServiceDeps& deps, size_t workers, size_t concurrent_batches)
    : deps_(deps),
      extract_pool_(std::max<size_t>(1, workers), "ferry-ingest"),
      job_pool_(std::max<size_t>(1, concurrent_batches), "ferry-batches") {}

BatchRunner::~BatchRunner() { Shutdown(); }

bool BatchRunner::Enqueue(BatchJob job) {
  if (stopping_) return false;
  auto state = std::make_shared<JobState>(job);
  {
    std::lock_guard<std::mutex> lock(idle_mu_);
    ++active_jobs_;
    jobs_[job.task_id] = state;
  }
  auto done = [this, task_id = job.task_id, state] {
    std::lock_guard<std::mutex> lock(idle_mu_);
    auto it = jobs_.find(task_id);
    if (it != jobs_.end() && it->second == state) jobs_.erase(it);
    --active_jobs_;
    idle_cv_.notify_all();
  };
  bool queued = job_pool_.Submit([this, job = std::move(job), state, done] {
    (void)Contain(&deps_.logger, "batch job", [&] { Run(job, *state); });
    done();
  });
  if (!queued) done();
  return queued;
}

BatchRunner::CancelOutcome BatchRunner::Cancel(const std::string& task_id) {
  std::shared_ptr<JobState> state;
  {
    std::lock_guard<std::mutex> lock(idle_mu_);
    auto it = jobs_.find(task_id);
    if (it == jobs_.end()) return CancelOutcome::kNotHere;
    state = it->second;
  }
  std::lock_guard<std::mutex> lock(state->mu);
  if (state->finished) return CancelOutcome::kAlreadyFinished;
  state->cancelled = true;
  Status st = RecordBatchCanceled(deps_.storage, state->job, deps_.clock.NowMs());
  if (!st.ok()) deps_.logger.Error("cannot record batch cancel", {{"error", st.ToString()}});
  return CancelOutcome::kCancelled;
}

Status RecordBatchCanceled(storage::StorageEngine& storage, const BatchJob& job, TimestampMs now) {
  FERRY_ASSIGN_OR_RETURN(model::Task task, storage.catalog().GetTask(job.org_id, job.task_id));
  task.status = model::TaskStatus::kCanceled;
  task.updated_at = now;
  FERRY_RETURN_IF_ERROR(storage.catalog().UpsertTask(task));
  FERRY_ASSIGN_OR_RETURN(auto store, storage.OpenNamespace(job.namespace_id));
  auto batch = store->GetBatch(job.bucket_id, job.batch_id);
  if (!batch.ok()) {
    return batch.status().code() == StatusCode::kNotFound ? Status::Ok() : batch.status();
  }
  if (batch->task_id != job.task_id) return Status::Ok();
  batch->status = model::TaskStatus::kCanceled;
  batch->updated_at = now;
  return store->UpsertBatch(*batch);
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
    BatchJob job{t.org_id, t.namespace_id, bucket->as_string(), batch->as_string(), t.task_id, {},
                 {}};
    if (const model::Value* ids = t.additional_data.Get("retry_object_ids");
        ids != nullptr && ids->is_array()) {
      for (const auto& id : ids->as_array()) job.object_ids.push_back(id.as_string());
    }
    if (const model::Value* tiers = t.additional_data.Get("tier_nums");
        tiers != nullptr && tiers->is_array()) {
      for (const auto& n : tiers->as_array()) job.tier_nums.push_back(static_cast<int>(n.as_int()));
    }
    Enqueue(std::move(job));
  }
  return Status::Ok();
}

void BatchRunner::Run(const BatchJob& job, JobState& state) {
  Progress progress;
  auto store = deps_.storage.OpenNamespace(job.namespace_id);
  if (!store.ok()) {
    Finish(job, state, nullptr, nullptr, progress, store.status());
    return;
  }
  auto batch = (*store)->GetBatch(job.bucket_id, job.batch_id);
  if (!batch.ok()) {
    Finish(job, state, store->get(), nullptr, progress, batch.status());
    return;
  }
  // The batch's entry point: whatever escapes it fails the batch, not the process.
  Status st = Contain(&deps_.logger, "batch",
                      [&] { return RunTiers(job, state, **store, &batch.value(), &progress); });
  if (stopping_ && !state.cancelled && st.code() == StatusCode::kCancelled) {
    deps_.logger.Info("batch paused for shutdown", {{"batch_id", job.batch_id}});
    return;  // stays IN_PROGRESS; Recover resumes it
  }
  Finish(job, state, store->get(), &batch.value(), progress, st);
}

Status BatchRunner::RunTiers(const BatchJob& job, const JobState& state,
                             storage::NamespaceStore& store, model::Batch* batch,
                             Progress* progress) {
  auto task = deps_.storage.catalog().GetTask(job.org_id, job.task_id);
  FERRY_RETURN_IF_ERROR(task.status());
  // Killed before it started (BatchService wrote CANCELED while it was not queued here).
  if (task->status == model::TaskStatus::kCanceled || state.cancelled) {
    return Status::Cancelled("cancelled");
  }
  const std::vector<std::string>& ids = job.object_ids.empty() ? batch->object_ids : job.object_ids;
  task->status = model::TaskStatus::kInProgress;
  task->updated_at = deps_.clock.NowMs();
  FERRY_RETURN_IF_ERROR(deps_.storage.catalog().UpsertTask(*task));
  batch->status = model::TaskStatus::kInProgress;
  for (size_t t = 0; t < batch->dag_tiers.size(); ++t) {
    if (!job.tier_nums.empty() && std::find(job.tier_nums.begin(), job.tier_nums.end(),
                                            static_cast<int>(t)) == job.tier_nums.end()) {
      continue;
    }
    batch->current_tier = static_cast<int>(t);
    batch->updated_at = deps_.clock.NowMs();
    FERRY_RETURN_IF_ERROR(store.UpsertBatch(*batch));
    for (const auto& collection_id : batch->dag_tiers[t]) {
      auto collection = store.GetCollection(collection_id);
      if (!collection.ok()) {
        if (collection.status().code() == StatusCode::kNotFound) continue;  // deleted since
        return collection.status();
      }
      FERRY_RETURN_IF_ERROR(RunCollection(store, *collection, *batch, ids, state, progress));
      if (post_ != nullptr && !collection->taxonomy_applications.empty()) {
        NamespaceHandle h;
        h.ns.namespace_id = job.namespace_id;
        h.ns.org_id = job.org_id;
        // Non-owning: `store` outlives this call (Run holds the shared store).
        h.store = std::shared_ptr<storage::NamespaceStore>(std::shared_ptr<void>(), &store);
        FERRY_RETURN_IF_ERROR(post_->AfterBatch(h, *collection, ids));
      }
    }
  }
  return Status::Ok();
}

Status BatchRunner::RunCollection(storage::NamespaceStore& store,
                                  const model::Collection& collection, const model::Batch& batch,
                                  const std::vector<std::string>& ids, const JobState& state,
                                  Progress* progress) {
  const extract::FeatureExtractor* fx =
      deps_.extractors.Find(collection.extractor.name, collection.extractor.version);
  if (fx == nullptr) {
    return Status::FailedPrecondition("extractor " + collection.extractor.id() + " is unknown");
  }
  WaitGroup wg;
  for (size_t begin = 0; begin < ids.size(); begin += kChunkSize) {
    if (Stopped(state)) break;
    std::vector<std::string> chunk(ids.begin() + begin,
                                   ids.begin() + std::min(ids.size(), begin + kChunkSize));
    wg.Add();
    bool queued = extract_pool_.Submit([&, chunk = std::move(chunk)] {
      if (Stopped(state) || CancelledInStorage(state)) {  // cancelled or shutting down
        wg.Done();
        return;
      }
      Status st = Contain(&deps_.logger, "batch chunk", [&] {
        return RunChunk(store, collection, *fx, batch, chunk, state, progress);
      });
      if (!st.ok()) {
        std::lock_guard<std::mutex> lock(progress->mu);
        if (progress->storage_error.ok()) progress->storage_error = st;
      }
      wg.Done();
    });
    if (!queued) wg.Done();
  }
  wg.Wait();
  if (state.cancelled) return Status::Cancelled("cancelled");
  if (stopping_) return Status::Cancelled("shutting down");
  std::lock_guard<std::mutex> lock(progress->mu);
  return progress->storage_error;
}

Status BatchRunner::RunChunk(storage::NamespaceStore& store, const model::Collection& collection,
                             const extract::FeatureExtractor& fx, const model::Batch& batch,
                             const std::vector<std::string>& object_ids, const JobState& state,
                             Progress* progress) {
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
  // Documents marked for re-processing (object_reprocessing.h) that this run does not
  // rewrite belong to content the objects no longer have: deleted after the write.
  FERRY_ASSIGN_OR_RETURN(auto pending,
                         PendingDocuments(store, collection.collection_id, object_ids));
  std::vector<model::Object> objects;   // read, for a bucket-fed collection
  std::set<std::string> derived_roots;  // the root objects derived again
  // Items go to the builder together, so extractors that batch (HTTP) can.
  if (collection.source.type == model::SourceType::kBucket) {
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
      derived_roots.insert(objects[i].object_id);
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
      derived_roots.insert(sources[i].lineage.root_object_id);
      FERRY_RETURN_IF_ERROR(collect(sources[i].document_id, std::move(built[i])));
    }
  }
  // Under the job's lock: a cancel either comes before (nothing written) or after.
  std::unique_lock<std::mutex> job_lock(state.mu);
  if (state.cancelled) return Status::Ok();
  FERRY_RETURN_IF_ERROR(store.UpsertDocuments(out));
  job_lock.unlock();
  FERRY_RETURN_IF_ERROR(SettleReprocessing(store, collection.collection_id, batch.bucket_id,
                                           objects, derived_roots, out, pending,
                                           deps_.clock.NowMs()));
  if (crash_points_ != nullptr) crash_points_->Reached("ingest.chunk_written");
  std::lock_guard<std::mutex> lock(progress->mu);
  progress->items_total += items;
  progress->documents_written += static_cast<int64_t>(out.size() - failures.size());
  for (const auto& [source_id, error] : failures) {
    progress->AddFailure(collection.collection_id, source_id, error);
  }
  return Status::Ok();
}

bool BatchRunner::CancelledInStorage(const JobState& state) const {
  auto task = deps_.storage.catalog().GetTask(state.job.org_id, state.job.task_id);
  if (!task.ok() || task->status != model::TaskStatus::kCanceled) return false;
  state.cancelled = true;
  return true;
}

void BatchRunner::Finish(const BatchJob& job, JobState& state, storage::NamespaceStore* store,
                         model::Batch* batch, const Progress& progress, const Status& status) {
  CancelledInStorage(state);
  std::lock_guard<std::mutex> lock(state.mu);
  state.finished = true;
  bool all_failed = progress.items_total > 0 && progress.items_failed == progress.items_total;
  bool cancelled = state.cancelled || status.code() == StatusCode::kCancelled;
  bool failed = !cancelled && (!status.ok() || all_failed);
  model::TaskStatus final_status = cancelled ? model::TaskStatus::kCanceled
                                   : failed  ? model::TaskStatus::kFailed
                                             : model::TaskStatus::kCompleted;
  std::string error = !status.ok() ? status.message()
                      : all_failed ? "every item of the batch failed"
                                   : "";
  TimestampMs now = deps_.clock.NowMs();
  if (store != nullptr && batch != nullptr) {
    batch->status = final_status;
    batch->error_summary = progress.error_summary;
    if (failed) batch->error = error;
    batch->updated_at = now;
    Status st = store->UpsertBatch(*batch);
    if (!st.ok()) deps_.logger.Error("cannot record batch result", {{"error", st.ToString()}});
  }
  auto task = deps_.storage.catalog().GetTask(job.org_id, job.task_id);
  if (!task.ok()) return;
  task->status = final_status;
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
