#pragma once
// The webhook outbox and per-organization signing secrets (part of CatalogStore).
// Implementations are thread-safe.

#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "model/webhook.h"

namespace ferry::storage {

class WebhookStore {
 public:
  virtual ~WebhookStore() = default;

  // Webhook outbox (migration/webhooks/). Enqueue assigns event.sequence atomically as
  // 1 + the highest sequence of (org_id, migration_id) and returns it; AlreadyExists on a
  // delivery_id already present. The other fields are stored as given (attempts, status,
  // next_attempt_at, last_error, created_at): a storage move copies events with it.
  virtual Result<int64_t> EnqueueWebhook(model::WebhookEvent event) = 0;
  // Claims the due events for `owner` until now + claim_ttl_ms and returns them, so
  // processes sharing the store never send the same event at once. Due: for each
  // migration only its lowest-sequence pending event (so a migration's events go out in
  // order), and only when its next_attempt_at <= now and no other claim on it is
  // unexpired (a claim expires at now + claim_ttl_ms of its claim). Earliest
  // next_attempt_at first, at most `limit`. Atomic: two concurrent claims never return
  // the same event.
  virtual Result<std::vector<model::WebhookEvent>> ClaimDueWebhooks(TimestampMs now, int64_t limit,
                                                                    const std::string& owner,
                                                                    int64_t claim_ttl_ms) = 0;
  // The earliest time one of those head events may be claimed (its next_attempt_at, or
  // the end of its claim when later), due or not; nullopt when nothing is pending. Tells
  // a dispatcher how long it may sleep.
  virtual Result<std::optional<TimestampMs>> NextWebhookAttemptAt() = 0;
  // Records the outcome of an event `owner` claimed: replaces attempts, next_attempt_at,
  // status and last_error of (org_id, delivery_id) and releases the claim. NotFound when
  // absent; LeaseLost, changing nothing, when `owner` no longer holds the claim (it
  // expired and was taken over, or was never taken).
  virtual Status UpdateWebhook(const model::WebhookEvent& event, const std::string& owner) = 0;
  // A migration's events in sequence order, whatever their status.
  virtual Result<std::vector<model::WebhookEvent>> ListWebhooks(
      const std::string& org_id, const std::string& migration_id) = 0;

  // Per-organization webhook signing secrets. The secret is an HMAC key, not a
  // credential: it is stored as is (it must be usable for signing), never logged, and
  // shown to the user only when created or rotated. Set replaces any previous secret.
  virtual Status SetWebhookSecret(const std::string& org_id, const std::string& secret) = 0;
  // NotFound when the organization has none.
  virtual Result<std::string> GetWebhookSecret(const std::string& org_id) = 0;
};

}  // namespace ferry::storage
