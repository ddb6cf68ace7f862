#include "app/extractor_config.h"

#include <cstdlib>
#include <set>

#include "extract/http/http_extractor.h"

namespace ferry::app {
namespace {

using extract::http::HttpExtractorConfig;

Status TypeError(const std::string& where, const char* type) {
  return Status::InvalidArgument(where + " must be " + type);
}

Status ReadString(const toml::node& n, const std::string& where, std::string* out) {
  auto v = n.value<std::string>();
  if (!n.is_string() || !v) return TypeError(where, "a string");
  *out = *v;
  return Status::Ok();
}

Status ReadInt(const toml::node& n, const std::string& where, int64_t* out) {
  if (!n.is_integer()) return TypeError(where, "an integer");
  *out = *n.value<int64_t>();
  return Status::Ok();
}

Status ReadHttpKey(const std::string& key, const toml::node& n, const std::string& where,
                   HttpExtractorConfig* c) {
  const std::pair<const char*, std::string*> strings[] = {{"name", &c->name},
                                                          {"version", &c->version},
                                                          {"description", &c->description},
                                                          {"base_url", &c->base_url},
                                                          {"model", &c->model},
                                                          {"api_key_env", &c->api_key_env},
                                                          {"api_key_file", &c->api_key_file}};
  for (const auto& [k, field] : strings) {
    if (key == k) return ReadString(n, where, field);
  }
  const std::pair<const char*, int64_t*> ints[] = {
      {"dimensions", &c->dimensions},
      {"batch_size", &c->batch_size},
      {"timeout_seconds", &c->timeout_seconds},
      {"connect_timeout_seconds", &c->connect_timeout_seconds},
      {"max_retries", &c->max_retries},
      {"backoff_initial_ms", &c->backoff_initial_ms},
      {"backoff_max_ms", &c->backoff_max_ms}};
  for (const auto& [k, field] : ints) {
    if (key == k) return ReadInt(n, where, field);
  }
  if (key == "send_dimensions") {
    if (!n.is_boolean()) return TypeError(where, "true or false");
    c->send_dimensions = *n.value<bool>();
    return Status::Ok();
  }
  if (key == "api_key") {
    return Status::InvalidArgument(where +
                                   " is not accepted: give the key by reference with "
                                   "api_key_env (a variable's name) or api_key_file (a path)");
  }
  return Status::InvalidArgument("unknown configuration key '" + where + "'");
}

Status ReadHttpEntries(const toml::node& node, Config* config) {
  const toml::array* entries = node.as_array();
  if (entries == nullptr) {
    return Status::InvalidArgument(
        "extractors.http must be an array of tables ([[extractors.http]])");
  }
  for (size_t i = 0; i < entries->size(); ++i) {
    const std::string prefix = "extractors.http[" + std::to_string(i) + "]";
    const toml::table* t = (*entries)[i].as_table();
    if (t == nullptr) return Status::InvalidArgument(prefix + " must be a table");
    HttpExtractorConfig c;
    for (const auto& [k, n] : *t) {
      std::string key(k.str());
      FERRY_RETURN_IF_ERROR(ReadHttpKey(key, n, prefix + "." + key, &c));
    }
    config->http_extractors.push_back(std::move(c));
  }
  return Status::Ok();
}

}  // namespace

Status ApplyExtractorsTable(const toml::node& node, Config* config) {
  const toml::table* table = node.as_table();
  if (table == nullptr) return Status::InvalidArgument("extractors must be a table");
  for (const auto& [k, n] : *table) {
    std::string key(k.str());
    if (key != "http") {
      return Status::InvalidArgument("unknown configuration key 'extractors." + key + "'");
    }
    FERRY_RETURN_IF_ERROR(ReadHttpEntries(n, config));
  }
  return Status::Ok();
}

Status ValidateHttpExtractors(const Config& config) {
  std::set<std::string> seen;
  for (size_t i = 0; i < config.http_extractors.size(); ++i) {
    const auto& c = config.http_extractors[i];
    const std::string prefix = "extractors.http[" + std::to_string(i) + "]";
    if (Status st = c.Validate(); !st.ok()) {
      return Status::InvalidArgument(prefix + ": " + st.message());
    }
    if (!seen.insert(c.name + "@" + c.version).second) {
      return Status::InvalidArgument(prefix + ": " + c.name + "@" + c.version +
                                     " is declared twice");
    }
  }
  return Status::Ok();
}

Status RegisterHttpExtractors(const Config& config, extract::ExtractorRegistry& registry,
                              const Logger& logger) {
  auto transport = std::make_shared<extract::http::CurlTransport>();
  for (const auto& c : config.http_extractors) {
    const std::string id = c.name + "@" + c.version;
    if (registry.Find(c.name, c.version) != nullptr) {
      return Status::InvalidArgument("extractors.http: " + id + " is a built-in extractor");
    }
    auto key = extract::http::ResolveApiKey(c, [](const char* n) { return std::getenv(n); });
    if (!key.ok())
      return Status(key.status().code(), "extractors.http " + id + ": " + key.status().message());
    registry.Register(std::make_unique<extract::http::HttpEmbeddingExtractor>(
        c, std::move(key).value(), transport));
    logger.Info("HTTP extractor registered",
                {{"extractor", id},
                 {"base_url", c.base_url},
                 {"model", c.model},
                 {"api_key", c.api_key_env.empty() && c.api_key_file.empty() ? "none"
                             : !c.api_key_env.empty() ? "from env " + c.api_key_env
                                                      : "from file " + c.api_key_file}});
  }
  return Status::Ok();
}

}  // namespace ferry::app
