#pragma once
// Migration webhooks (DESIGN.md §2 "Guarantees"): the event a migration reports, and the
// outbox row that carries it to the receiver until it is delivered or given up.

#include <cstdint>
#include <optional>
#include <string>

#include "common/clock.h"
#include "model/migration.h"

namespace ferry::model {

enum class WebhookEventType {
  kStarted,
  kStageCompleted,
  kCompleted,
  kFailed,
  kCancelled,
  // Live migrations (Ferry extensions): a sync pass applied changes, a cutover swapped
  // the namespaces' names, a rollback swapped them back.
  kSynced,
  kCutover,
  kRolledBack,
};

// "migration.started", "migration.stage_completed", "migration.completed",
// "migration.failed", "migration.cancelled", "migration.synced", "migration.cutover",
// "migration.rolled_back".
inline const char* WebhookEventName(WebhookEventType type) {
  switch (type) {
    case WebhookEventType::kStarted:
      return "migration.started";
    case WebhookEventType::kStageCompleted:
      return "migration.stage_completed";
    case WebhookEventType::kCompleted:
      return "migration.completed";
    case WebhookEventType::kFailed:
      return "migration.failed";
    case WebhookEventType::kCancelled:
      return "migration.cancelled";
    case WebhookEventType::kSynced:
      return "migration.synced";
    case WebhookEventType::kCutover:
      return "migration.cutover";
    case WebhookEventType::kRolledBack:
      return "migration.rolled_back";
  }
  return "migration.unknown";
}

// The progress summary an event carries (a digest of MigrationProgress).
struct WebhookProgressSummary {
  double overall_progress_percent = 0;
  std::optional<MigrationStage> current_stage;
  int64_t items_total = 0;  // over all stages
  int64_t items_completed = 0;
  int64_t items_failed = 0;
};

// What a webhook says; codec/ turns it into the JSON body that is signed and sent:
//   {"event": "migration.stage_completed", "delivery_id": "whd_…", "migration_id": "mig_…",
//    "status": "in_progress", "stage": "batch_processing",
//    "progress": {"overall_progress_percent": 42.0, "current_stage": "batch_processing",
//                 "items_total": 100, "items_completed": 42, "items_failed": 0},
//    "error_message": null, "timestamp": "2026-11-29T03:46:25.123Z"}
struct WebhookPayload {
  WebhookEventType event = WebhookEventType::kStarted;
  std::string delivery_id;  // "whd_…", the same as X-Ferry-Delivery-Id
  std::string migration_id;
  MigrationStatus status = MigrationStatus::kDraft;
  std::optional<MigrationStage> stage;  // the completed stage (stage_completed only)
  WebhookProgressSummary progress;
  std::optional<std::string> error_message;  // migration.failed
  TimestampMs timestamp = 0;                 // when the event happened
};

// Outbox row statuses.
inline constexpr char kWebhookPending[] = "pending";
inline constexpr char kWebhookDelivered[] = "delivered";
inline constexpr char kWebhookAbandoned[] = "abandoned";

// One event in the durable outbox. Events of one migration are delivered in `sequence`
// order: a later event waits until every earlier one is delivered or abandoned.
struct WebhookEvent {
  std::string delivery_id;  // "whd_…"; the same on every retry (idempotency key)
  std::string org_id;
  std::string migration_id;
  int64_t sequence = 0;  // 1, 2, 3 … per migration; assigned by the store
  std::string event;     // WebhookEventName
  std::string url;
  std::string body;  // the exact bytes signed and sent
  int64_t attempts = 0;
  TimestampMs next_attempt_at = 0;
  std::string status = kWebhookPending;  // pending | delivered | abandoned
  std::optional<std::string> last_error;
  TimestampMs created_at = 0;
};

}  // namespace ferry::model
