#include "migration/webhooks/notifier.h"

#include <utility>

#include "common/ids.h"
#include "migration/webhooks/dispatcher.h"
#include "migration/webhooks/event_builder.h"

namespace ferry::migration::webhooks {

Result<model::WebhookEvent> WebhookNotifier::Notify(const std::string& org_id,
                                                    const std::string& migration_id,
                                                    const std::string& url,
                                                    model::WebhookPayload payload) {
  const TimestampMs now = clock_.NowMs();
  payload.delivery_id = NewId("whd");
  payload.migration_id = migration_id;
  payload.timestamp = now;

  model::WebhookEvent event;
  event.delivery_id = payload.delivery_id;
  event.org_id = org_id;
  event.migration_id = migration_id;
  event.event = model::WebhookEventName(payload.event);
  event.url = url;
  event.body = serialize_(payload);
  event.next_attempt_at = now;
  event.created_at = now;
  FERRY_ASSIGN_OR_RETURN(event.sequence, catalog_.EnqueueWebhook(event));
  if (dispatcher_ != nullptr) dispatcher_->Wake();
  return event;
}

Status WebhookNotifier::NotifyMigration(const model::Migration& migration,
                                        model::WebhookEventType type,
                                        std::optional<model::MigrationStage> stage) {
  if (!migration.config.webhook_url.has_value()) return Status::Ok();
  return Notify(migration.org_id, migration.migration_id, *migration.config.webhook_url,
                BuildPayload(migration, type, stage))
      .status();
}

}  // namespace ferry::migration::webhooks
