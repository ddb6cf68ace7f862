#include "app/config.h"

#include <toml++/toml.h>

#include <charconv>
#include <filesystem>
#include <thread>

#include "app/extractor_config.h"
#include "common/crash_points.h"

extern char** environ;

namespace ferry::app {

namespace {

Status ParseSize(const std::string& name, const std::string& text, size_t* out) {
  size_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    return Status::InvalidArgument(name + " must be a non-negative integer, got '" + text + "'");
  }
  *out = v;
  return Status::Ok();
}

Status ParseBool(const std::string& name, const std::string& text, bool* out) {
  if (text != "true" && text != "false" && text != "1" && text != "0") {
    return Status::InvalidArgument(name + " must be true or false");
  }
  *out = text == "true" || text == "1";
  return Status::Ok();
}

Status ApplyKey(const std::string& key, const std::string& value, Config* c) {
  if (key == "data_dir") {
    c->data_dir = value;
  } else if (key == "storage") {
    c->storage = value;
  } else if (key == "role") {
    c->role = value;
  } else if (key == "node_name") {
    c->node_name = value;
  } else if (key == "listen") {
    c->listen = value;
  } else if (key == "max_body_bytes") {
    return ParseSize(key, value, &c->max_body_bytes);
  } else if (key == "max_connections") {
    return ParseSize(key, value, &c->max_connections);
  } else if (key == "max_image_pixels") {
    return ParseSize(key, value, &c->max_image_pixels);
  } else if (key == "io_threads") {
    return ParseSize(key, value, &c->io_threads);
  } else if (key == "handler_threads") {
    return ParseSize(key, value, &c->handler_threads);
  } else if (key == "workers") {
    return ParseSize(key, value, &c->workers);
  } else if (key == "log_level") {
    c->log_level = value;
  } else if (key == "allow_private_targets") {
    if (value != "true" && value != "false" && value != "1" && value != "0") {
      return Status::InvalidArgument("allow_private_targets must be true or false");
    }
    c->webhook_allow_private_targets = value == "true" || value == "1";
  } else if (key == "metrics_require_auth") {
    return ParseBool(key, value, &c->metrics_require_auth);
  } else if (key == "item_timeout_seconds") {
    return ParseSize(key, value, &c->item_timeout_seconds);
  } else if (key == "max_attempts") {
    return ParseSize(key, value, &c->webhook_max_attempts);
  } else if (key == "change_log_retention_seconds") {
    return ParseSize(key, value, &c->change_log_retention_seconds);
  } else if (key == "change_log_trim_interval_ms") {
    return ParseSize(key, value, &c->change_log_trim_interval_ms);
  } else if (key == "ui_dir") {
    c->ui_dir = value;
  } else if (key == "crash_points") {
    c->crash_points = value;
  } else {
    return Status::InvalidArgument("unknown configuration key '" + key + "'");
  }
  return Status::Ok();
}

Status ApplyTable(const toml::table& table, Config* config) {
  for (const auto& [k, node] : table) {
    std::string key(k.str());
    if (key == "extractors") {
      FERRY_RETURN_IF_ERROR(ApplyExtractorsTable(node, config));
      continue;
    }
    if (const auto* sub = node.as_table()) {
      FERRY_RETURN_IF_ERROR(ApplyTable(*sub, config));
      continue;
    }
    std::string value;
    if (auto s = node.value<std::string>()) {
      value = *s;
    } else if (auto b = node.value<bool>(); b && node.is_boolean()) {
      value = *b ? "true" : "false";
    } else if (auto i = node.is_integer() ? node.value<int64_t>() : std::nullopt) {
      // Integers only: toml++ converts a float such as 2e33 to int64 with undefined
      // behaviour (found by fuzz/toml_config_fuzzer).
      if (*i < 0) return Status::InvalidArgument(key + " must not be negative");
      value = std::to_string(*i);
    } else {
      return Status::InvalidArgument("configuration key '" + key + "' has an unsupported type");
    }
    FERRY_RETURN_IF_ERROR(ApplyKey(key, value, config));
  }
  return Status::Ok();
}

}  // namespace

Status Config::Validate() const {
  if (data_dir.empty()) return Status::InvalidArgument("data_dir must not be empty");
  if (!storage.empty() && storage.rfind("postgresql://", 0) != 0 &&
      storage.rfind("postgres://", 0) != 0) {
    // The value may hold a password: never echo it.
    return Status::InvalidArgument(
        "storage must be empty (embedded) or a postgresql://user@host:port/db URL");
  }
  if (role != "all" && role != "api" && role != "worker") {
    return Status::InvalidArgument("role must be all, api or worker, got '" + role + "'");
  }
  if (role != "all" && storage.empty()) {
    return Status::InvalidArgument(
        "role " + role +
        " needs shared storage (--storage postgresql://…): on the embedded "
        "store one process does everything");
  }
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return Status::InvalidArgument("listen must be HOST:PORT, got '" + listen + "'");
  }
  std::string port_text = listen.substr(colon + 1);
  unsigned port = 0;
  auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || ptr != port_text.data() + port_text.size() || port > 65535) {
    return Status::InvalidArgument("listen port must be 0-65535, got '" + port_text + "'");
  }
  if (max_body_bytes < 1024) return Status::InvalidArgument("max_body_bytes must be >= 1024");
  if (max_connections < 1 || max_connections > 1'000'000) {
    return Status::InvalidArgument("max_connections must be 1-1000000");
  }
  if (max_image_pixels < 1 || max_image_pixels > 1'000'000'000) {
    return Status::InvalidArgument("max_image_pixels must be 1-1000000000");
  }
  if (io_threads < 1 || io_threads > 64) return Status::InvalidArgument("io_threads must be 1-64");
  if (handler_threads < 1 || handler_threads > 256) {
    return Status::InvalidArgument("handler_threads must be 1-256");
  }
  if (workers > 256) return Status::InvalidArgument("workers must be 0-256 (0 = all cores)");
  if (!CrashPoints::Parse(crash_points).ok()) {
    return Status::InvalidArgument("crash_points must be name=N[,name=N...] with N >= 1");
  }
  if (item_timeout_seconds < 1 || item_timeout_seconds > 86400) {
    return Status::InvalidArgument("item_timeout_seconds must be 1-86400");
  }
  if (webhook_max_attempts < 1 || webhook_max_attempts > 100) {
    return Status::InvalidArgument("webhooks max_attempts must be 1-100");
  }
  if (change_log_retention_seconds > 315'360'000) {
    return Status::InvalidArgument("change_log_retention_seconds must be 0-315360000");
  }
  if (change_log_trim_interval_ms < 10 || change_log_trim_interval_ms > 86'400'000) {
    return Status::InvalidArgument("change_log_trim_interval_ms must be 10-86400000");
  }
  if (log_level != "debug" && log_level != "info" && log_level != "warn" && log_level != "error") {
    return Status::InvalidArgument("log_level must be debug, info, warn or error");
  }
  return ValidateHttpExtractors(*this);
}

std::string Config::host() const { return listen.substr(0, listen.rfind(':')); }

uint16_t Config::port() const {
  return static_cast<uint16_t>(std::stoi(listen.substr(listen.rfind(':') + 1)));
}

namespace {
// toml++ is built with exceptions here; they stop at this edge. `source` names the input
// in the message.
template <typename Parse>
Status ApplyParsedToml(const Parse& parse, const std::string& source, Config* config) {
  try {
    toml::table table = parse();
    return ApplyTable(table, config);
  } catch (const toml::parse_error& e) {
    return Status::InvalidArgument("cannot read config " + source + ": " +
                                   std::string(e.description()));
  }
}
}  // namespace

Status ApplyTomlFile(const std::string& path, Config* config) {
  return ApplyParsedToml([&] { return toml::parse_file(path); }, path, config);
}

Status ApplyTomlString(std::string_view text, Config* config) {
  return ApplyParsedToml([&] { return toml::parse(text); }, "text", config);
}

Status ApplyEnvironment(const std::map<std::string, std::string>& env, Config* config) {
  static const std::pair<const char*, const char*> kVars[] = {
      {"FERRY_DATA_DIR", "data_dir"},
      {"FERRY_LISTEN", "listen"},
      {"FERRY_STORAGE", "storage"},
      {"FERRY_ROLE", "role"},
      {"FERRY_NODE_NAME", "node_name"},
      {"FERRY_MAX_BODY_BYTES", "max_body_bytes"},
      {"FERRY_IO_THREADS", "io_threads"},
      {"FERRY_HANDLER_THREADS", "handler_threads"},
      {"FERRY_WORKERS", "workers"},
      {"FERRY_LOG_LEVEL", "log_level"},
      {"FERRY_WEBHOOK_ALLOW_PRIVATE", "allow_private_targets"},
      {"FERRY_WEBHOOK_MAX_ATTEMPTS", "max_attempts"},
      {"FERRY_ITEM_TIMEOUT_SECONDS", "item_timeout_seconds"},
      {"FERRY_CRASH_POINTS", "crash_points"},
      {"FERRY_MAX_CONNECTIONS", "max_connections"},
      {"FERRY_MAX_IMAGE_PIXELS", "max_image_pixels"},
      {"FERRY_UI_DIR", "ui_dir"},
      {"FERRY_METRICS_REQUIRE_AUTH", "metrics_require_auth"},
      {"FERRY_CHANGE_LOG_RETENTION_SECONDS", "change_log_retention_seconds"},
      {"FERRY_CHANGE_LOG_TRIM_INTERVAL_MS", "change_log_trim_interval_ms"},
  };
  for (const auto& [var, key] : kVars) {
    auto it = env.find(var);
    if (it != env.end()) FERRY_RETURN_IF_ERROR(ApplyKey(key, it->second, config));
  }
  return Status::Ok();
}

std::map<std::string, std::string> FerryEnvironment() {
  std::map<std::string, std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry(*e);
    if (entry.rfind("FERRY_", 0) != 0) continue;
    size_t eq = entry.find('=');
    if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  return env;
}

std::string ResolveUiDir(const std::string& configured) {
  if (!configured.empty()) return configured;
  std::error_code ec;
  auto exe_dir = std::filesystem::read_symlink("/proc/self/exe", ec).parent_path();
  if (ec) return "ui";
  auto beside = exe_dir / "ui";
  if (std::filesystem::is_directory(beside, ec)) return beside.string();
  return (exe_dir.parent_path() / "share" / "ferry" / "ui").string();
}

}  // namespace ferry::app
