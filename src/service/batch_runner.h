#pragma once
// BatchRunner: executes submitted batches in the background. A batch runs every
// collection that consumes its bucket, tier by tier (a collection fed by a collection
// runs after its source); within a collection, chunks of objects are extracted in
// parallel on a bounded worker pool and written in one transaction per chunk.
// Documents have deterministic ids, so a batch interrupted by a shutdown or crash is
// simply run again on the next start (Recover) without duplicating anything.

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/crash_points.h"
#include "common/thread_pool.h"
#include "service/namespace_service.h"
#include "service/service_deps.h"

namespace ferry::service {

// Identifies one submitted batch and the task that reports on it.
struct BatchJob {
  std::string org_id;
  std::string namespace_id;
  std::string bucket_id;
  std::string batch_id;
  std::string task_id;
  // A retry runs only these objects (empty: the batch's) and these tiers (empty: all).
  std::vector<std::string> object_ids;
  std::vector<int> tier_nums;
};

// Work a collection needs after a batch wrote its documents (taxonomy applications).
class CollectionPostProcessor {
 public:
  virtual ~CollectionPostProcessor() = default;
  // `root_object_ids`: the batch's objects; the collection's documents derived from them
  // are the new ones. An error fails the batch.
  virtual Status AfterBatch(const NamespaceHandle& h, const model::Collection& collection,
                            const std::vector<std::string>& root_object_ids) = 0;
};

class BatchRunner {
 public:
  // `workers` extraction threads (>= 1); at most `concurrent_batches` run at once.
  BatchRunner(const ServiceDeps& deps, size_t workers, size_t concurrent_batches = 2);
  ~BatchRunner();

  // Queues a job. False once Shutdown has begun.
  bool Enqueue(BatchJob job);
  // Re-queues every batch task that had not finished (after a restart).
  Status Recover();
  // Blocks until no job is queued or running.
  void WaitIdle();
  enum class CancelOutcome { kNotHere, kCancelled, kAlreadyFinished };
  // Cancels the job of `task_id`, queued or running here: its batch and task are
  // recorded CANCELED before this returns, no chunk starts after it, and a chunk being
  // extracted is not written past (documents it already wrote stay). kAlreadyFinished when
  // the job was recording its result; kNotHere when no such job is queued or running.
  CancelOutcome Cancel(const std::string& task_id);
  // Stops taking jobs; running ones stop at the next chunk boundary and stay
  // IN_PROGRESS, to be resumed by Recover on the next start. Blocks until they stop.
  void Shutdown();

  // Runs after each collection's work in a batch (before the next tier). Not owned; set
  // before the first Enqueue/Recover, or never (then nothing runs).
  void SetPostProcessor(CollectionPostProcessor* post) { post_ = post; }
  // Crash test points (common/crash_points.h): "ingest.chunk_written" is reached after each
  // chunk's documents are committed. Not owned; null (the default): none.
  void SetCrashPoints(const CrashPoints* points) { crash_points_ = points; }

  // Objects per chunk (one extraction work item, one write transaction).
  static constexpr size_t kChunkSize = 16;

 private:
  struct Progress;
  // A queued or running job: whether it was asked to stop. `mu` orders a cancel against
  // the job recording its result.
  struct JobState {
    explicit JobState(BatchJob j) : job(std::move(j)) {}
    const BatchJob job;
    // Set by Cancel, or when the task is found CANCELED in storage (killed through
    // another process) before a chunk starts.
    mutable std::atomic<bool> cancelled{false};
    mutable std::mutex mu;
    bool finished = false;  // guarded by mu
  };
  void Run(const BatchJob& job, JobState& state);
  Status RunTiers(const BatchJob& job, const JobState& state, storage::NamespaceStore& store,
                  model::Batch* batch, Progress* progress);
  Status RunCollection(storage::NamespaceStore& store, const model::Collection& collection,
                       const model::Batch& batch, const std::vector<std::string>& ids,
                       const JobState& state, Progress* progress);
  Status RunChunk(storage::NamespaceStore& store, const model::Collection& collection,
                  const extract::FeatureExtractor& fx, const model::Batch& batch,
                  const std::vector<std::string>& object_ids, const JobState& state,
                  Progress* progress);
  void Finish(const BatchJob& job, JobState& state, storage::NamespaceStore* store,
              model::Batch* batch, const Progress& progress, const Status& status);
  bool Stopped(const JobState& state) const { return stopping_ || state.cancelled; }
  // Whether the job's task is recorded CANCELED (then marks the state cancelled).
  bool CancelledInStorage(const JobState& state) const;

  const ServiceDeps& deps_;
  CollectionPostProcessor* post_ = nullptr;
  const CrashPoints* crash_points_ = nullptr;
  std::atomic<bool> stopping_{false};
  std::mutex idle_mu_;
  std::condition_variable idle_cv_;
  size_t active_jobs_ = 0;                                 // queued or running; guarded by idle_mu_
  std::map<std::string, std::shared_ptr<JobState>> jobs_;  // by task id; guarded by idle_mu_
  ThreadPool extract_pool_;
  ThreadPool job_pool_;
};

// Records a batch job's task and batch CANCELED (the batch only while it still points at
// that task).
Status RecordBatchCanceled(storage::StorageEngine& storage, const BatchJob& job, TimestampMs now);

// Collections consuming `bucket_id`, by tier: tier 0 reads the bucket, tier k+1 reads
// a collection of tier k. Disabled collections are left out.
std::vector<std::vector<std::string>> CollectionTiers(
    const std::vector<model::Collection>& collections, const std::string& bucket_id);

}  // namespace ferry::service
