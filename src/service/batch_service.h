#pragma once
// Batches (a set of a bucket's objects) and tasks (handles of background work).

#include <string>
#include <string_view>

#include "common/result.h"
#include "model/batch_ops.h"
#include "model/requests.h"
#include "service/batch_runner.h"
#include "service/namespace_service.h"

namespace ferry::service {

class BatchService {
 public:
  BatchService(const ServiceDeps& deps, BatchRunner& runner) : deps_(deps), runner_(runner) {}

  // Every object id must exist in the bucket (issues at ["body","object_ids",i]).
  Result<model::Batch> Create(const NamespaceHandle& h, const model::Bucket& bucket,
                              const model::BatchCreate& req, model::ValidationIssues* issues);
  Result<model::Batch> Get(const NamespaceHandle& h, const model::Bucket& bucket,
                           const std::string& batch_id) const;
  // A bucket's batches (with `status` only, when set), ordered by created_at.
  Result<model::ListResult<model::Batch>> List(const NamespaceHandle& h,
                                               const model::Bucket& bucket,
                                               const model::BatchListQuery& query) const;
  // Removes a batch record (the documents it wrote stay). FailedPrecondition while it is
  // PENDING or IN_PROGRESS (cancel it first).
  Status Delete(const NamespaceHandle& h, const model::Bucket& bucket, const std::string& batch_id);
  // Plans the collection tiers, creates a PENDING task and queues the batch.
  // FailedPrecondition when the batch was already submitted and has not failed.
  Result<model::Task> Submit(const Caller& caller, const NamespaceHandle& h,
                             const model::Bucket& bucket, const std::string& batch_id);
  // Stops a submitted batch at its next chunk boundary (documents already written stay)
  // and returns its task, CANCELED like the batch. FailedPrecondition when the batch was
  // never submitted or has finished.
  Result<model::Task> Cancel(const Caller& caller, const NamespaceHandle& h,
                             const model::Bucket& bucket, const std::string& batch_id);
  // Runs a finished batch again as a new task: the objects whose documents failed (with
  // `transient_only`, only failures worth retrying: IsTransientItemError), in the tiers
  // asked (all when none); a FAILED batch without failed documents, or a CANCELED one, runs
  // all its objects again. Issues at ["body","tier_nums",i] for a tier the batch does not
  // have. FailedPrecondition while it runs, when never submitted, when it was already
  // retried max_retry_count times, or when nothing matches.
  Result<model::BatchRetryResult> Retry(const Caller& caller, const NamespaceHandle& h,
                                        const model::Bucket& bucket, const std::string& batch_id,
                                        const model::BatchRetry& req,
                                        model::ValidationIssues* issues);
  // The documents of the batch's collections that this batch could not produce
  // (ingestion_status FAILED, written by this batch), by tier then collection then id.
  Result<model::FailedDocuments> FailedDocuments(const NamespaceHandle& h,
                                                 const model::Bucket& bucket,
                                                 const std::string& batch_id,
                                                 const model::FailedDocumentsQuery& query) const;

  // NotFound when absent or another organization's.
  Result<model::Task> GetTask(const Caller& caller, const std::string& task_id) const;
  // The caller's tasks matching the query, ordered by created_at then id.
  Result<model::ListResult<model::Task>> ListTasks(const Caller& caller,
                                                   const model::TaskListQuery& query) const;
  // Kills a batch task as Cancel does. False (nothing done) when the task is not a
  // running batch task of the caller's.
  Result<bool> KillBatchTask(const Caller& caller, const model::Task& task);

 private:
  // Creates the task (type api_buckets_batches_submit, `extra` merged into its
  // additional_data), points the batch at it (PENDING) and queues `job`.
  Result<model::Task> Launch(const Caller& caller, const NamespaceHandle& h, model::Batch batch,
                             BatchJob job, model::ValueObject extra);

  const ServiceDeps& deps_;
  BatchRunner& runner_;
};

// Whether a failed item's error is worth retrying: an extraction that timed out or an
// extractor that was unavailable (the messages DocumentBuilder and the HTTP extractor give).
bool IsTransientItemError(std::string_view error);

}  // namespace ferry::service
