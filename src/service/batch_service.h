#pragma once
// Batches (a set of a bucket's objects) and tasks (handles of background work).

#include <string>

#include "common/result.h"
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
  // Plans the collection tiers, creates a PENDING task and queues the batch.
  // FailedPrecondition when the batch was already submitted and has not failed.
  Result<model::Task> Submit(const Caller& caller, const NamespaceHandle& h,
                             const model::Bucket& bucket, const std::string& batch_id);
  // NotFound when absent or another organization's.
  Result<model::Task> GetTask(const Caller& caller, const std::string& task_id) const;

 private:
  const ServiceDeps& deps_;
  BatchRunner& runner_;
};

}  // namespace ferry::service
