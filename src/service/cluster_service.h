#pragma once
// Clusters: create / get / list / patch / delete, and executions. Execute creates a task
// ("engine_cluster_build") and a pending execution and runs it in the background on a
// small pool (cluster_engine.h does the work); the task and the execution report the
// outcome. An execution interrupted by a shutdown is run again by Recover (clustering is
// deterministic and enrichment idempotent).

#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>

#include "common/result.h"
#include "common/thread_pool.h"
#include "model/cluster.h"
#include "model/requests.h"
#include "service/namespace_service.h"

namespace ferry::service {

inline constexpr const char* kClusterTaskType = "engine_cluster_build";

class ClusterService {
 public:
  // `threads` executions run at once (>= 1).
  explicit ClusterService(const ServiceDeps& deps, size_t threads = 1);
  ~ClusterService();

  // `req` as decoded: collection_ids may be ids or names (resolved here, issues at
  // ["body","collection_ids",i]); checks the type, method, feature URIs (each must be an
  // output of an input collection's extractor) and algorithm_params. InvalidArgument
  // when any issue; AlreadyExists when the name is taken. Without a name, the id is used.
  Result<model::Cluster> Create(const NamespaceHandle& h, model::Cluster req,
                                model::ValidationIssues* issues);
  // `ident` is an id or a name. NotFound when absent.
  Result<model::Cluster> Get(const NamespaceHandle& h, const std::string& ident) const;
  // In creation order; `search` keeps clusters whose id, name or description contains it
  // (case-insensitively).
  Result<model::ListResult<model::Cluster>> List(const NamespaceHandle& h, const model::Page& page,
                                                 const std::optional<std::string>& search) const;
  Result<model::Cluster> Patch(const NamespaceHandle& h, const std::string& ident,
                               const model::ClusterPatch& patch, model::ValidationIssues* issues);
  // Removes the cluster and its executions (enriched document fields stay).
  Status Delete(const NamespaceHandle& h, const std::string& ident);

  // Queues an execution; returns its PENDING task. Unavailable while shutting down.
  Result<model::Task> Execute(const Caller& caller, const NamespaceHandle& h,
                              const std::string& ident);
  Result<model::ListResult<model::ClusterExecution>> ListExecutions(const NamespaceHandle& h,
                                                                    const std::string& ident,
                                                                    const model::Page& page) const;
  // The newest execution when `run_id` is unset. NotFound when there is none.
  Result<model::ClusterExecution> GetExecution(const NamespaceHandle& h, const std::string& ident,
                                               const std::optional<std::string>& run_id) const;

  // Re-queues every unfinished cluster task (after a restart).
  Status Recover();
  // Blocks until no execution is queued or running.
  void WaitIdle();
  // Finishes what is queued and stops taking executions. Idempotent.
  void Shutdown();

 private:
  struct Job {
    std::string org_id;
    std::string namespace_id;
    std::string cluster_id;
    std::string run_id;
    std::string task_id;
  };
  bool Enqueue(Job job);
  void Run(const Job& job);
  Status RunJob(const Job& job, model::Task* task);
  void FinishTask(model::Task* task, const Status& status);

  const ServiceDeps& deps_;
  std::mutex mu_;
  std::condition_variable idle_cv_;
  size_t active_ = 0;  // queued or running; guarded by mu_
  ThreadPool pool_;
};

}  // namespace ferry::service
