#include "codec/webhook_codec.h"

#include "codec/json_value.h"

namespace ferry::codec {

namespace json = boost::json;

namespace {
json::value OptStage(const std::optional<model::MigrationStage>& s) {
  if (!s) return nullptr;
  return json::string(model::MigrationStageName(*s));
}
}  // namespace

std::string EncodeWebhookPayload(const model::WebhookPayload& p) {
  json::object progress{{"overall_progress_percent", p.progress.overall_progress_percent},
                        {"current_stage", OptStage(p.progress.current_stage)},
                        {"items_total", p.progress.items_total},
                        {"items_completed", p.progress.items_completed},
                        {"items_failed", p.progress.items_failed}};
  json::object body{{"event", model::WebhookEventName(p.event)},
                    {"delivery_id", p.delivery_id},
                    {"migration_id", p.migration_id},
                    {"status", model::MigrationStatusName(p.status)},
                    {"stage", OptStage(p.stage)},
                    {"progress", std::move(progress)},
                    {"error_message", OptString(p.error_message)},
                    {"timestamp", Time(p.timestamp)}};
  return Serialize(body);
}

}  // namespace ferry::codec
