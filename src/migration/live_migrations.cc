#include "migration/live_migrations.h"

#include <chrono>
#include <set>

#include "common/contain.h"
#include "common/thread_name.h"
#include "migration/change_log_retention.h"
#include "migration/live_sides.h"

namespace ferry::migration {

namespace {

using model::MigrationStatus;

// Distinct items named by `entries`.
int64_t DistinctItems(const std::vector<storage::ChangeEntry>& entries) {
  std::set<std::pair<std::string, std::string>> items;
  for (const auto& e : entries) items.emplace(e.resource_id, e.item_id);
  return static_cast<int64_t>(items.size());
}

}  // namespace

LiveMigrations::LiveMigrations(const service::ServiceDeps& deps, MigrationValidator& validator,
                               webhooks::WebhookNotifier* notifier, LiveOptions options)
    : deps_(deps), validator_(validator), notifier_(notifier), options_(options) {}

LiveMigrations::~LiveMigrations() { Shutdown(); }

TimestampMs LiveMigrations::WallNowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void LiveMigrations::Shutdown() {
  std::map<std::string, std::shared_ptr<Slot>> slots;
  {
    std::lock_guard<std::mutex> lock(mu_);
    shutdown_ = true;
    for (auto& [id, slot] : slots_) slot->stop = true;
    slots = slots_;
  }
  wake_.notify_all();
  for (auto& [id, slot] : slots) {
    if (slot->follower.joinable()) slot->follower.join();
  }
}

std::shared_ptr<LiveMigrations::Slot> LiveMigrations::SlotFor(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = slots_[id];
  if (!slot) slot = std::make_shared<Slot>();
  return slot;
}

void LiveMigrations::StopFollower(const std::string& id, const std::shared_ptr<Slot>& slot) {
  (void)id;
  std::thread follower;
  {
    std::lock_guard<std::mutex> lock(mu_);
    slot->stop = true;
    follower = std::move(slot->follower);
  }
  wake_.notify_all();
  if (follower.joinable()) follower.join();
}

Result<model::Migration> LiveMigrations::Load(const std::string& org_id,
                                              const std::string& id) const {
  return deps_.storage.catalog().GetMigration(org_id, id);
}

Result<model::Migration> LiveMigrations::Record(const std::string& org_id, const std::string& id,
                                                const std::function<void(LiveState&)>& change) {
  // Written only over what was read: a write in between (the runner's, a retry's, another
  // process's record) is read again and the change applied to it, never undone.
  constexpr int kAttempts = 8;
  for (int attempt = 1;; ++attempt) {
    FERRY_ASSIGN_OR_RETURN(const model::Migration read, Load(org_id, id));
    model::Migration m = read;
    LiveState live = ReadLiveState(m);
    change(live);
    WriteLiveState(m, live);
    Status st = deps_.storage.catalog().UpdateMigrationIf(m, read, {});
    if (st.ok()) return m;
    if (st.code() != StatusCode::kFailedPrecondition || attempt == kAttempts) return st;
  }
}

Status LiveMigrations::CheckSyncable(const model::Migration& m) const {
  if (m.config.dry_run) return Status::FailedPrecondition("a dry run has no target to sync");
  if (m.status != MigrationStatus::kCompleted) {
    return Status::FailedPrecondition("migration " + m.migration_id + " is " +
                                      model::MigrationStatusName(m.status) +
                                      "; a live sync needs a completed migration");
  }
  const LiveState live = ReadLiveState(m);
  if (live.rolled_back_at) {
    return Status::FailedPrecondition("migration " + m.migration_id +
                                      " was rolled back; start a new migration");
  }
  if (live.cutover_at) {
    return Status::FailedPrecondition("migration " + m.migration_id + " was cut over already");
  }
  return Status::Ok();
}

Result<std::unique_ptr<LiveMigrations::Sides>> LiveMigrations::OpenSides(
    const std::string& org_id, const model::Migration& m) {
  auto sides = std::make_unique<Sides>();
  sides->source_id = m.config.source_namespace_id;
  sides->target_id = TargetNamespaceOf(m);
  auto& catalog = deps_.storage.catalog();
  for (const auto* ns : {&sides->source_id, &sides->target_id}) {
    if (!catalog.GetNamespace(org_id, *ns).ok()) {
      return Status::FailedPrecondition("namespace " + *ns + " of migration " + m.migration_id +
                                        " no longer exists");
    }
  }
  FERRY_ASSIGN_OR_RETURN(
      sides->outcome, validator_.Validate(org_id, m.config, MigrationValidator::Purpose::kReplan));
  if (!sides->outcome.source) {
    return Status::FailedPrecondition("source namespace of migration " + m.migration_id +
                                      " no longer exists");
  }
  FERRY_ASSIGN_OR_RETURN(sides->source, deps_.storage.OpenNamespace(sides->source_id));
  FERRY_ASSIGN_OR_RETURN(sides->target, deps_.storage.OpenNamespace(sides->target_id));
  FERRY_ASSIGN_OR_RETURN(sides->forward,
                         ForwardPlan(m, sides->outcome, *sides->source, *sides->target));
  return sides;
}

Result<ApplyCounts> LiveMigrations::PassLocked(const std::string& org_id, const std::string& id,
                                               Sides& sides) {
  ApplyCounts pass;
  FERRY_ASSIGN_OR_RETURN(model::Migration m, Load(org_id, id));
  int64_t after = ReadLiveState(m).next_after();
  FERRY_RETURN_IF_ERROR(CheckLogKeptAfter(*sides.source, after, "the source"));
  FERRY_ASSIGN_OR_RETURN(const int64_t latest, sides.source->LatestChangeSeq());
  std::unique_ptr<TimeoutPool> pool;
  while (after < latest) {
    FERRY_ASSIGN_OR_RETURN(auto entries, sides.source->ListChanges(after, options_.page));
    std::erase_if(entries, [&](const storage::ChangeEntry& e) { return e.seq > latest; });
    if (entries.empty()) break;
    if (!pool) {
      size_t threads = options_.extraction_threads;
      if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
      pool = std::make_unique<TimeoutPool>(threads, deps_.item_timeout);
    }
    ChangeApplier applier(deps_, sides.forward, pool.get());
    FERRY_ASSIGN_OR_RETURN(ApplyCounts counts, applier.Apply(entries));
    pass += counts;
    const int64_t applied = entries.back().seq;
    CrashPoint("live.sync.page_applied");
    FERRY_ASSIGN_OR_RETURN(auto ahead, sides.source->ListChanges(applied, 10'000));
    FERRY_RETURN_IF_ERROR(Record(org_id, id, [&](LiveState& live) {
                            live.applied_seq = std::max(live.next_after(), applied);
                            live.synced += counts;
                            live.lag_sequences = std::max<int64_t>(0, latest - applied);
                            live.lag_items = DistinctItems(ahead);
                            live.last_error.reset();
                          }).status());
    after = applied;
  }
  FERRY_ASSIGN_OR_RETURN(const int64_t now_latest, sides.source->LatestChangeSeq());
  FERRY_ASSIGN_OR_RETURN(auto ahead, sides.source->ListChanges(after, 10'000));
  const TimestampMs now = deps_.clock.NowMs();
  FERRY_RETURN_IF_ERROR(Record(org_id, id, [&](LiveState& live) {
                          live.lag_sequences = std::max<int64_t>(0, now_latest - live.next_after());
                          live.lag_items = DistinctItems(ahead);
                          live.last_synced_at = now;
                          ++live.sync_passes;
                        }).status());
  return pass;
}

Result<model::Migration> LiveMigrations::Sync(const service::Caller& caller, const std::string& id,
                                              bool follow) {
  FERRY_ASSIGN_OR_RETURN(model::Migration m, Load(caller.org_id, id));
  FERRY_RETURN_IF_ERROR(CheckSyncable(m));
  auto slot = SlotFor(id);
  if (follow) {
    // Refused before anything is recorded: a refusal here must not stop a follower of
    // the migration in another process.
    auto refused = [&]() -> Status {
      if (shutdown_) return Status::Unavailable("the server is shutting down");
      if (slot->running) return Status::Ok();
      size_t running = 0;
      for (const auto& [other, s] : slots_) running += s->running ? 1 : 0;
      if (running < options_.max_followers) return Status::Ok();
      return Status::ResourceExhausted("too many following syncs (at most " +
                                       std::to_string(options_.max_followers) + ")");
    };
    {
      std::lock_guard<std::mutex> lock(mu_);
      FERRY_RETURN_IF_ERROR(refused());
    }
    // Recorded before the follower starts: it stops when the migration no longer says it
    // follows here (a stop or a cutover through another process).
    FERRY_ASSIGN_OR_RETURN(m, Record(caller.org_id, id, [&](LiveState& live) {
                             live.following = true;
                             live.owner = options_.owner;
                           }));
    std::lock_guard<std::mutex> lock(mu_);
    FERRY_RETURN_IF_ERROR(refused());  // (a shutdown or other follows since: it resumes them)
    if (!slot->running) {
      if (slot->follower.joinable()) slot->follower.join();  // it returned on its own
      slot->stop = false;
      slot->running = true;
      slot->follower = std::thread(&LiveMigrations::FollowLoop, this, caller.org_id, id, slot);
    }
  } else {
    std::unique_lock<std::mutex> run(slot->run, std::try_to_lock);
    if (!run.owns_lock()) {
      return Status::Aborted("another sync, cutover or rollback of migration " + id +
                             " is under way");
    }
    FERRY_ASSIGN_OR_RETURN(auto sides, OpenSides(caller.org_id, m));
    Status st = PassLocked(caller.org_id, id, *sides).status();
    if (!st.ok()) {
      (void)Record(caller.org_id, id, [&](LiveState& live) { live.last_error = st.message(); });
      return st;
    }
    FERRY_ASSIGN_OR_RETURN(m, Load(caller.org_id, id));
    Notify(m, model::WebhookEventType::kSynced);
    return m;
  }
  return m;
}

void LiveMigrations::FollowLoop(std::string org_id, std::string id, std::shared_ptr<Slot> slot) {
  NameCurrentThread("ferry-live");
  struct Done {
    LiveMigrations& self;
    Slot& slot;
    ~Done() {
      std::lock_guard<std::mutex> lock(self.mu_);
      slot.running = false;
    }
  } done{*this, *slot};
  std::unique_ptr<Sides> sides;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(slot->run);
      Result<model::Migration> m = Status::Internal("not loaded");
      // One pass is the thread's unit of work: whatever escapes it fails the pass.
      Status st = Contain(&deps_.logger, "live sync pass", [&]() -> Status {
        m = Load(org_id, id);
        FERRY_RETURN_IF_ERROR(m.status());
        const LiveState live = ReadLiveState(*m);
        if (!live.following || (!live.owner.empty() && live.owner != options_.owner)) {
          return Status::Cancelled("stopped, or followed by another process");
        }
        FERRY_RETURN_IF_ERROR(CheckSyncable(*m));
        if (!sides) {
          FERRY_ASSIGN_OR_RETURN(sides, OpenSides(org_id, *m));
        }
        FERRY_ASSIGN_OR_RETURN(ApplyCounts pass, PassLocked(org_id, id, *sides));
        if (pass.items > 0) {
          auto after = Load(org_id, id);
          if (after.ok()) Notify(*after, model::WebhookEventType::kSynced);
        }
        return Status::Ok();
      });
      if (st.code() == StatusCode::kCancelled) {
        deps_.logger.Info("live sync follower stopped", {{"migration_id", id}});
        return;  // the catalog's record is left as it is
      }
      if (!st.ok()) {
        deps_.logger.Warn("live sync pass failed",
                          {{"migration_id", id}, {"error", st.ToString()}});
        if (m.ok()) {
          (void)Record(org_id, id, [&](LiveState& live) { live.last_error = st.message(); });
        }
        if (st.code() == StatusCode::kNotFound || st.code() == StatusCode::kFailedPrecondition) {
          (void)Record(org_id, id, [](LiveState& live) { live.following = false; });
          return;  // deleted, cut over, or its namespaces gone: nothing left to follow
        }
        sides.reset();  // reopen on the next pass
      }
    }
    std::unique_lock<std::mutex> lock(mu_);
    if (wake_.wait_for(lock, options_.follow_poll, [&] { return slot->stop || shutdown_; })) {
      return;
    }
  }
}

bool LiveMigrations::Following(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = slots_.find(id);
  return it != slots_.end() && it->second->running;
}

Result<model::Migration> LiveMigrations::StopSync(const service::Caller& caller,
                                                  const std::string& id) {
  FERRY_ASSIGN_OR_RETURN(model::Migration m, Load(caller.org_id, id));
  auto slot = SlotFor(id);
  StopFollower(id, slot);
  std::lock_guard<std::mutex> run(slot->run);
  return Record(caller.org_id, id, [](LiveState& live) { live.following = false; });
}

void LiveMigrations::Notify(const model::Migration& m, model::WebhookEventType type) {
  if (notifier_ == nullptr) return;
  Status st = notifier_->NotifyMigration(m, type, std::nullopt);
  if (!st.ok()) {
    deps_.logger.Warn("cannot queue webhook",
                      {{"migration_id", m.migration_id}, {"error", st.ToString()}});
  }
}

}  // namespace ferry::migration
