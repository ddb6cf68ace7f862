#include "migration/webhooks/event_builder.h"

namespace ferry::migration::webhooks {

model::WebhookProgressSummary SummarizeProgress(const model::MigrationProgress& progress) {
  model::WebhookProgressSummary summary;
  summary.overall_progress_percent = progress.overall_progress_percent;
  summary.current_stage = progress.current_stage;
  for (const model::StageProgress& stage : progress.stages) {
    summary.items_total += stage.items_total;
    summary.items_completed += stage.items_completed;
    summary.items_failed += stage.items_failed;
  }
  return summary;
}

model::WebhookPayload BuildPayload(const model::Migration& migration, model::WebhookEventType type,
                                   std::optional<model::MigrationStage> stage) {
  model::WebhookPayload payload;
  payload.event = type;
  payload.migration_id = migration.migration_id;
  payload.status = migration.status;
  payload.stage = stage;
  payload.progress = SummarizeProgress(migration.progress);
  if (type == model::WebhookEventType::kFailed) payload.error_message = migration.error_message;
  return payload;
}

}  // namespace ferry::migration::webhooks
