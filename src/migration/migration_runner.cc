#include "migration/migration_runner.h"

#include <functional>

#include "common/contain.h"
#include "migration/catalog_writes.h"
#include "migration/stages.h"

namespace ferry::migration {

using model::MigrationStage;
using model::MigrationStatus;

MigrationRunner::MigrationRunner(const service::ServiceDeps& deps, MigrationValidator& validator,
                                 webhooks::WebhookNotifier* notifier,
                                 MigrationRunnerOptions options)
    : deps_(deps),
      validator_(validator),
      notifier_(notifier),
      options_(std::move(options)),
      run_leases_(deps.storage.catalog(), deps.clock, deps.logger, options_.run_lease_ttl_ms),
      pool_(std::max<size_t>(1, options_.concurrent_migrations), "ferry-runner") {}

void MigrationRunner::Notify(const model::Migration& m, model::WebhookEventType type,
                             std::optional<model::MigrationStage> stage) {
  if (notifier_ == nullptr) return;
  Status st = notifier_->NotifyMigration(m, type, stage);
  if (!st.ok()) {
    deps_.logger.Warn("cannot queue webhook",
                      {{"migration_id", m.migration_id}, {"error", st.ToString()}});
  }
}

MigrationRunner::~MigrationRunner() { Shutdown(); }

std::shared_ptr<MigrationRunner::Active> MigrationRunner::Register(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& slot = active_[id];
  if (!slot) slot = std::make_shared<Active>();
  return slot;
}

void MigrationRunner::Unregister(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  active_.erase(id);
  if (active_.empty()) idle_cv_.notify_all();
}

bool MigrationRunner::TakeRerun(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = active_.find(id);
  if (it == active_.end()) return false;
  if (it->second->rerun && !stopping_) {
    it->second = std::make_shared<Active>();
    return true;
  }
  active_.erase(it);
  if (active_.empty()) idle_cv_.notify_all();
  return false;
}

bool MigrationRunner::Enqueue(const std::string& org_id, const std::string& migration_id) {
  if (stopping_) return false;
  if (!options_.execute) return true;  // a process that polls the catalog runs it
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto& slot = active_[migration_id];
    if (slot) {
      // Queued, running or joined here: that run looks at the migration again at its end
      // (a retry may have made it pending again after it concluded).
      slot->rerun = true;
      return true;
    }
    slot = std::make_shared<Active>();
  }
  bool queued =
      pool_.Submit([this, org_id, migration_id] { RunUntilSettled(org_id, migration_id); });
  if (!queued) Unregister(migration_id);
  return queued;
}

void MigrationRunner::RunUntilSettled(const std::string& org_id, const std::string& migration_id) {
  do {
    Status st = Contain(&deps_.logger, "migration run", [&] { Run(org_id, migration_id); });
    // What Run did not get to (RunPlan's own failures are concluded).
    if (!st.ok()) run_leases_.Drop(migration_id, /*release=*/true);
  } while (TakeRerun(migration_id));
}

MigrationRunner::CancelResult MigrationRunner::Cancel(const std::string& migration_id,
                                                      const std::string& reason) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = active_.find(migration_id);
  if (it == active_.end()) return CancelResult::kNotHeld;
  Active& a = *it->second;
  if (a.tracker == nullptr && a.ended && !a.rerun) return CancelResult::kFinished;
  if (a.tracker == nullptr) {
    a.rerun = false;  // a retry enqueued after the run ended: it will not run
    // Not started yet: Execute sees `cancelled` under mu_ and does not run.
    a.cancelled = true;
    a.reason = reason;
    a.stop = true;
    return CancelResult::kQueued;
  }
  TimestampMs now = deps_.clock.NowMs();
  auto ended = a.tracker->Finish([&](model::Migration& m) { MarkCancelled(m, now, reason); });
  if (ended.ok() && !*ended && !a.cancelled) {
    if (!a.rerun) return CancelResult::kFinished;
    // The run ended, and a retry enqueued since is only queued: it will not run, and the
    // caller records the cancel.
    a.rerun = false;
    return CancelResult::kQueued;
  }
  a.cancelled = true;
  a.reason = reason;
  a.stop = true;  // after the final write: a worker that sees it finds the state frozen
  if (!ended.ok()) {
    deps_.logger.Warn("cannot persist a cancel; the run persists it when it stops",
                      {{"migration_id", migration_id}, {"error", ended.status().ToString()}});
  }
  return CancelResult::kRunning;
}

void MigrationRunner::WaitIdle() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_cv_.wait(lock, [this] { return active_.empty(); });
}

void MigrationRunner::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(poll_mu_);
    stopping_ = true;
  }
  poll_cv_.notify_all();
  if (poller_.joinable()) poller_.join();
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [id, a] : active_) a->stop = true;
  }
  pause_signalled_ = true;
  pool_.Shutdown();
}

Status MigrationRunner::Recover() {
  if (!options_.execute) return Status::Ok();
  FERRY_ASSIGN_OR_RETURN(auto migrations, deps_.storage.catalog().ListUnfinishedMigrations());
  for (const auto& m : migrations) {
    if (m.status == MigrationStatus::kValidating) {
      // Only a process alone on its catalog knows that no start is still validating.
      if (options_.poll.count() > 0) continue;
      // A start that never finished (the process died while validating): nothing has run
      // and no one was told it started, so it is a draft again and can be started anew.
      model::Migration draft = m;
      draft.status = MigrationStatus::kDraft;
      draft.progress.overall_status = draft.status;
      FERRY_RETURN_IF_ERROR(deps_.storage.catalog().UpdateMigration(draft));
      continue;
    }
    deps_.logger.Info("resuming migration", {{"migration_id", m.migration_id}});
    Enqueue(m.org_id, m.migration_id);
  }
  return Status::Ok();
}

void MigrationRunner::UpdateTask(const model::Migration& m, model::TaskStatus status) {
  if (!m.task_id) return;
  auto task = deps_.storage.catalog().GetTask(m.org_id, *m.task_id);
  if (!task.ok()) return;
  task->status = status;
  task->error = m.error_message;
  model::ValueObject data;
  data.Set("migration_id", m.migration_id);
  data.Set("migration_status", model::MigrationStatusName(m.status));
  data.Set("overall_progress_percent", m.progress.overall_progress_percent);
  task->additional_data = model::Value(std::move(data));
  task->updated_at = deps_.clock.NowMs();
  Status st = RetryCatalogWrite([&] { return deps_.storage.catalog().UpsertTask(*task); });
  if (!st.ok()) {
    deps_.logger.Warn("cannot update the task of a migration",
                      {{"migration_id", m.migration_id}, {"error", st.ToString()}});
  }
}

void MigrationRunner::Run(const std::string& org_id, const std::string& migration_id) {
  std::shared_ptr<Active> active = Register(migration_id);
  active->org_id = org_id;
  // Run only under the migration's run lease: another process may hold it.
  auto lease = deps_.storage.catalog().ClaimMigrationRun(
      migration_id, options_.owner, deps_.clock.NowMs(), options_.run_lease_ttl_ms);
  if (!lease.ok()) {
    const StatusCode code = lease.status().code();
    if (code != StatusCode::kUnavailable && code != StatusCode::kFailedPrecondition &&
        code != StatusCode::kNotFound) {
      deps_.logger.Warn("cannot claim a migration run",
                        {{"migration_id", migration_id}, {"error", lease.status().ToString()}});
    }
    return;
  }
  run_leases_.Hold(*lease, {[this, migration_id] { StopCancelledElsewhere(migration_id); },
                            [active] {
                              active->lost = true;
                              active->stop = true;
                            }});
  auto m = deps_.storage.catalog().GetMigration(org_id, migration_id);
  if (m.ok() &&
      (m->status == MigrationStatus::kPending || m->status == MigrationStatus::kInProgress) &&
      !active->stop) {
    Execute(org_id, std::move(m).value(), *active);
  }
  // Given up unless it was lost: a run paused for a shutdown is taken over at once by
  // another process (or by this one's next start); an ended run needs it no more.
  run_leases_.Drop(migration_id, /*release=*/!active->lost);
}

void MigrationRunner::StopCancelledElsewhere(const std::string& migration_id) {
  std::shared_ptr<Active> active;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = active_.find(migration_id);
    if (it == active_.end()) return;
    active = it->second;
  }
  std::string reason;
  if (!active->joined) {
    // Kept in the final state this run writes (MarkCancelled in Conclude).
    auto stored = deps_.storage.catalog().GetMigration(active->org_id, migration_id);
    if (stored.ok() && stored->error_message) reason = *stored->error_message;
  }
  deps_.logger.Info("migration cancelled by another process", {{"migration_id", migration_id}});
  std::lock_guard<std::mutex> lock(mu_);
  active->cancelled = true;
  if (active->reason.empty()) active->reason = reason;
  active->stop = true;
}

namespace {

// The target chosen at start (see MigrationService::Start).
std::string DataString(const model::Migration& m, const char* key) {
  const model::Value* v = m.additional_data.Get(key);
  return v != nullptr && v->is_string() ? v->as_string() : "";
}

Status RunStages(RunContext& ctx, const std::function<void(MigrationStage)>& on_stage_done) {
  using Fn = Status (*)(RunContext&);
  const std::pair<MigrationStage, Fn> stages[] = {
      {MigrationStage::kNamespaceSetup, RunNamespaceSetup},
      {MigrationStage::kBatchCreation, RunBatchCreation},
      {MigrationStage::kBatchProcessing, RunBatchProcessing},
      {MigrationStage::kClusterExecution, RunClusterExecution},
      {MigrationStage::kTaxonomyEnrichment, RunTaxonomyEnrichment},
      {MigrationStage::kBenchmarkEvaluation, RunBenchmarkEvaluation},
      {MigrationStage::kFinalization, RunFinalization},
  };
  for (const auto& [stage, fn] : stages) {
    if (ctx.cancelled) return Status::Cancelled("cancelled");
    // After a restart, stages completed earlier are skipped — except namespace_setup,
    // which is idempotent and rebuilds the run's view of the target.
    if (stage != MigrationStage::kNamespaceSetup &&
        ctx.progress.Snapshot().progress.stages[static_cast<int>(stage)].status ==
            MigrationStatus::kCompleted) {
      continue;
    }
    Status st = fn != nullptr ? fn(ctx) : ctx.progress.StageStarted(stage, 0);
    if (st.ok() && ctx.cancelled) st = Status::Cancelled("cancelled");
    if (!st.ok()) {
      MigrationStatus s = st.code() == StatusCode::kCancelled ? MigrationStatus::kCancelled
                                                              : MigrationStatus::kFailed;
      // Kept by the tracker even when this write fails: the final write carries it.
      (void)ctx.progress.StageFinished(stage, s, st.message());
      return st;
    }
    FERRY_RETURN_IF_ERROR(ctx.progress.StageFinished(stage, MigrationStatus::kCompleted));
    on_stage_done(stage);
  }
  return Status::Ok();
}

}  // namespace

void MigrationRunner::Execute(const std::string& org_id, model::Migration m, Active& active) {
  // The board serves this run's persisted states until the run ends; from then on GET
  // reads the catalog, which holds the last of them.
  struct OnBoard {
    MigrationStatusBoard& board;
    const std::string& id;
    ~OnBoard() { board.Close(id); }
  } on_board{board_, m.migration_id};
  board_.Open(m.migration_id);
  ProgressTracker tracker(deps_.storage.catalog(), deps_.clock, m, &board_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (active.cancelled) return;  // cancelled while queued: the service recorded it
    active.tracker = &tracker;
    active.ended = false;
  }
  // Until the run is concluded a cancel goes through the tracker (one final write).
  struct Detach {
    std::mutex& mu;
    Active& active;
    bool ended = false;
    ~Detach() {
      std::lock_guard<std::mutex> lock(mu);
      active.tracker = nullptr;
      active.ended = ended;  // a cancel from now on finds the run over
    }
  } detach{mu_, active};
  TimestampMs now = deps_.clock.NowMs();
  // Not written yet is not lost: the tracker keeps the state, and every later persist
  // (at the latest the final one, which is checked) writes the whole migration.
  (void)tracker.Update([&](model::Migration& mig) {
    mig.status = MigrationStatus::kInProgress;
    if (!mig.progress.started_at) mig.progress.started_at = mig.started_at.value_or(now);
  });
  UpdateTask(tracker.Snapshot(), model::TaskStatus::kInProgress);
  // A resumed run (status was in_progress before a restart) has already announced itself.
  if (m.status == MigrationStatus::kPending) {
    Notify(tracker.Snapshot(), model::WebhookEventType::kStarted);
  }
  // The run's entry point: whatever escapes the stages fails the migration, not the process.
  Status st =
      Contain(&deps_.logger, "migration", [&] { return RunPlan(org_id, m, tracker, active); });
  detach.ended = Conclude(m, tracker, st, active);
}

Result<std::unique_ptr<RunContext>> MigrationRunner::MakeContext(const std::string& org_id,
                                                                 const model::Migration& m,
                                                                 ProgressTracker& tracker,
                                                                 Active& active) {
  auto plan = validator_.Validate(org_id, m.config, MigrationValidator::Purpose::kReplan);
  if (!plan.ok()) return plan.status();
  if (!plan->result.valid) {
    return Status::FailedPrecondition("migration is no longer valid: " +
                                      plan->result.errors.front().msg);
  }
  auto ctx = std::unique_ptr<RunContext>(new RunContext{deps_,
                                                        tracker,
                                                        active.stop,
                                                        stopping_,
                                                        m.migration_id,
                                                        org_id,
                                                        m.config,
                                                        std::move(plan).value(),
                                                        DataString(m, "target_namespace_id"),
                                                        DataString(m, "target_namespace_name"),
                                                        nullptr,
                                                        nullptr,
                                                        {},
                                                        {}});
  ctx->retrievers = &retrievers_;
  ctx->lease_owner = options_.owner;
  ctx->shared = options_.poll.count() > 0;
  ctx->extraction_threads = options_.extraction_threads;
  ctx->stop_cancelled = [this, id = m.migration_id] { StopCancelledElsewhere(id); };
  FERRY_ASSIGN_OR_RETURN(ctx->source, deps_.storage.OpenNamespace(ctx->plan.source->namespace_id));
  return ctx;
}

Status MigrationRunner::RunPlan(const std::string& org_id, const model::Migration& m,
                                ProgressTracker& tracker, Active& active) {
  FERRY_ASSIGN_OR_RETURN(auto ctx, MakeContext(org_id, m, tracker, active));
  return RunStages(*ctx, [&](MigrationStage stage) {
    Notify(tracker.Snapshot(), model::WebhookEventType::kStageCompleted, stage);
  });
}

bool MigrationRunner::Conclude(const model::Migration& m, ProgressTracker& tracker,
                               const Status& st, const Active& active) {
  bool cancelled;
  std::string reason;
  {
    std::lock_guard<std::mutex> lock(mu_);
    cancelled = active.cancelled;
    reason = active.reason;
  }
  if (active.lost && !cancelled) {
    // Another process took the run over (this one stalled past its lease): it writes the
    // migration from now on.
    deps_.logger.Warn("migration run lost to another process", {{"migration_id", m.migration_id}});
    return false;
  }
  if (st.code() == StatusCode::kCancelled && stopping_ && !cancelled) {
    deps_.logger.Info("migration paused for shutdown", {{"migration_id", m.migration_id}});
    return false;  // stays in_progress; Recover resumes it
  }
  TimestampMs now = deps_.clock.NowMs();
  // A cancel ended the run already (the tracker is frozen): this only retries its write,
  // as does every attempt after the first.
  Status recorded = RetryCatalogWrite([&] {
    return tracker
        .Finish([&](model::Migration& mig) {
          if (st.ok()) {
            mig.status = MigrationStatus::kCompleted;
            mig.completed_at = now;
          } else if (st.code() == StatusCode::kCancelled || cancelled) {
            MarkCancelled(mig, now, reason);
          } else {
            mig.status = MigrationStatus::kFailed;
            mig.completed_at = now;
            mig.error_message = st.message();
          }
        })
        .status();
  });
  if (!recorded.ok()) {
    // Not finished until the catalog says so: no task update, no webhook. The run stays
    // in_progress in the catalog, and Recover resumes it (its stages done are skipped).
    deps_.logger.Error("cannot record the end of a migration; it resumes at the next start",
                       {{"migration_id", m.migration_id}, {"error", recorded.ToString()}});
    return false;
  }
  model::Migration done = tracker.Snapshot();
  UpdateTask(done, done.status == MigrationStatus::kCompleted   ? model::TaskStatus::kCompleted
                   : done.status == MigrationStatus::kCancelled ? model::TaskStatus::kCanceled
                                                                : model::TaskStatus::kFailed);
  Notify(done, done.status == MigrationStatus::kCompleted   ? model::WebhookEventType::kCompleted
               : done.status == MigrationStatus::kCancelled ? model::WebhookEventType::kCancelled
                                                            : model::WebhookEventType::kFailed);
  deps_.logger.Info("migration finished", {{"migration_id", m.migration_id},
                                           {"status", model::MigrationStatusName(done.status)}});
  return true;
}

}  // namespace ferry::migration
