#pragma once
// MigrationRunner: runs started migrations in the background, at most
// `concurrent_migrations` at a time, stage by stage (DESIGN.md §2). Cancellation is
// cooperative: workers stop after their current item. Shutdown pauses running
// migrations at an item boundary; Recover resumes them from their durable plan.
//
// Several processes may share one catalog (PostgreSQL). Each migration is run by one of
// them, the holder of its run lease (its coordinator); the others, polling the catalog,
// join its batch_processing and claim its batches too. A cancel recorded by any process
// reaches the coordinator and every joined run at their next lease renewal; a crashed
// coordinator's runs are taken over once their lease expires.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/thread_pool.h"
#include "migration/progress_tracker.h"
#include "migration/run_context.h"
#include "migration/run_lease_keeper.h"
#include "migration/status_board.h"
#include "migration/validator.h"
#include "migration/webhooks/notifier.h"
#include "service/retriever_service.h"
#include "service/vector_search.h"

namespace ferry::migration {

struct MigrationRunnerOptions {
  size_t concurrent_migrations = 2;
  // Names this process in run and batch leases (and in batches' completed_by). Processes
  // sharing a catalog need distinct owners; a process restarted under the same owner takes
  // its runs back at once, others wait for their leases to expire.
  std::string owner = "local";
  // Runs migrations here (roles all and worker). False (role api): a started migration is
  // left to the processes that poll the catalog for work.
  bool execute = true;
  // How often to look in the catalog for migrations to run (started by another process, or
  // whose coordinator died) and batch_processing runs to join; 0: never (one process on
  // its own catalog: Enqueue and Recover suffice).
  std::chrono::milliseconds poll{0};
  // Threads extracting for one run's batch_processing; 0: every core.
  size_t extraction_threads = 0;
  // How long a run lease lasts unrenewed: a dead coordinator's runs are taken over after it.
  int64_t run_lease_ttl_ms = 10'000;
};

class MigrationRunner {
 public:
  // `notifier` (may be null) receives the migration.* webhook events.
  MigrationRunner(const service::ServiceDeps& deps, MigrationValidator& validator,
                  webhooks::WebhookNotifier* notifier = nullptr,
                  MigrationRunnerOptions options = {});
  ~MigrationRunner();

  // Queues a pending migration to run here (when this process executes migrations; else
  // it is left to those that poll). False once Shutdown has begun. A migration queued or
  // running here already is not run twice at once: its run, when it ends, looks at the
  // migration again and runs it once more if it is still (or again, after a retry)
  // pending or in progress.
  bool Enqueue(const std::string& org_id, const std::string& migration_id);
  // Starts polling the catalog for work (options.poll > 0 and execute).
  void StartPolling();
  enum class CancelResult { kNotHeld, kQueued, kRunning, kFinished };
  // Asks a queued or running migration to stop. When running, its final state is
  // persisted at once in one write (MarkCancelled: status, completed_at, unfinished stages
  // and resources cancelled, the partial target) and frozen; no batch starts afterwards
  // and workers stop after their current item. When only queued, it will not run and the
  // caller records the cancellation. kFinished: the run had already ended (completed or
  // failed) and is left as it ended.
  CancelResult Cancel(const std::string& migration_id, const std::string& reason);
  // Re-queues migrations left pending or in progress (after a restart); one left
  // validating by a start that never finished becomes a draft again.
  Status Recover();
  // Blocks until no migration is queued or running.
  void WaitIdle();
  // Pauses running migrations at an item boundary (they stay in_progress) and stops.
  void Shutdown();
  // True once Shutdown has told every running migration to pause (its workers may still
  // be finishing their current item).
  bool pause_signalled() const { return pause_signalled_; }

  // The durable status of the migrations running in this process (see status_board.h).
  const MigrationStatusBoard& status_board() const { return board_; }
  MigrationStatusBoard& status_board() { return board_; }

 private:
  struct Active {
    std::atomic<bool> stop{false};
    ProgressTracker* tracker = nullptr;  // set while running
    bool cancelled = false;              // stop was a user cancel (not a shutdown)
    bool ended = false;                  // the run recorded its end (not paused)
    bool joined = false;                 // joins another process's batch_processing
    std::atomic<bool> lost{false};       // another process took the run over
    bool rerun = false;  // enqueued again while queued or running: look again at its end
    std::string org_id;  // set before the run starts
    std::string reason;
  };

  // Runs the migration (Run), again and again while it was enqueued again meanwhile.
  void RunUntilSettled(const std::string& org_id, const std::string& migration_id);
  // One run of the migration under its run lease; its slot stays registered.
  void Run(const std::string& org_id, const std::string& migration_id);
  // At the end of a run (or a joined run): true, with a fresh slot, when the migration was
  // enqueued again meanwhile and the process is not stopping; else unregisters it.
  bool TakeRerun(const std::string& migration_id);
  // Joins another process's batch_processing of the migration (migration_runner_join.cc).
  void Join(const std::string& org_id, const std::string& migration_id);
  void RunJoined(const std::string& org_id, const std::string& migration_id, Active& active);
  void PollLoop();
  void PollOnce();
  // Builds the context of a run (validating the plan again) and opens its source.
  Result<std::unique_ptr<RunContext>> MakeContext(const std::string& org_id,
                                                  const model::Migration& m,
                                                  ProgressTracker& tracker, Active& active);
  // Stops a run because the migration was cancelled by another process.
  void StopCancelledElsewhere(const std::string& migration_id);
  void Execute(const std::string& org_id, model::Migration m, Active& active);
  // Validates again and runs the stages; Cancelled when stopped.
  Status RunPlan(const std::string& org_id, const model::Migration& m, ProgressTracker& tracker,
                 Active& active);
  // Records how the run ended (retrying the write) and then tells the task and webhooks.
  // False, telling nobody, when it was paused for a shutdown or its end could not be
  // written: it stays in_progress in the catalog and Recover resumes it.
  bool Conclude(const model::Migration& m, ProgressTracker& tracker, const Status& st,
                const Active& active);
  std::shared_ptr<Active> Register(const std::string& migration_id);
  void Unregister(const std::string& migration_id);
  void UpdateTask(const model::Migration& m, model::TaskStatus status);
  // Best effort: a failing outbox write is logged, never fails the migration.
  void Notify(const model::Migration& m, model::WebhookEventType type,
              std::optional<model::MigrationStage> stage = std::nullopt);

  const service::ServiceDeps& deps_;
  MigrationValidator& validator_;
  webhooks::WebhookNotifier* const notifier_;
  const MigrationRunnerOptions options_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> pause_signalled_{false};
  std::mutex mu_;
  std::condition_variable idle_cv_;
  std::map<std::string, std::shared_ptr<Active>> active_;  // queued or running
  MigrationStatusBoard board_;
  // Retriever evaluation for benchmark_evaluation, with its own in-memory index cache
  // (indexes of source and target namespaces live only while they are being compared).
  service::VectorSearchService vectors_{service::VectorSearchOptions{}};
  service::RetrieverService retrievers_{deps_, vectors_};
  RunLeaseKeeper run_leases_;
  ThreadPool pool_;
  // Polling (StartPolling): stopped by Shutdown.
  std::mutex poll_mu_;
  std::condition_variable poll_cv_;
  std::thread poller_;
};

}  // namespace ferry::migration
