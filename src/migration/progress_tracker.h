#pragma once
// ProgressTracker: the live state of one running migration — status, the seven stages,
// per-resource progress, overall percent (monotonic) and estimated completion from
// measured throughput — shared by the runner and its workers and persisted to the
// catalog. After each successful persist it publishes what it wrote to the status board
// (when given one), from which GET serves the running migration. Once the run has ended
// (Finish) its state is frozen: later changes by workers still stopping are ignored, so
// what a cancel persisted is what stays. Thread-safe.

#include <functional>
#include <mutex>
#include <string>

#include "common/clock.h"
#include "common/result.h"
#include "migration/status_board.h"
#include "model/migration.h"
#include "storage/migration_store.h"

namespace ferry::migration {

class ProgressTracker {
 public:
  // `board` (may be null) receives a snapshot after every successful persist; the caller
  // opens and closes the migration on it.
  ProgressTracker(storage::MigrationStore& catalog, const Clock& clock, model::Migration migration,
                  MigrationStatusBoard* board = nullptr);
  // Keeps the state in memory only, persisting nothing: the view of a run that joined
  // another process's batch_processing, whose coordinator owns the record.
  ProgressTracker(const Clock& clock, model::Migration migration);

  // The live state, which may be ahead of the catalog (BatchDone persists at most every
  // kPersistIntervalMs). What GET serves is the board's snapshot, never this.
  model::Migration Snapshot() const;
  // Applies `fn` to the migration under the lock, recomputes derived progress and
  // persists. Returns the persist status.
  Status Update(const std::function<void(model::Migration&)>& fn);

  // Starts (or restarts, after a resume) a stage with its counters set to what earlier
  // attempts of the run already did, in one persisted update.
  Status StageStarted(model::MigrationStage stage, int64_t items_total, int64_t items_completed = 0,
                      int64_t items_failed = 0);
  // Adds to a stage's counters (and persists).
  Status StageItems(model::MigrationStage stage, int64_t completed, int64_t failed);
  Status StageFinished(model::MigrationStage stage, model::MigrationStatus status,
                       std::optional<std::string> error = std::nullopt);
  // One finished batch: adds to the stage's counters and sets the resource's percent.
  // Persisted at most every kPersistIntervalMs (progress is polled, not streamed);
  // stage and status changes are always persisted at once.
  Status BatchDone(model::MigrationStage stage, const std::string& resource_id, int64_t completed,
                   int64_t failed, double resource_percent);
  static constexpr TimestampMs kPersistIntervalMs = 200;
  // A resource's work begins (namespace_setup): in_progress, unless an earlier attempt
  // of the run completed it (a run resumed after its last stage finished must not undo
  // what that stage recorded).
  Status ResourceStarted(const std::string& id);
  // Raises a stage's counters to at least these: work other processes did, recounted from
  // the catalog by the coordinator. Persisted like BatchDone.
  Status StageCountersAtLeast(model::MigrationStage stage, int64_t completed, int64_t failed);
  // Sets a resource's status and percent (kept monotonic).
  Status ResourceState(const std::string& id, model::MigrationStatus status, double percent,
                       std::optional<std::string> error = std::nullopt);

  // Ends the run in one persisted update: `fn` sets the final (terminal) status and
  // completed_at together (e.g. MarkCancelled). From then on every change is ignored.
  // True when this call ended the run; false when it had ended already (a final state
  // whose persist failed is then persisted again). An error when the persist failed.
  Result<bool> Finish(const std::function<void(model::Migration&)>& fn);

 private:
  void Recompute(model::Migration& m) const;
  Status PersistLocked();
  // Under mu_: true when the run has ended; then *st is what the caller returns.
  bool FrozenLocked(Status* st);
  TimestampMs last_persist_ms_ = 0;
  bool finished_ = false;
  bool final_persisted_ = false;

  storage::MigrationStore* const catalog_;  // null: in memory only
  const Clock& clock_;
  MigrationStatusBoard* const board_;
  mutable std::mutex mu_;
  model::Migration migration_;
};

// The weight of each stage in overall_progress_percent (sums to 100).
double StageWeight(model::MigrationStage stage);

// A cancel's final state, set in one write: status cancelled with completed_at = `now`,
// `reason` (when not empty) in error_message, every stage and resource that did not
// finish cancelled, and — when the run may have created its target (not a dry run,
// namespace_setup started) — the partial target in additional_data.partial_target
// ({namespace_id, namespace_name, partial: true}); deleting that namespace drops it.
void MarkCancelled(model::Migration& m, TimestampMs now, const std::string& reason);

// A migration's progress before it runs: all seven stages and every graph resource
// in `status`.
model::MigrationProgress InitialProgress(const model::DependencyGraph* graph,
                                         model::MigrationStatus status);

}  // namespace ferry::migration
