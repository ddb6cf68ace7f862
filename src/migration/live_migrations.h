#pragma once
// LiveMigrations: the zero-downtime end of a migration (DESIGN.md §2, Ferry extensions).
// A completed migration keeps the source's change log position it started from
// (additional_data.live.source_seq_at_start); from there:
// - Sync applies every source change since the last applied sequence to the target
//   (ChangeApplier), page by page, recording the applied sequence after each page, so a
//   pass is idempotent and resumes after a crash. Following keeps passing every
//   `follow_poll` until cutover or StopSync; the lag is recorded after each pass.
// - Cutover catches up, pauses the source's client writes (ChangeLogStore::PauseWrites,
//   bounded by `max_pause_ms` so a crashed process cannot leave it paused), applies the
//   last changes, swaps the two namespaces' names in one catalog transaction (the target
//   takes the source's name; the source becomes "<name>-pre-<short id>") and resumes
//   writes; the pause is measured and recorded.
// - Rollback pauses the target's writes, carries the writes made to it since the cutover
//   back to the source (objects copied back, their documents re-derived with the source's
//   extractors), swaps the names back and resumes writes.
// An operation under way is recorded (live.operation) before it pauses anything; Recover
// settles one a crash interrupted from the catalog's names (the swap is atomic, so they
// say whether it happened) and restarts followers. One operation per migration at a time
// in this process; the migration stays `completed` throughout (Mixpeek's enum).

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "common/crash_points.h"
#include "migration/live_state.h"
#include "migration/validator.h"
#include "migration/webhooks/notifier.h"

namespace ferry::migration {

struct LiveOptions {
  std::chrono::milliseconds follow_poll{250};  // a follower's wait between passes
  int64_t max_pause_ms = 10'000;               // the longest a cutover or rollback refuses writes
  int page = 2000;                             // change log entries applied per step
  size_t max_followers = 16;
  // A cutover first catches up with writes going on, so its pause covers only what comes
  // in meanwhile. Off (benchmarks): every pending change is applied inside the pause.
  bool catch_up_before_pause = true;
  // This process's node name, recorded as the owner of its followers and operations
  // (processes sharing a catalog have distinct names).
  std::string owner = "local";
  size_t extraction_threads = 0;  // for re-derived documents; 0: every core
  // Crash tests: "live.sync.page_applied" (a page written, its sequence not recorded),
  // "live.cutover.paused" (source writes paused, last changes not applied),
  // "live.cutover.swapped" (names swapped, not recorded), "live.rollback.swapped".
  const CrashPoints* crash_points = nullptr;
};

class LiveMigrations {
 public:
  LiveMigrations(const service::ServiceDeps& deps, MigrationValidator& validator,
                 webhooks::WebhookNotifier* notifier, LiveOptions options = {});
  ~LiveMigrations();  // Shutdown

  // One pass (follow false: returns once the target has every change made before the
  // call), or starts following (returns at once). NotFound for another organization's
  // migration; FailedPrecondition when the migration is not a completed copy, re_extract
  // or extend, was cut over already, or its target is gone; Aborted when another
  // operation on it is under way; ResourceExhausted past max_followers.
  Result<model::Migration> Sync(const service::Caller& caller, const std::string& id, bool follow);
  // Stops following (no-op when not following) and waits for the pass under way.
  Result<model::Migration> StopSync(const service::Caller& caller, const std::string& id);
  Result<model::Migration> Cutover(const service::Caller& caller, const std::string& id);
  Result<model::Migration> Rollback(const service::Caller& caller, const std::string& id);

  // Whether a follower of the migration runs in this process.
  bool Following(const std::string& id);

  // Settles operations a crash interrupted and restarts followers (after a restart).
  Status Recover();
  // Stops followers (their migrations stay `following` in the catalog; Recover resumes
  // them) and refuses new operations.
  void Shutdown();

 private:
  struct Slot {
    std::mutex run;  // held by the pass, cutover or rollback under way
    std::thread follower;
    bool stop = false;     // guarded by LiveMigrations::mu_
    bool running = false;  // the follower has not returned; guarded by mu_
  };
  struct Sides;  // the two namespaces' stores and plans (live_sides.cc)

  std::shared_ptr<Slot> SlotFor(const std::string& id);
  // Stops the slot's follower and joins it. REQUIRES: mu_ not held.
  void StopFollower(const std::string& id, const std::shared_ptr<Slot>& slot);
  void FollowLoop(std::string org_id, std::string id, std::shared_ptr<Slot> slot);

  Result<model::Migration> Load(const std::string& org_id, const std::string& id) const;
  // Re-reads the migration, applies `change` to its live state and writes it back unless
  // another write came between (then again, on what that one wrote).
  Result<model::Migration> Record(const std::string& org_id, const std::string& id,
                                  const std::function<void(LiveState&)>& change);
  // Applies source changes after the recorded sequence up to the source's latest.
  // REQUIRES: slot.run held.
  Result<ApplyCounts> PassLocked(const std::string& org_id, const std::string& id, Sides& sides);
  Status CheckSyncable(const model::Migration& m) const;
  Result<std::unique_ptr<Sides>> OpenSides(const std::string& org_id, const model::Migration& m);
  Result<model::Migration> CutoverLocked(const std::string& org_id, const std::string& id);
  Result<model::Migration> RollbackLocked(const std::string& org_id, const std::string& id);
  // Records a cutover or rollback that failed: a swap of names that happened stands
  // (SettleInterrupted), and the error is kept in last_error.
  void RecordFailure(const std::string& org_id, const std::string& id, const std::string& operation,
                     const Status& error);
  Status SettleInterrupted(const model::Migration& m);
  void Notify(const model::Migration& m, model::WebhookEventType type);
  TimestampMs WallNowMs() const;
  void CrashPoint(std::string_view name) const {
    if (options_.crash_points != nullptr) options_.crash_points->Reached(name);
  }

  const service::ServiceDeps& deps_;
  MigrationValidator& validator_;
  webhooks::WebhookNotifier* const notifier_;
  const LiveOptions options_;
  std::mutex mu_;
  bool shutdown_ = false;
  std::condition_variable wake_;  // a follower's wait: stop or shutdown
  std::map<std::string, std::shared_ptr<Slot>> slots_;
};

}  // namespace ferry::migration
