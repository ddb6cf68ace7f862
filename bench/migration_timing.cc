#include "migration_timing.h"

#include <chrono>

#include "process_memory.h"

namespace ferry::bench {
namespace {

// Objects and documents of the target namespace named in the migration's result.
Status CountTarget(const service::ServiceDeps& deps, const model::Migration& m, MigrationRun* run) {
  const model::Value* target = m.additional_data.Get("target_namespace_id");
  if (target == nullptr || !target->is_string()) {
    return Status::Internal("migration has no target_namespace_id");
  }
  run->target_namespace_id = target->as_string();
  FERRY_ASSIGN_OR_RETURN(auto store, deps.storage.OpenNamespace(target->as_string()));
  FERRY_ASSIGN_OR_RETURN(run->target_objects, store->CountAllObjects());
  FERRY_ASSIGN_OR_RETURN(run->target_documents, store->CountAllDocuments());
  return Status::Ok();
}

}  // namespace

Result<MigrationRun> RunMigration(const service::ServiceDeps& deps,
                                  migration::MigrationService& migrations,
                                  migration::MigrationRunner& runner, const service::Caller& caller,
                                  const model::MigrationConfig& config) {
  std::string message;
  FERRY_ASSIGN_OR_RETURN(model::Migration draft,
                         migrations.Create(caller, config, /*start_immediately=*/false, &message));
  MigrationRun run;
  run.migration_id = draft.migration_id;
  const bool reset = ResetHighWaterRss();
  run.rss_before_kib = CurrentRssKib().value_or(0);
  const auto start = std::chrono::steady_clock::now();
  FERRY_RETURN_IF_ERROR(migrations.Start(caller, draft.migration_id, /*force=*/true).status());
  runner.WaitIdle();
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (reset) run.phase_peak_rss_kib = HighWaterRssKib();

  FERRY_ASSIGN_OR_RETURN(model::Migration done, migrations.Get(caller, draft.migration_id));
  if (done.status != model::MigrationStatus::kCompleted) {
    std::string error = "migration ";
    return Status::Internal(error.append(done.migration_id)
                                .append(" ended ")
                                .append(model::MigrationStatusName(done.status))
                                .append(": ")
                                .append(done.error_message.value_or("no error message")));
  }
  const auto& processing =
      done.progress.stages[static_cast<int>(model::MigrationStage::kBatchProcessing)];
  run.items_completed = processing.items_completed;
  for (const auto& stage : done.progress.stages) {
    double secs = stage.started_at && stage.completed_at
                      ? static_cast<double>(*stage.completed_at - *stage.started_at) / 1000.0
                      : 0;
    run.stage_seconds.emplace_back(model::MigrationStageName(stage.stage), secs);
  }
  run.items_failed = processing.items_failed;
  FERRY_RETURN_IF_ERROR(CountTarget(deps, done, &run));
  return run;
}

}  // namespace ferry::bench
