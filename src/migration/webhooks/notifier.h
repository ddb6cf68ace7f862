#pragma once
// WebhookNotifier: how the migration runner reports an event. Notify only writes the
// event to the durable outbox (and wakes the dispatcher); it never touches the network,
// so a receiver that is down, slow or failing cannot slow or fail a migration.

#include <functional>
#include <optional>
#include <string>
#include <utility>

#include "common/clock.h"
#include "common/result.h"
#include "model/migration.h"
#include "model/webhook.h"
#include "storage/webhook_store.h"

namespace ferry::migration::webhooks {

class WebhookDispatcher;

// Turns a payload into the JSON body that is signed and sent (codec/ owns the format).
using PayloadSerializer = std::function<std::string(const model::WebhookPayload&)>;

class WebhookNotifier {
 public:
  // `dispatcher` may be null: events then wait for the dispatcher's next poll.
  // REQUIRES: catalog, clock and dispatcher outlive the notifier. Thread-safe.
  WebhookNotifier(storage::WebhookStore& catalog, const Clock& clock, PayloadSerializer serialize,
                  WebhookDispatcher* dispatcher = nullptr)
      : catalog_(catalog),
        clock_(clock),
        serialize_(std::move(serialize)),
        dispatcher_(dispatcher) {}

  // Sets payload.delivery_id (a new "whd_…"), payload.migration_id and payload.timestamp
  // (now), serializes it and enqueues it for `url`; returns the stored event (with its
  // sequence). The URL is checked at delivery, not here (that needs DNS). Errors come
  // only from storage; a caller running a migration should log them and carry on.
  Result<model::WebhookEvent> Notify(const std::string& org_id, const std::string& migration_id,
                                     const std::string& url, model::WebhookPayload payload);

  // Notify with BuildPayload(migration, type, stage) to migration.config.webhook_url;
  // does nothing when the migration has no webhook_url.
  Status NotifyMigration(const model::Migration& migration, model::WebhookEventType type,
                         std::optional<model::MigrationStage> stage = std::nullopt);

 private:
  storage::WebhookStore& catalog_;
  const Clock& clock_;
  const PayloadSerializer serialize_;
  WebhookDispatcher* const dispatcher_;
};

}  // namespace ferry::migration::webhooks
