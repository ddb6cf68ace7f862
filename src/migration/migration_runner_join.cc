// MigrationRunner: the work of a process sharing its catalog with others — polling for
// migrations to run (started elsewhere, or whose coordinator died) and joining other
// processes' batch_processing runs.

#include "common/contain.h"
#include "common/thread_name.h"
#include "migration/migration_runner.h"
#include "migration/stages.h"

namespace ferry::migration {

using model::MigrationStatus;

namespace {
// At most this many migrations looked at per poll (each kind).
constexpr int64_t kPollLimit = 16;
}  // namespace

void MigrationRunner::StartPolling() {
  if (options_.poll.count() <= 0 || !options_.execute || poller_.joinable()) return;
  poller_ = std::thread([this] {
    NameCurrentThread("ferry-poller");
    PollLoop();
  });
}

void MigrationRunner::PollLoop() {
  std::unique_lock<std::mutex> lock(poll_mu_);
  while (!stopping_) {
    lock.unlock();
    (void)Contain(&deps_.logger, "migration poll", [this] { PollOnce(); });
    lock.lock();
    poll_cv_.wait_for(lock, options_.poll, [this] { return stopping_.load(); });
  }
}

void MigrationRunner::PollOnce() {
  auto& catalog = deps_.storage.catalog();
  auto held = [this](const std::string& id) {
    std::lock_guard<std::mutex> lock(mu_);
    return active_.count(id) > 0;
  };
  TimestampMs now = deps_.clock.NowMs();
  auto runnable = catalog.ListRunnableMigrations(options_.owner, now, kPollLimit);
  if (runnable.ok()) {
    for (const auto& ref : *runnable) {
      if (!held(ref.migration_id)) Enqueue(ref.org_id, ref.migration_id);
    }
  }
  auto joinable = catalog.ListJoinableMigrations(options_.owner, now, kPollLimit);
  if (joinable.ok()) {
    for (const auto& ref : *joinable) {
      if (!held(ref.migration_id)) Join(ref.org_id, ref.migration_id);
    }
  }
  if (!runnable.ok() || !joinable.ok()) {
    const Status& st = !runnable.ok() ? runnable.status() : joinable.status();
    deps_.logger.Warn("cannot poll for migrations", {{"error", st.ToString()}});
  }
}

void MigrationRunner::Join(const std::string& org_id, const std::string& migration_id) {
  if (stopping_) return;
  std::shared_ptr<Active> active;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto& slot = active_[migration_id];
    if (slot) return;  // run or joined here already
    slot = std::make_shared<Active>();
    slot->joined = true;
    slot->org_id = org_id;
    active = slot;
  }
  bool queued = pool_.Submit([this, org_id, migration_id, active] {
    (void)Contain(&deps_.logger, "joined migration run",
                  [&] { RunJoined(org_id, migration_id, *active); });
    // Enqueued meanwhile (the migration ended and was retried): run it here.
    if (TakeRerun(migration_id)) RunUntilSettled(org_id, migration_id);
  });
  if (!queued) Unregister(migration_id);
}

void MigrationRunner::RunJoined(const std::string& org_id, const std::string& migration_id,
                                Active& active) {
  auto m = deps_.storage.catalog().GetMigration(org_id, migration_id);
  if (!m.ok() || m->status != MigrationStatus::kInProgress || active.stop) return;
  // The coordinator owns the record: this run's progress stays in memory.
  ProgressTracker tracker(deps_.clock, *m);
  auto ctx = MakeContext(org_id, *m, tracker, active);
  Status st = ctx.status();
  if (st.ok()) {
    (*ctx)->joined = true;
    deps_.logger.Info("joining migration", {{"migration_id", migration_id}});
    // namespace_setup is idempotent: here it only rebuilds the run's view of the target.
    st = RunNamespaceSetup(**ctx);
    if (st.ok()) st = RunBatchProcessing(**ctx);
  }
  deps_.logger.Info("left migration",
                    {{"migration_id", migration_id}, {"status", st.ok() ? "done" : st.ToString()}});
}

}  // namespace ferry::migration
