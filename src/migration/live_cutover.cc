// LiveMigrations' cutover, rollback and recovery (see live_migrations.h).

#include <chrono>

#include "migration/live_migrations.h"
#include "migration/live_sides.h"

namespace ferry::migration {

namespace {

using model::MigrationStatus;

// "<name>-pre-<first 8 characters of the id after its prefix>".
std::string PreCutoverName(const std::string& name, const std::string& migration_id) {
  std::string id = migration_id.rfind("mig_", 0) == 0 ? migration_id.substr(4) : migration_id;
  return name + "-pre-" + id.substr(0, 8);
}

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Lifts a pause when it goes out of scope, unless released (a pause left to expire).
class PauseGuard {
 public:
  explicit PauseGuard(storage::NamespaceStore& store) : store_(store) {}
  ~PauseGuard() {
    if (active_) (void)store_.PauseWrites(0);
  }
  // Pauses writes for `duration_ms` from `wall_now`.
  Status Pause(TimestampMs wall_now, int64_t duration_ms) {
    FERRY_RETURN_IF_ERROR(store_.PauseWrites(wall_now + duration_ms));
    active_ = true;
    started_ = SteadyMs();
    duration_ = duration_ms;
    return Status::Ok();
  }
  // DeadlineExceeded unless the pause still holds for a fifth of its length: enough for
  // the swap of names that follows. Writes after the pause ran out would reach the side
  // about to be renamed away and stay behind there.
  Status StillHolds(const std::string& what) const {
    if (active_ && SteadyMs() + duration_ / 5 < started_ + duration_) return Status::Ok();
    return Status::DeadlineExceeded(what + " did not fit in the pause of max_pause_ms (" +
                                    std::to_string(duration_) +
                                    " ms); nothing was swapped and writes go on: try again");
  }
  // Lifts the pause; how long it lasted (ms).
  Result<int64_t> Lift() {
    FERRY_RETURN_IF_ERROR(store_.PauseWrites(0));
    active_ = false;
    return SteadyMs() - started_;
  }

 private:
  storage::NamespaceStore& store_;
  bool active_ = false;
  int64_t started_ = 0;
  int64_t duration_ = 0;
};

}  // namespace

Result<model::Migration> LiveMigrations::Cutover(const service::Caller& caller,
                                                 const std::string& id) {
  FERRY_ASSIGN_OR_RETURN(model::Migration m, Load(caller.org_id, id));
  FERRY_RETURN_IF_ERROR(CheckSyncable(m));
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (shutdown_) return Status::Unavailable("the server is shutting down");
  }
  auto slot = SlotFor(id);
  StopFollower(id, slot);  // the cutover applies the last changes itself
  std::unique_lock<std::mutex> run(slot->run, std::try_to_lock);
  if (!run.owns_lock()) {
    return Status::Aborted("another sync, cutover or rollback of migration " + id +
                           " is under way");
  }
  auto done = CutoverLocked(caller.org_id, id);
  if (!done.ok()) {
    RecordFailure(caller.org_id, id, "cutover", done.status());
    return done.status();
  }
  Notify(*done, model::WebhookEventType::kCutover);
  return done;
}

void LiveMigrations::RecordFailure(const std::string& org_id, const std::string& id,
                                   const std::string& operation, const Status& error) {
  // An error after the names were swapped (lifting the pause, the last record) leaves
  // the swap standing: settled by the names, as after a crash.
  auto m = Load(org_id, id);
  if (m.ok() && ReadLiveState(*m).operation == operation) (void)SettleInterrupted(*m);
  (void)Record(org_id, id, [&](LiveState& live) {
    live.operation.clear();
    live.last_error = operation + ": " + error.message();
  });
}

Result<model::Migration> LiveMigrations::CutoverLocked(const std::string& org_id,
                                                       const std::string& id) {
  FERRY_ASSIGN_OR_RETURN(model::Migration m, Load(org_id, id));
  FERRY_RETURN_IF_ERROR(CheckSyncable(m));
  FERRY_ASSIGN_OR_RETURN(auto sides, OpenSides(org_id, m));
  auto& catalog = deps_.storage.catalog();
  FERRY_ASSIGN_OR_RETURN(model::Namespace source, catalog.GetNamespace(org_id, sides->source_id));
  FERRY_ASSIGN_OR_RETURN(model::Namespace target, catalog.GetNamespace(org_id, sides->target_id));
  const std::string renamed = PreCutoverName(source.namespace_name, id);
  // Catch up while writes go on, so that the pause covers only what comes in meanwhile.
  if (options_.catch_up_before_pause) {
    FERRY_RETURN_IF_ERROR(PassLocked(org_id, id, *sides).status());
  }
  FERRY_RETURN_IF_ERROR(Record(org_id, id, [&](LiveState& live) {
                          live.operation = "cutover";
                          live.owner = options_.owner;
                          live.following = false;
                          live.source_name = source.namespace_name;
                          live.target_name = target.namespace_name;
                          live.source_renamed_to = renamed;
                        }).status());
  PauseGuard pause(*sides->source);
  FERRY_RETURN_IF_ERROR(pause.Pause(WallNowMs(), options_.max_pause_ms));
  CrashPoint("live.cutover.paused");
  FERRY_RETURN_IF_ERROR(PassLocked(org_id, id, *sides).status());
  FERRY_RETURN_IF_ERROR(pause.StillHolds("the cutover's last catch-up"));
  // Nothing may have come in since (the pause lifted by someone else).
  FERRY_ASSIGN_OR_RETURN(model::Migration passed, Load(org_id, id));
  FERRY_ASSIGN_OR_RETURN(const int64_t source_seq, sides->source->LatestChangeSeq());
  if (source_seq > ReadLiveState(passed).next_after()) {
    return Status::Aborted("source writes arrived during the cutover's pause; try again");
  }
  // Where a rollback starts carrying the target's writes back, kept even if what follows
  // the swap fails.
  FERRY_ASSIGN_OR_RETURN(const int64_t target_seq, sides->target->LatestChangeSeq());
  FERRY_RETURN_IF_ERROR(Record(org_id, id, [&](LiveState& live) {
                          live.target_seq_at_cutover = target_seq;
                        }).status());
  FERRY_RETURN_IF_ERROR(catalog.RenameNamespaces(
      org_id, {{sides->source_id, renamed}, {sides->target_id, source.namespace_name}},
      deps_.clock.NowMs()));
  CrashPoint("live.cutover.swapped");
  FERRY_ASSIGN_OR_RETURN(const int64_t paused_ms, pause.Lift());
  deps_.logger.Info("migration cut over", {{"migration_id", id},
                                           {"namespace", source.namespace_name},
                                           {"pause_ms", std::to_string(paused_ms)}});
  const TimestampMs now = deps_.clock.NowMs();
  return Record(org_id, id, [&](LiveState& live) {
    live.operation.clear();
    live.cutover_at = now;
    live.cutover_pause_ms = paused_ms;
    live.target_seq_at_cutover = target_seq;
    live.last_error.reset();
  });
}

Result<model::Migration> LiveMigrations::Rollback(const service::Caller& caller,
                                                  const std::string& id) {
  FERRY_ASSIGN_OR_RETURN(model::Migration m, Load(caller.org_id, id));
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (shutdown_) return Status::Unavailable("the server is shutting down");
  }
  auto slot = SlotFor(id);
  std::unique_lock<std::mutex> run(slot->run, std::try_to_lock);
  if (!run.owns_lock()) {
    return Status::Aborted("another sync, cutover or rollback of migration " + id +
                           " is under way");
  }
  auto done = RollbackLocked(caller.org_id, id);
  if (!done.ok()) {
    RecordFailure(caller.org_id, id, "rollback", done.status());
    return done.status();
  }
  Notify(*done, model::WebhookEventType::kRolledBack);
  return done;
}

Result<model::Migration> LiveMigrations::RollbackLocked(const std::string& org_id,
                                                        const std::string& id) {
  FERRY_ASSIGN_OR_RETURN(model::Migration m, Load(org_id, id));
  const LiveState state = ReadLiveState(m);
  if (!state.cutover_at) {
    return Status::FailedPrecondition("migration " + id + " was not cut over");
  }
  if (state.rolled_back_at) {
    return Status::FailedPrecondition("migration " + id + " was rolled back already");
  }
  FERRY_ASSIGN_OR_RETURN(auto sides, OpenSides(org_id, m));
  FERRY_ASSIGN_OR_RETURN(ApplyPlan reverse, sides->Reverse());
  FERRY_RETURN_IF_ERROR(Record(org_id, id, [&](LiveState& live) {
                          live.operation = "rollback";
                          live.owner = options_.owner;
                        }).status());
  TimeoutPool pool(options_.extraction_threads > 0
                       ? options_.extraction_threads
                       : std::max(1u, std::thread::hardware_concurrency()),
                   deps_.item_timeout, "ferry-extract");
  ChangeApplier applier(deps_, reverse, &pool);
  ApplyCounts carried;
  // Carries the target's changes after `after` up to its latest; returns that latest.
  // Each item's current state is applied, so carrying one twice does no harm.
  auto carry = [&](int64_t after) -> Result<int64_t> {
    FERRY_ASSIGN_OR_RETURN(const int64_t latest, sides->target->LatestChangeSeq());
    while (after < latest) {
      FERRY_ASSIGN_OR_RETURN(auto entries, sides->target->ListChanges(after, options_.page));
      std::erase_if(entries, [&](const storage::ChangeEntry& e) { return e.seq > latest; });
      if (entries.empty()) break;
      FERRY_ASSIGN_OR_RETURN(ApplyCounts counts, applier.Apply(entries));
      carried += counts;
      after = entries.back().seq;
    }
    return latest;
  };
  // Most of the writes since the cutover are carried while the target still takes
  // writes, so that the pause covers only what comes in meanwhile.
  FERRY_ASSIGN_OR_RETURN(const int64_t caught_up, carry(state.target_seq_at_cutover));
  PauseGuard pause(*sides->target);
  FERRY_RETURN_IF_ERROR(pause.Pause(WallNowMs(), options_.max_pause_ms));
  FERRY_ASSIGN_OR_RETURN(const int64_t carried_to, carry(caught_up));
  FERRY_RETURN_IF_ERROR(pause.StillHolds("the rollback's last carry"));
  FERRY_ASSIGN_OR_RETURN(const int64_t target_seq, sides->target->LatestChangeSeq());
  if (target_seq > carried_to) {
    return Status::Aborted("target writes arrived during the rollback's pause; try again");
  }
  FERRY_RETURN_IF_ERROR(deps_.storage.catalog().RenameNamespaces(
      org_id, {{sides->target_id, state.target_name}, {sides->source_id, state.source_name}},
      deps_.clock.NowMs()));
  CrashPoint("live.rollback.swapped");
  FERRY_ASSIGN_OR_RETURN(const int64_t paused_ms, pause.Lift());
  deps_.logger.Info("migration rolled back", {{"migration_id", id},
                                              {"namespace", state.source_name},
                                              {"pause_ms", std::to_string(paused_ms)}});
  const TimestampMs now = deps_.clock.NowMs();
  return Record(org_id, id, [&](LiveState& live) {
    live.operation.clear();
    live.rolled_back_at = now;
    live.rollback_pause_ms = paused_ms;
    live.rolled_back = carried;
    live.last_error.reset();
  });
}

Status LiveMigrations::SettleInterrupted(const model::Migration& m) {
  const LiveState live = ReadLiveState(m);
  if (live.operation.empty()) return Status::Ok();
  auto& catalog = deps_.storage.catalog();
  const std::string source_id = m.config.source_namespace_id;
  const std::string target_id = TargetNamespaceOf(m);
  auto target = catalog.GetNamespace(m.org_id, target_id);
  const bool swapped = target.ok() && target->namespace_name == live.source_name;
  const bool cutover = live.operation == "cutover";
  // The pause (if the crash left one) is lifted; it would expire anyway.
  for (const auto& ns : {source_id, target_id}) {
    if (auto store = deps_.storage.OpenNamespace(ns); store.ok()) (void)(*store)->PauseWrites(0);
  }
  const TimestampMs now = deps_.clock.NowMs();
  // The names say whether the swap happened: a cutover that swapped is done (its last
  // changes were applied before the swap), one that did not is abandoned (run it again);
  // a rollback that swapped back is done, one that did not is abandoned.
  auto settled = Record(m.org_id, m.migration_id, [&](LiveState& s) {
    s.operation.clear();
    if (cutover && swapped) {
      s.cutover_at = now;
      s.last_error.reset();
    } else if (!cutover && !swapped) {
      s.rolled_back_at = now;
      s.last_error.reset();
    } else {
      s.last_error = live.operation + " interrupted by a restart before the names were swapped";
    }
  });
  deps_.logger.Warn("settled a live migration operation interrupted by a restart",
                    {{"migration_id", m.migration_id},
                     {"operation", live.operation},
                     {"swapped", swapped == cutover ? "yes" : "no"}});
  return settled.status();
}

Status LiveMigrations::Recover() {
  auto& catalog = deps_.storage.catalog();
  FERRY_ASSIGN_OR_RETURN(auto orgs, catalog.ListOrganizations());
  for (const auto& org : orgs) {
    model::MigrationListFilter filter;
    filter.status = MigrationStatus::kCompleted;
    for (int64_t offset = 0;; offset += 100) {
      FERRY_ASSIGN_OR_RETURN(auto page,
                             catalog.ListMigrations(org.org_id, filter, model::Page{offset, 100}));
      for (const auto& m : page) {
        FERRY_RETURN_IF_ERROR(SettleInterrupted(m));
        // Resumed here, recorded as this process's: a follower of the same migration in
        // another process stops at its next pass.
        if (ReadLiveState(m).following) {
          auto st = Sync(service::Caller{org.org_id}, m.migration_id, true);
          if (!st.ok()) {
            deps_.logger.Warn(
                "cannot resume a following sync",
                {{"migration_id", m.migration_id}, {"error", st.status().ToString()}});
          }
        }
      }
      if (page.size() < 100) break;
    }
  }
  return Status::Ok();
}

}  // namespace ferry::migration
