#pragma once
// Builds the payload of a migration event from the migration's current state.

#include <optional>

#include "model/migration.h"
#include "model/webhook.h"

namespace ferry::migration::webhooks {

// Overall percent and current stage, and item counts summed over all stages.
model::WebhookProgressSummary SummarizeProgress(const model::MigrationProgress& progress);

// The payload of `type` for `migration`; `stage` is the completed stage of a
// stage_completed event. delivery_id and timestamp are left for WebhookNotifier to set.
model::WebhookPayload BuildPayload(const model::Migration& migration, model::WebhookEventType type,
                                   std::optional<model::MigrationStage> stage = std::nullopt);

}  // namespace ferry::migration::webhooks
