#pragma once
// MigrationRunner: runs started migrations in the background, at most
// `concurrent_migrations` at a time, stage by stage (DESIGN.md §2). Cancellation is
// cooperative: workers stop after their current item. Shutdown pauses running
// migrations at an item boundary; Recover resumes them from their durable plan.

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "common/thread_pool.h"
#include "migration/progress_tracker.h"
#include "migration/status_board.h"
#include "migration/validator.h"
#include "migration/webhooks/notifier.h"
#include "service/retriever_service.h"
#include "service/vector_search.h"

namespace ferry::migration {

class MigrationRunner {
 public:
  // `notifier` (may be null) receives the migration.* webhook events.
  MigrationRunner(const service::ServiceDeps& deps, MigrationValidator& validator,
                  webhooks::WebhookNotifier* notifier = nullptr, size_t concurrent_migrations = 2);
  ~MigrationRunner();

  // Queues a pending migration. False once Shutdown has begun.
  bool Enqueue(const std::string& org_id, const std::string& migration_id);
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
    std::string reason;
  };

  void Run(const std::string& org_id, const std::string& migration_id);
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
  ThreadPool pool_;
};

}  // namespace ferry::migration
