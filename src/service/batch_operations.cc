// BatchService beyond create/get/submit: list, delete, cancel, retry, failed documents,
// and the task list and kill.

#include <algorithm>
#include <set>

#include "service/batch_service.h"

namespace ferry::service {

namespace {

constexpr size_t kRootIdsPerQuery = 500;

bool Running(model::TaskStatus s) {
  return s == model::TaskStatus::kPending || s == model::TaskStatus::kInProgress ||
         s == model::TaskStatus::kProcessing;
}

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// The documents of `collection_id` this batch wrote as FAILED, by id.
Result<std::vector<model::Document>> FailedOf(storage::NamespaceStore& store,
                                              const std::string& collection_id,
                                              const model::Batch& batch) {
  std::vector<model::Document> out;
  const auto& ids = batch.object_ids;
  for (size_t begin = 0; begin < ids.size(); begin += kRootIdsPerQuery) {
    std::vector<std::string> part(ids.begin() + begin,
                                  ids.begin() + std::min(ids.size(), begin + kRootIdsPerQuery));
    FERRY_ASSIGN_OR_RETURN(auto docs, store.ListDocumentsByRootObjects(collection_id, part));
    for (auto& d : docs) {
      if (d.ingestion_status != "FAILED" || d.batch_id != batch.batch_id) continue;
      d.vectors.clear();
      out.push_back(std::move(d));
    }
  }
  std::sort(out.begin(), out.end(),
            [](const auto& a, const auto& b) { return a.document_id < b.document_id; });
  return out;
}

// Every failed document of the batch, by tier then collection then id.
Result<std::vector<model::FailedDocument>> AllFailed(storage::NamespaceStore& store,
                                                     const model::Batch& batch) {
  std::vector<model::FailedDocument> out;
  for (size_t t = 0; t < batch.dag_tiers.size(); ++t) {
    for (const auto& collection_id : batch.dag_tiers[t]) {
      FERRY_ASSIGN_OR_RETURN(auto docs, FailedOf(store, collection_id, batch));
      for (auto& d : docs) {
        bool transient = IsTransientItemError(d.error.value_or(""));
        out.push_back({std::move(d), static_cast<int>(t), transient});
      }
    }
  }
  return out;
}

// What a retry runs: the objects of the failed documents that match `req` (every object
// of a cancelled batch, or of a failed one without failed documents) and the tiers asked.
void ChooseRetry(const model::Batch& batch, const std::vector<model::FailedDocument>& failed,
                 const model::BatchRetry& req, model::BatchRetryResult* out) {
  auto in_tiers = [&](int t) {
    return req.tier_nums.empty() ||
           std::find(req.tier_nums.begin(), req.tier_nums.end(), t) != req.tier_nums.end();
  };
  std::set<std::string> chosen;
  for (const auto& f : failed) {
    if (in_tiers(f.tier_num) && (f.transient || !req.transient_only)) {
      chosen.insert(f.document.lineage.root_object_id);
    }
  }
  bool whole = batch.status == model::TaskStatus::kCanceled ||
               (batch.status == model::TaskStatus::kFailed && failed.empty());
  for (const auto& id : batch.object_ids) {
    if (whole || chosen.count(id) > 0) out->object_ids.push_back(id);
  }
  for (size_t t = 0; t < batch.dag_tiers.size(); ++t) {
    if (in_tiers(static_cast<int>(t))) out->tier_nums.push_back(static_cast<int>(t));
  }
}

}  // namespace

bool IsTransientItemError(std::string_view error) {
  return Contains(error, "timed out") || Contains(error, "gave up after") ||
         Contains(error, "embedding server answered HTTP 5");
}

Result<model::ListResult<model::Batch>> BatchService::List(
    const NamespaceHandle& h, const model::Bucket& bucket,
    const model::BatchListQuery& query) const {
  // Filtered here: a bucket holds few batches, and the storage pages by position only.
  model::ListResult<model::Batch> out;
  constexpr int64_t kPage = 1000;
  for (int64_t offset = 0;; offset += kPage) {
    FERRY_ASSIGN_OR_RETURN(auto page, h.store->ListBatches(bucket.bucket_id, {offset, kPage}));
    for (auto& b : page) {
      if (query.status && b.status != *query.status) continue;
      if (out.total >= query.page.offset &&
          static_cast<int64_t>(out.items.size()) < query.page.limit) {
        out.items.push_back(std::move(b));
      }
      ++out.total;
    }
    if (static_cast<int64_t>(page.size()) < kPage) break;
  }
  return out;
}

Status BatchService::Delete(const NamespaceHandle& h, const model::Bucket& bucket,
                            const std::string& batch_id) {
  FERRY_ASSIGN_OR_RETURN(model::Batch batch, Get(h, bucket, batch_id));
  if (Running(batch.status)) {
    return Status::FailedPrecondition("batch " + batch_id + " is running (status " +
                                      model::TaskStatusName(batch.status) +
                                      "); cancel it before deleting it");
  }
  Status st = h.store->DeleteBatch(bucket.bucket_id, batch_id);
  if (st.code() == StatusCode::kNotFound)
    return Status::NotFound("batch '" + batch_id + "' not found");
  return st;
}

Result<model::Task> BatchService::Cancel(const Caller& caller, const NamespaceHandle& h,
                                         const model::Bucket& bucket, const std::string& batch_id) {
  FERRY_ASSIGN_OR_RETURN(model::Batch batch, Get(h, bucket, batch_id));
  if (!Running(batch.status) || !batch.task_id) {
    return Status::FailedPrecondition("batch " + batch_id + " is not running (status " +
                                      model::TaskStatusName(batch.status) + ")");
  }
  FERRY_ASSIGN_OR_RETURN(model::Task task, GetTask(caller, *batch.task_id));
  FERRY_RETURN_IF_ERROR(KillBatchTask(caller, task).status());
  return GetTask(caller, task.task_id);
}

Result<bool> BatchService::KillBatchTask(const Caller& caller, const model::Task& task) {
  if (task.org_id != caller.org_id || task.task_type != "api_buckets_batches_submit" ||
      !Running(task.status)) {
    return false;
  }
  switch (runner_.Cancel(task.task_id)) {
    case BatchRunner::CancelOutcome::kCancelled:
      return true;
    case BatchRunner::CancelOutcome::kAlreadyFinished:
      return false;
    case BatchRunner::CancelOutcome::kNotHere:
      break;
  }
  // Not queued in this process (between submit and queueing, or queued by another
  // process): record it here; the runner refuses to start a CANCELED task.
  const model::Value* bucket_id = task.additional_data.Get("bucket_id");
  const model::Value* batch_id = task.additional_data.Get("batch_id");
  if (bucket_id == nullptr || batch_id == nullptr) return false;
  BatchJob job{task.org_id,
               task.namespace_id,
               bucket_id->as_string(),
               batch_id->as_string(),
               task.task_id,
               {},
               {}};
  FERRY_RETURN_IF_ERROR(RecordBatchCanceled(deps_.storage, job, deps_.clock.NowMs()));
  return true;
}

Result<model::BatchRetryResult> BatchService::Retry(const Caller& caller, const NamespaceHandle& h,
                                                    const model::Bucket& bucket,
                                                    const std::string& batch_id,
                                                    const model::BatchRetry& req,
                                                    model::ValidationIssues* issues) {
  FERRY_ASSIGN_OR_RETURN(model::Batch batch, Get(h, bucket, batch_id));
  for (size_t i = 0; i < req.tier_nums.size(); ++i) {
    if (req.tier_nums[i] >= static_cast<int>(batch.dag_tiers.size())) {
      issues->push_back(
          {{model::Value("body"), model::Value("tier_nums"), model::Value(static_cast<int64_t>(i))},
           "batch " + batch_id + " has " + std::to_string(batch.dag_tiers.size()) + " tier(s)",
           "value_error"});
    }
  }
  if (!issues->empty()) return Status::InvalidArgument("invalid request");
  if (batch.status == model::TaskStatus::kDraft || !batch.task_id) {
    return Status::FailedPrecondition("batch " + batch_id + " was never submitted; submit it");
  }
  if (Running(batch.status)) {
    return Status::FailedPrecondition("batch " + batch_id + " is still running (status " +
                                      model::TaskStatusName(batch.status) + ")");
  }
  int64_t retries = 0;
  if (auto last = deps_.storage.catalog().GetTask(caller.org_id, *batch.task_id); last.ok()) {
    const model::Value* n = last->additional_data.Get("retry_count");
    if (n != nullptr && n->is_int()) retries = n->as_int();
  }
  if (retries >= req.max_retry_count) {
    return Status::FailedPrecondition("batch " + batch_id + " was already retried " +
                                      std::to_string(retries) + " time(s) (max_retry_count " +
                                      std::to_string(req.max_retry_count) + ")");
  }
  FERRY_ASSIGN_OR_RETURN(auto failed, AllFailed(*h.store, batch));
  model::BatchRetryResult out;
  ChooseRetry(batch, failed, req, &out);
  if (out.object_ids.empty()) {
    return Status::FailedPrecondition("batch " + batch_id + " has no failed documents to retry" +
                                      (req.transient_only ? " (retry_mode transient_only)" : ""));
  }
  out.retry_count = static_cast<int>(retries + 1);
  model::ValueObject extra;
  extra.Set("retry_count", static_cast<int64_t>(out.retry_count));
  model::ValueArray ids, tiers;
  for (const auto& id : out.object_ids) ids.emplace_back(id);
  for (int t : out.tier_nums) tiers.emplace_back(static_cast<int64_t>(t));
  extra.Set("retry_object_ids", model::Value(std::move(ids)));
  extra.Set("tier_nums", model::Value(std::move(tiers)));
  BatchJob job{caller.org_id,  h.ns.namespace_id, bucket.bucket_id, batch_id, "",
               out.object_ids, out.tier_nums};
  FERRY_ASSIGN_OR_RETURN(out.task, Launch(caller, h, batch, std::move(job), std::move(extra)));
  FERRY_ASSIGN_OR_RETURN(out.batch, Get(h, bucket, batch_id));
  return out;
}

Result<model::FailedDocuments> BatchService::FailedDocuments(
    const NamespaceHandle& h, const model::Bucket& bucket, const std::string& batch_id,
    const model::FailedDocumentsQuery& query) const {
  FERRY_ASSIGN_OR_RETURN(model::Batch batch, Get(h, bucket, batch_id));
  FERRY_ASSIGN_OR_RETURN(auto failed, AllFailed(*h.store, batch));
  model::FailedDocuments out;
  for (auto& f : failed) {
    if (query.tier_num && f.tier_num != *query.tier_num) continue;
    if (query.collection_id && f.document.collection_id != *query.collection_id) continue;
    if (out.total >= query.page.offset &&
        static_cast<int64_t>(out.items.size()) < query.page.limit) {
      out.items.push_back(std::move(f));
    }
    ++out.total;
  }
  return out;
}

Result<model::ListResult<model::Task>> BatchService::ListTasks(
    const Caller& caller, const model::TaskListQuery& query) const {
  model::ListResult<model::Task> out;
  constexpr int64_t kPage = 1000;
  for (int64_t offset = 0;; offset += kPage) {
    FERRY_ASSIGN_OR_RETURN(auto page,
                           deps_.storage.catalog().ListTasks(caller.org_id, {offset, kPage}));
    for (auto& t : page) {
      if (query.status && t.status != *query.status) continue;
      if (query.task_type && t.task_type != *query.task_type) continue;
      if (out.total >= query.page.offset &&
          static_cast<int64_t>(out.items.size()) < query.page.limit) {
        out.items.push_back(std::move(t));
      }
      ++out.total;
    }
    if (static_cast<int64_t>(page.size()) < kPage) break;
  }
  return out;
}

}  // namespace ferry::service
