#pragma once
// ferryd's configuration: one typed struct, read from a TOML file, then FERRY_*
// environment variables, then command-line flags (later sources win).

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "extract/http/http_extractor_config.h"

namespace ferry::app {

struct Config {
  // Where catalog.db, ns/ and blobs/ live. Default "./data".
  std::string data_dir = "./data";
  // Where the data lives: "" (default) = the embedded store in data_dir (SQLite and
  // files); "postgresql://user@host:port/db" = a PostgreSQL database that several ferryd
  // processes can share (data_dir then holds only local files: the webhook secret key,
  // which every process of a cluster must share, and vector indexes). (TOML storage, env
  // FERRY_STORAGE, --storage.)
  std::string storage;
  // What this process does: "all" (default) serves the API and runs migrations; "api"
  // serves the API and runs no migration batches; "worker" runs migrations (its own
  // starts, and batches of any process's) and serves only /healthz and /metrics. Roles matter with
  // shared storage; the embedded store has one process. (TOML role, env FERRY_ROLE,
  // --role.)
  std::string role = "all";
  // Names this process in the leases it takes on shared storage (and in each migration's
  // additional_data.batch_processing_workers). Default: "local" on embedded storage, else
  // "<hostname>-<pid>-<random>". (TOML node_name, env FERRY_NODE_NAME, --node-name.)
  std::string node_name;
  // HOST:PORT to listen on. Default "127.0.0.1:8080".
  std::string listen = "127.0.0.1:8080";
  // Largest accepted request body; bigger ones get 413. Default 16 MiB.
  size_t max_body_bytes = 16 * 1024 * 1024;
  // Open client connections at most; beyond it a new connection gets 503 and is
  // closed. Default 1024. (TOML max_connections, env FERRY_MAX_CONNECTIONS,
  // --max-connections.)
  size_t max_connections = 1024;
  // Largest image, in pixels (width x height as declared by its header), that is
  // decoded; larger ones fail their item before any pixel memory is allocated.
  // Default 40 MP. (TOML max_image_pixels, env FERRY_MAX_IMAGE_PIXELS.)
  size_t max_image_pixels = 40'000'000;
  // Asio I/O threads. Default 2.
  size_t io_threads = 2;
  // Threads running handler bodies (storage access). Default 8.
  size_t handler_threads = 8;
  // Extraction workers for batches, and extraction threads of each migration run
  // (--workers). Default: the number of cores (at least 2 for batches).
  size_t workers = 0;
  // debug | info | warn | error. Default "info".
  std::string log_level = "info";
  // Deliver webhooks to loopback/private/link-local addresses too. Default false.
  // (TOML [webhooks] allow_private_targets, env FERRY_WEBHOOK_ALLOW_PRIVATE=1.)
  bool webhook_allow_private_targets = false;
  // Longest one item's extraction may take before it fails (batches and migrations).
  // Default 60 s.
  size_t item_timeout_seconds = 60;
  // GET /metrics needs a valid API key (401 otherwise). Default false: open, as
  // Prometheus exporters are. (TOML metrics_require_auth, env FERRY_METRICS_REQUIRE_AUTH.)
  bool metrics_require_auth = false;
  // Delivery attempts before a webhook is abandoned. Default 8.
  size_t webhook_max_attempts = 8;
  // Testing hook (env FERRY_CRASH_POINTS only): "name=N,…" makes the process SIGKILL
  // itself the N-th time it reaches a named crash point (common/crash_points.h).
  // Default "" (none).
  std::string crash_points;
  // The web dashboard's files, served at /ui/. Default "": the `ui` folder beside the
  // ferryd binary, else ../share/ferry/ui from it (where `cmake --install` puts it).
  // (TOML ui_dir, env FERRY_UI_DIR.)
  std::string ui_dir;
  // Change-log entries (issue 13 §2) younger than this are kept even when no migration
  // needs them; older ones are trimmed once none does. Default 86400 (a day); 0 trims as
  // soon as no migration needs them. (TOML change_log_retention_seconds, env
  // FERRY_CHANGE_LOG_RETENTION_SECONDS, --change-log-retention-seconds.)
  size_t change_log_retention_seconds = 86400;
  // Time between two passes of the change-log trimmer. Default 60000 (a minute); 10 at
  // least. (TOML change_log_trim_interval_ms, env FERRY_CHANGE_LOG_TRIM_INTERVAL_MS,
  // --change-log-trim-interval-ms.)
  size_t change_log_trim_interval_ms = 60000;
  // HTTP embedding extractors ([[extractors.http]] tables; TOML only). See README.
  std::vector<extract::http::HttpExtractorConfig> http_extractors;

  // Checks ranges and formats; InvalidArgument naming the field.
  Status Validate() const;
  bool serves_api() const { return role != "worker"; }
  bool runs_work() const { return role != "api"; }
  // Splits `listen` into host and port. REQUIRES: Validate().ok().
  std::string host() const;
  uint16_t port() const;
};

// Applies a TOML file: keys data_dir, storage, role, node_name, listen, max_body_bytes, io_threads,
// handler_threads, workers, log_level, max_connections, max_image_pixels, ui_dir,
// change_log_retention_seconds, change_log_trim_interval_ms (top level or
// under a table such as [server]).
Status ApplyTomlFile(const std::string& path, Config* config);
// The same, for TOML text already in memory (the config fuzzer feeds it).
Status ApplyTomlString(std::string_view text, Config* config);
// Applies FERRY_DATA_DIR, FERRY_STORAGE, FERRY_LISTEN, FERRY_MAX_BODY_BYTES, FERRY_IO_THREADS,
// FERRY_HANDLER_THREADS, FERRY_WORKERS, FERRY_LOG_LEVEL, FERRY_WEBHOOK_ALLOW_PRIVATE,
// FERRY_WEBHOOK_MAX_ATTEMPTS, FERRY_MAX_CONNECTIONS, FERRY_MAX_IMAGE_PIXELS, FERRY_UI_DIR,
// FERRY_METRICS_REQUIRE_AUTH, FERRY_CHANGE_LOG_RETENTION_SECONDS,
// FERRY_CHANGE_LOG_TRIM_INTERVAL_MS from `env`.
Status ApplyEnvironment(const std::map<std::string, std::string>& env, Config* config);
// The process environment's FERRY_* variables.
std::map<std::string, std::string> FerryEnvironment();
// The dashboard's directory: `configured` when set, else `ui` beside the running binary
// when it exists, else ../share/ferry/ui from the binary (which may not exist: /ui/ then
// answers 404).
std::string ResolveUiDir(const std::string& configured);

}  // namespace ferry::app
