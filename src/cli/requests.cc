#include "cli/requests.h"

#include "codec/json_value.h"

namespace ferry::cli {
namespace json = boost::json;
using http_client::Method;

namespace {

const char* const kMigrations = "/v1/namespaces/migrations";

std::string MigrationPath(const std::string& id, const char* tail = "") {
  return std::string(kMigrations) + "/" + PathSegment(id) + tail;
}

ApiRequest Post(std::string path, const json::object& body) {
  return ApiRequest{Method::kPost, std::move(path), codec::Serialize(body)};
}

Result<json::object> Extractor(const std::string& spec) {
  const size_t at = spec.find('@');
  const std::string name = spec.substr(0, at);
  if (name.empty()) {
    return Status::InvalidArgument("--extractor wants name@version, got \"" + spec + "\"");
  }
  json::object e{{"feature_extractor_name", name}};
  if (at != std::string::npos && at + 1 < spec.size()) e["version"] = spec.substr(at + 1);
  return e;
}

json::object& Block(json::object& config, const char* key) {
  json::value& v = config[key];
  if (!v.is_object()) v = json::object{};
  return v.as_object();
}

}  // namespace

std::string PathSegment(const std::string& s) {
  static const char* const kHex = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : s) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '.' || c == '_' || c == '~';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

Result<json::object> BuildMigrationConfig(const MigrationFlags& flags, const json::value& file) {
  json::object config;
  if (!file.is_null()) {
    if (!file.is_object()) return Status::InvalidArgument("the config file is not a JSON object");
    const json::value* inner = file.as_object().if_contains("config");
    config = inner != nullptr && inner->is_object() ? inner->as_object() : file.as_object();
  }
  if (flags.type) config["migration_type"] = *flags.type;
  if (flags.source) config["source_namespace_id"] = *flags.source;
  if (flags.target_name) config["target_namespace_name"] = *flags.target_name;
  if (!flags.extractors.empty()) {
    json::array list;
    for (const auto& spec : flags.extractors) {
      FERRY_ASSIGN_OR_RETURN(json::object e, Extractor(spec));
      list.push_back(std::move(e));
    }
    config["feature_extractors"] = std::move(list);
  }
  if (flags.batch_size) Block(config, "batch_options")["batch_size"] = *flags.batch_size;
  if (flags.workers) Block(config, "batch_options")["max_workers"] = *flags.workers;
  if (flags.dry_run) config["dry_run"] = true;
  return config;
}

ApiRequest ValidateMigration(const json::object& config) {
  return Post(std::string(kMigrations) + "/validate", json::object{{"config", config}});
}

ApiRequest CreateMigration(const json::object& config, bool start_immediately) {
  return Post(std::string(kMigrations) + "/",
              json::object{{"config", config}, {"start_immediately", start_immediately}});
}

ApiRequest StartMigration(const std::string& id, bool force) {
  return Post(MigrationPath(id, "/start"), json::object{{"force", force}});
}

ApiRequest GetMigration(const std::string& id) { return {Method::kGet, MigrationPath(id), ""}; }

ApiRequest MigrationEvents(const std::string& id) {
  return {Method::kGet, MigrationPath(id, "/events"), ""};
}

ApiRequest ListMigrations(const std::optional<std::string>& status, int64_t limit) {
  json::object body{{"limit", limit}};
  if (status) body["status"] = *status;
  return Post(std::string(kMigrations) + "/list", body);
}

ApiRequest CancelMigration(const std::string& id, const std::optional<std::string>& reason) {
  json::object body;
  if (reason) body["reason"] = *reason;
  return Post(MigrationPath(id, "/cancel"), body);
}

ApiRequest DeleteMigration(const std::string& id) {
  return {Method::kDelete, MigrationPath(id), ""};
}

ApiRequest ListFailedItems(const std::string& id, int64_t limit) {
  return {Method::kGet, MigrationPath(id, "/failed-items") + "?limit=" + std::to_string(limit), ""};
}

ApiRequest RetryMigration(const std::string& id) {
  return Post(MigrationPath(id, "/retry"), json::object{});
}

ApiRequest ListNamespaces(int64_t limit) {
  return Post("/v1/namespaces/list?limit=" + std::to_string(limit), json::object{});
}

ApiRequest GetNamespace(const std::string& id) {
  return {Method::kGet, "/v1/namespaces/" + PathSegment(id), ""};
}

ApiRequest Health() { return {Method::kGet, "/healthz", ""}; }

}  // namespace ferry::cli
