#include "service/batch_service.h"

#include "common/ids.h"

namespace ferry::service {

Result<model::Batch> BatchService::Create(const NamespaceHandle& h, const model::Bucket& bucket,
                                          const model::BatchCreate& req,
                                          model::ValidationIssues* issues) {
  if (req.object_ids.empty()) {
    issues->push_back({{model::Value("body"), model::Value("object_ids")},
                       "List should have at least 1 item after validation",
                       "too_short"});
  }
  for (size_t i = 0; i < req.object_ids.size(); ++i) {
    auto obj = h.store->GetObject(bucket.bucket_id, req.object_ids[i]);
    if (obj.ok()) continue;
    if (obj.status().code() != StatusCode::kNotFound) return obj.status();
    issues->push_back(
        {{model::Value("body"), model::Value("object_ids"), model::Value(static_cast<int64_t>(i))},
         "object '" + req.object_ids[i] + "' does not exist in bucket " + bucket.bucket_id,
         "value_error"});
  }
  if (!issues->empty()) return Status::InvalidArgument("invalid request");
  model::Batch b;
  b.batch_id = NewId("btch");
  b.bucket_id = bucket.bucket_id;
  b.object_ids = req.object_ids;
  b.metadata = req.metadata;
  b.created_at = b.updated_at = deps_.clock.NowMs();
  FERRY_RETURN_IF_ERROR(h.store->UpsertBatch(b));
  return b;
}

Result<model::Batch> BatchService::Get(const NamespaceHandle& h, const model::Bucket& bucket,
                                       const std::string& batch_id) const {
  auto b = h.store->GetBatch(bucket.bucket_id, batch_id);
  if (!b.ok() && b.status().code() == StatusCode::kNotFound) {
    return Status::NotFound("batch '" + batch_id + "' not found");
  }
  return b;
}

Result<model::Task> BatchService::Submit(const Caller& caller, const NamespaceHandle& h,
                                         const model::Bucket& bucket, const std::string& batch_id) {
  FERRY_ASSIGN_OR_RETURN(model::Batch batch, Get(h, bucket, batch_id));
  if (batch.status != model::TaskStatus::kDraft && batch.status != model::TaskStatus::kFailed) {
    return Status::FailedPrecondition("batch " + batch_id + " was already submitted (status " +
                                      model::TaskStatusName(batch.status) + ")");
  }
  FERRY_ASSIGN_OR_RETURN(auto collections, h.store->ListCollections(model::Page{0, 1'000'000}));
  batch.dag_tiers = CollectionTiers(collections, bucket.bucket_id);
  batch.collection_ids.clear();
  for (const auto& tier : batch.dag_tiers) {
    batch.collection_ids.insert(batch.collection_ids.end(), tier.begin(), tier.end());
  }
  BatchJob job{caller.org_id, h.ns.namespace_id, bucket.bucket_id, batch_id, "", {}, {}};
  return Launch(caller, h, std::move(batch), std::move(job), {});
}

Result<model::Task> BatchService::Launch(const Caller& caller, const NamespaceHandle& h,
                                         model::Batch batch, BatchJob job,
                                         model::ValueObject extra) {
  TimestampMs now = deps_.clock.NowMs();
  model::Task task;
  task.task_id = NewId("task");
  task.org_id = caller.org_id;
  task.namespace_id = h.ns.namespace_id;
  task.task_type = "api_buckets_batches_submit";
  task.status = model::TaskStatus::kPending;
  task.inputs = model::Value(model::ValueArray{model::Value(batch.batch_id)});
  model::ValueObject data;
  data.Set("namespace_id", h.ns.namespace_id);
  data.Set("bucket_id", batch.bucket_id);
  data.Set("batch_id", batch.batch_id);
  data.Set("object_count", static_cast<int64_t>(batch.object_ids.size()));
  for (const auto& [key, value] : extra) data.Set(key, value);
  task.additional_data = model::Value(std::move(data));
  task.created_at = task.updated_at = now;

  batch.status = model::TaskStatus::kPending;
  batch.task_id = task.task_id;
  batch.error.reset();
  batch.error_summary.clear();
  batch.current_tier.reset();
  batch.updated_at = now;
  // The task is durable before the batch points at it, so a crash in between leaves a
  // task that Recover finds rather than a batch nobody runs.
  FERRY_RETURN_IF_ERROR(deps_.storage.catalog().UpsertTask(task));
  FERRY_RETURN_IF_ERROR(h.store->UpsertBatch(batch));
  job.task_id = task.task_id;
  if (!runner_.Enqueue(std::move(job))) {
    return Status::Unavailable("server is shutting down; the batch will run on the next start");
  }
  return task;
}

Result<model::Task> BatchService::GetTask(const Caller& caller, const std::string& task_id) const {
  auto t = deps_.storage.catalog().GetTask(caller.org_id, task_id);
  if (!t.ok() && t.status().code() == StatusCode::kNotFound) {
    return Status::NotFound("task '" + task_id + "' not found");
  }
  return t;
}

}  // namespace ferry::service
