#pragma once
// Pure mapping from the CLI's arguments to API requests (method, path, JSON body): no I/O,
// unit-tested in requests_test.cc.

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "http_client/http_client.h"

namespace ferry::cli {

struct ApiRequest {
  http_client::Method method = http_client::Method::kGet;
  std::string path;  // from the server's root, with any query string
  std::string body;  // JSON for POST; empty otherwise
};

// The common fields of a migration config given as flags; each one set overrides the
// same field of the config file (-f).
struct MigrationFlags {
  std::string file;  // -f: a config object, or a body {"config": {...}, ...}
  std::optional<std::string> type;
  std::optional<std::string> source;
  std::optional<std::string> target_name;
  std::vector<std::string> extractors;  // "name@version" or "name"
  std::optional<int64_t> batch_size;
  std::optional<int64_t> workers;
  bool dry_run = false;
  bool start = false;  // create only: start_immediately
};

// The migration config of `flags` over the parsed config file `file` (null when none).
// InvalidArgument for a file that is not a JSON object or an --extractor without a name.
Result<boost::json::object> BuildMigrationConfig(const MigrationFlags& flags,
                                                 const boost::json::value& file);

ApiRequest ValidateMigration(const boost::json::object& config);
ApiRequest CreateMigration(const boost::json::object& config, bool start_immediately);
ApiRequest StartMigration(const std::string& id, bool force);
ApiRequest GetMigration(const std::string& id);
ApiRequest MigrationEvents(const std::string& id);
ApiRequest ListMigrations(const std::optional<std::string>& status, int64_t limit);
ApiRequest CancelMigration(const std::string& id, const std::optional<std::string>& reason);
ApiRequest DeleteMigration(const std::string& id);
ApiRequest ListFailedItems(const std::string& id, int64_t limit);
ApiRequest RetryMigration(const std::string& id);
ApiRequest ListNamespaces(int64_t limit);
ApiRequest GetNamespace(const std::string& id);
ApiRequest Health();

// A path segment with every byte outside [A-Za-z0-9-._~] percent-encoded.
std::string PathSegment(const std::string& s);

}  // namespace ferry::cli
