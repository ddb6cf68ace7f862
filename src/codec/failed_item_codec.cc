#include "codec/failed_item_codec.h"

#include "common/clock.h"

namespace ferry::codec {

namespace json = boost::json;

json::object EncodeFailedItem(const model::MigrationFailedItem& item) {
  return json::object{{"id", item.item_id},
                      {"migration_id", item.migration_id},
                      {"resource_id", item.resource_id},
                      {"resource_type", model::ResourceTypeName(item.resource_type)},
                      {"batch_no", item.batch_no},
                      {"error", item.error},
                      {"attempts", item.attempts},
                      {"status", item.status},
                      {"created_at", FormatIso8601(item.created_at)},
                      {"updated_at", FormatIso8601(item.updated_at)}};
}

json::object EncodeListFailedItemsResponse(const std::vector<model::MigrationFailedItem>& items,
                                           int64_t total, const model::Page& page) {
  json::array results;
  for (const auto& item : items) results.push_back(EncodeFailedItem(item));
  return json::object{{"results", std::move(results)},
                      {"total", total},
                      {"limit", page.limit},
                      {"offset", page.offset}};
}

json::object EncodeRetryMigrationResponse(const model::Migration& m, int64_t items,
                                          const std::string& message) {
  json::value task = nullptr;
  if (m.task_id) task = json::value(*m.task_id);
  return json::object{{"migration_id", m.migration_id},
                      {"status", model::MigrationStatusName(m.status)},
                      {"task_id", task},
                      {"items_to_retry", items},
                      {"message", message}};
}

}  // namespace ferry::codec
