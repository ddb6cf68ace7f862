// MigrationService: failed items and retry.

#include "migration/change_log_retention.h"
#include "migration/failed_items.h"
#include "migration/live_state.h"
#include "migration/migration_service.h"
#include "migration/progress_tracker.h"
#include "migration/validator.h"

namespace ferry::migration {

using model::MigrationStage;
using model::MigrationStatus;

namespace {

// Returns the progress of `m` to the state a retry run starts from: stages before
// batch_processing keep their completion (unless they failed), later ones are pending.
void ResetForRetry(model::Migration& m, TimestampMs now) {
  auto& p = m.progress;
  for (auto& s : p.stages) {
    if (s.stage < MigrationStage::kBatchProcessing && s.status == MigrationStatus::kCompleted) {
      continue;
    }
    MigrationStage stage = s.stage;
    s = model::StageProgress{};
    s.stage = stage;
    s.status = MigrationStatus::kPending;
  }
  for (auto& r : p.resources) {
    if (r.status != MigrationStatus::kCompleted || r.error_message) {
      r.status = MigrationStatus::kPending;
    }
  }
  p.overall_progress_percent = 0;  // a new run; recomputed from the stages
  p.current_stage.reset();
  p.estimated_completion.reset();
  p.started_at = now;
  m.status = MigrationStatus::kPending;
  p.overall_status = m.status;
  m.completed_at.reset();
  m.error_message.reset();
  model::ValueObject data =
      m.additional_data.is_object() ? m.additional_data.as_object() : model::ValueObject{};
  const model::Value* count = data.Find("retry_count");
  data.Set("retry_count", (count != nullptr && count->is_int() ? count->as_int() : 0) + 1);
  m.additional_data = model::Value(std::move(data));
}

// A run that failed before namespace_setup created its target released its claim when
// it ended, and the id may have been claimed (or created) since: claim it again before
// the retry writes anything. A target that exists in `m`'s organization protects itself.
Status ReclaimTarget(storage::CatalogStore& catalog, const model::Migration& m) {
  if (!m.config.target_namespace_id || !m.config.target_namespace_name) return Status::Ok();
  const std::string& id = *m.config.target_namespace_id;
  auto target = catalog.GetNamespace(m.org_id, id);
  if (target.ok() || target.status().code() != StatusCode::kNotFound) return target.status();
  Status st =
      catalog.ClaimMigrationTarget(m.org_id, m.migration_id, id, *m.config.target_namespace_name);
  if (st.code() != StatusCode::kAlreadyExists) return st;
  std::string why = st.message() == "target_namespace_id"
                        ? TargetIdUnavailable(id)
                        : "namespace name '" + *m.config.target_namespace_name + "' is taken";
  return Status::FailedPrecondition("cannot retry: " + why + " any more");
}

}  // namespace

Result<model::ListResult<model::MigrationFailedItem>> MigrationService::ListFailedItems(
    const service::Caller& caller, const std::string& id, const std::string& status,
    const model::Page& page) const {
  FERRY_ASSIGN_OR_RETURN(model::Migration m, Get(caller, id));
  auto& catalog = deps_.storage.catalog();
  model::ListResult<model::MigrationFailedItem> out;
  FERRY_ASSIGN_OR_RETURN(out.items, catalog.ListMigrationFailedItems(m.migration_id, status, page));
  FERRY_ASSIGN_OR_RETURN(out.total,
                         catalog.CountMigrationFailedItems(m.migration_id, status, std::nullopt));
  return out;
}

Result<model::Migration> MigrationService::Retry(const service::Caller& caller,
                                                 const std::string& id) {
  FERRY_ASSIGN_OR_RETURN(model::Migration m, Get(caller, id));
  if (m.status != MigrationStatus::kCompleted && m.status != MigrationStatus::kFailed) {
    return Status::FailedPrecondition("cannot retry a migration in status " +
                                      std::string(model::MigrationStatusName(m.status)) +
                                      "; only a completed or failed migration can be retried");
  }
  if (m.config.dry_run) {
    return Status::FailedPrecondition("a dry run wrote nothing; there is nothing to retry");
  }
  // A retry copies from the source: over a live target's client writes after a cutover,
  // or beside a sync that applies the source's changes.
  const LiveState live = ReadLiveState(m);
  if (live.cutover_at && !live.rolled_back_at) {
    return Status::FailedPrecondition("migration " + id +
                                      " was cut over; its target is live and is not retried");
  }
  if (live.following || !live.operation.empty()) {
    return Status::FailedPrecondition("migration " + id +
                                      " is being synced; stop its sync before a retry");
  }
  // The retried run tells client writes made since the start from copy errors by the
  // source's change log (a failed migration holds none of it).
  if (m.additional_data.GetPath("live.source_seq_at_start") != nullptr) {
    FERRY_ASSIGN_OR_RETURN(auto source, deps_.storage.OpenNamespace(m.config.source_namespace_id));
    FERRY_RETURN_IF_ERROR(CheckLogKeptAfter(*source, live.source_seq_at_start, "the source"));
  }
  auto& catalog = deps_.storage.catalog();
  FERRY_ASSIGN_OR_RETURN(int64_t failed,
                         catalog.CountMigrationFailedItems(m.migration_id, "failed", std::nullopt));
  if (failed == 0 && m.status == MigrationStatus::kCompleted) {
    return Status::FailedPrecondition("migration " + id +
                                      " has no failed items; there is nothing to retry");
  }
  FERRY_RETURN_IF_ERROR(ReclaimTarget(catalog, m));
  FERRY_ASSIGN_OR_RETURN(auto plan, PlanRetryBatches(catalog, m));
  const model::Migration read = m;
  TimestampMs now = deps_.clock.NowMs();
  ResetForRetry(m, now);
  // Pending and planned in one transaction, and only from the state read above: no run
  // (here or in another process polling the catalog) sees it pending before its plan, and
  // of two concurrent retries one is refused.
  Status reopened = catalog.UpdateMigrationIf(m, read, plan);
  if (reopened.code() == StatusCode::kFailedPrecondition ||
      reopened.code() == StatusCode::kAlreadyExists) {
    return Status::FailedPrecondition("migration " + id +
                                      " changed meanwhile (retried or cancelled); not retried");
  }
  FERRY_RETURN_IF_ERROR(reopened);
  if (m.task_id) {
    auto task = catalog.GetTask(caller.org_id, *m.task_id);
    if (task.ok()) {
      task->status = model::TaskStatus::kPending;
      task->error.reset();
      task->updated_at = now;
      FERRY_RETURN_IF_ERROR(catalog.UpsertTask(*task));
    }
  }
  if (!runner_.Enqueue(caller.org_id, m.migration_id)) {
    return Status::Unavailable("server is shutting down; the retry runs on the next start");
  }
  return m;
}

}  // namespace ferry::migration
