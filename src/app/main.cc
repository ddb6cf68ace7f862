// ferryd: the Ferry server.
//   ferryd [--config FILE] [--data-dir DIR] [--listen HOST:PORT] [--workers N] …
//   ferryd keys create --data-dir DIR --org NAME
//   ferryd move-storage --data-dir DIR --to postgresql://user@host:port/db

#include <CLI/CLI.hpp>
#include <iostream>
#include <optional>
#include <string>

#include "app/config.h"
#include "app/daemon.h"
#include "app/move_storage.h"
#ifdef FERRY_TESTING_BUILD
#include "extract/testing/fault_extractor.h"
#endif

namespace {

int Fail(const ferry::Status& st) {
  std::cerr << "ferryd: " << st.ToString() << std::endl;
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli{"ferryd: self-hosted multimodal data server with namespace migrations"};
  std::string config_file;
  std::string data_dir;
  std::string listen;
  std::string storage;
  std::string role;
  std::string node_name;
  std::optional<size_t> workers;
  std::optional<size_t> max_body_bytes;
  std::optional<size_t> max_connections;
  std::string log_level;
  std::optional<size_t> change_log_retention_seconds;
  std::optional<size_t> change_log_trim_interval_ms;
  cli.add_option("--config", config_file, "TOML configuration file");
  cli.add_option("--data-dir", data_dir, "data directory (default ./data)");
  cli.add_option("--storage", storage,
                 "postgresql://user@host:port/db to share a PostgreSQL database "
                 "(default: embedded storage in the data directory)");
  cli.add_option("--role", role,
                 "all (default): API and migrations; api: API only; worker: migrations and "
                 "/healthz and /metrics only (roles other than all need --storage)");
  cli.add_option("--node-name", node_name,
                 "this process's name in leases on shared storage (default host-pid-random)");
  cli.add_option("--listen", listen, "HOST:PORT to listen on (default 127.0.0.1:8080)");
  cli.add_option("--workers", workers, "extraction workers (default: all cores)");
  cli.add_option("--max-body-bytes", max_body_bytes, "largest request body (default 16 MiB)");
  cli.add_option("--max-connections", max_connections,
                 "open connections at most; more get 503 (default 1024)");
  cli.add_option("--log-level", log_level, "debug|info|warn|error");
  cli.add_option("--change-log-retention-seconds", change_log_retention_seconds,
                 "keep change-log entries at least this long (default 86400)");
  cli.add_option("--change-log-trim-interval-ms", change_log_trim_interval_ms,
                 "time between two change-log trims (default 60000)");

  auto* keys = cli.add_subcommand("keys", "manage API keys");
  auto* create = keys->add_subcommand("create", "create an API key (and its organization)");
  std::string key_data_dir = "./data";
  std::string org;
  std::string key_storage;
  create->add_option("--data-dir", key_data_dir, "data directory")->capture_default_str();
  create->add_option("--storage", key_storage, "postgresql://… (default: embedded storage)");
  create->add_option("--org", org, "organization name")->required();
  keys->require_subcommand(1);

  auto* move = cli.add_subcommand(
      "move-storage", "copy an embedded data directory into an empty PostgreSQL database");
  std::string move_data_dir;
  std::string move_to;
  move->add_option("--data-dir", move_data_dir, "the embedded data directory to copy")->required();
  move->add_option("--to", move_to, "postgresql://user@host:port/db (empty)")->required();
  CLI11_PARSE(cli, argc, argv);

  if (*move) {
    ferry::Status st = ferry::app::MoveStorageCommand(move_data_dir, move_to, std::cout);
    return st.ok() ? 0 : Fail(st);
  }

  if (*create) {
    ferry::app::Config key_config;
    key_config.data_dir = key_data_dir;
    key_config.storage = key_storage;
    if (auto st = key_config.Validate(); !st.ok()) return Fail(st);
    ferry::Status st = ferry::app::CreateKeyCommand(key_config, org);
    return st.ok() ? 0 : Fail(st);
  }

  ferry::app::Config config;
  if (config_file.empty()) {
    auto env = ferry::app::FerryEnvironment();
    if (auto it = env.find("FERRY_CONFIG"); it != env.end()) config_file = it->second;
  }
  if (!config_file.empty()) {
    if (auto st = ferry::app::ApplyTomlFile(config_file, &config); !st.ok()) return Fail(st);
  }
  if (auto st = ferry::app::ApplyEnvironment(ferry::app::FerryEnvironment(), &config); !st.ok()) {
    return Fail(st);
  }
  if (!data_dir.empty()) config.data_dir = data_dir;
  if (!listen.empty()) config.listen = listen;
  if (!storage.empty()) config.storage = storage;
  if (!role.empty()) config.role = role;
  if (!node_name.empty()) config.node_name = node_name;
  if (workers) config.workers = *workers;
  if (max_body_bytes) config.max_body_bytes = *max_body_bytes;
  if (max_connections) config.max_connections = *max_connections;
  if (!log_level.empty()) config.log_level = log_level;
  if (change_log_retention_seconds) {
    config.change_log_retention_seconds = *change_log_retention_seconds;
  }
  if (change_log_trim_interval_ms)
    config.change_log_trim_interval_ms = *change_log_trim_interval_ms;
  if (auto st = config.Validate(); !st.ok()) return Fail(st);

  ferry::app::BlockSignals();
#ifdef FERRY_TESTING_BUILD
  // ferryd_testing: the same server with test-only extractors (src/extract/testing/).
  ferry::Status st = ferry::app::RunDaemon(config, ferry::extract::testing::RegisterTestExtractors);
#else
  ferry::Status st = ferry::app::RunDaemon(config);
#endif
  return st.ok() ? 0 : Fail(st);
}
