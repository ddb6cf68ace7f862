#pragma once
// Wire shapes of the migration endpoints (Mixpeek's /v1/namespaces/migrations/*):
// request decoders that record every problem as a ValidationIssue (FastAPI loc/msg/type),
// and response encoders with Mixpeek's field names, every field present, unknown
// optionals as null.

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "codec/json_reader.h"
#include "model/migration.h"
#include "model/resources.h"

namespace ferry::codec {

// CreateMigrationRequest.
struct CreateMigrationRequest {
  model::MigrationConfig config;
  bool start_immediately = false;  // default false
};

// ListMigrationsRequest.
struct ListMigrationsRequest {
  model::MigrationListFilter filter;
  model::Page page{0, 20};  // limit default 20 (1–1000), offset default 0 (>= 0)
};

// CreateMigrationRequest body; config issues are located at ["body","config",...].
CreateMigrationRequest DecodeCreateMigration(JsonReader body);

// A MigrationConfig at the reader's position. An absent value is reported as "missing",
// a non-object as "dict_type". Ranges (batch_size 1–1000, max_workers 1–50), enums and
// date_range timestamps ("datetime_parsing") are checked here; cross-field rules are the
// planner's.
model::MigrationConfig DecodeMigrationConfig(JsonReader config);

// ValidateMigrationRequest body: {"config": MigrationConfig}.
model::MigrationConfig DecodeValidateMigration(JsonReader body);

// StartMigrationRequest: `force` (default false). An absent or null body is the default.
bool DecodeStartMigration(JsonReader body);

// CancelMigrationRequest: `reason`. An absent or null body is the default.
std::optional<std::string> DecodeCancelMigration(JsonReader body);

// Ferry's sync request: `follow` (default false). An absent or null body is the default.
bool DecodeSyncMigration(JsonReader body);

// ListMigrationsRequest. An absent or null body gives the defaults.
ListMigrationsRequest DecodeListMigrations(JsonReader body);

// MigrationConfig as given. Blocks the user omitted are shown with their default values
// (clients always see batch_size etc.); feature_extractors and target ids null when absent.
boost::json::object EncodeMigrationConfig(const model::MigrationConfig& c);
boost::json::object EncodeValidationResult(const model::ValidationResult& v);
boost::json::object EncodeDependencyGraph(const model::DependencyGraph& g);
boost::json::object EncodeMigrationProgress(const model::MigrationProgress& p);

// GetMigrationResponse.
boost::json::object EncodeMigration(const model::Migration& m);

boost::json::object EncodeCreateMigrationResponse(const model::Migration& m,
                                                  const std::string& message);
boost::json::object EncodeValidateMigrationResponse(const model::ValidationResult& v,
                                                    const std::optional<model::DependencyGraph>& g,
                                                    const std::string& message);
// REQUIRES: m.task_id and m.started_at are set (the response requires both; an unset
// task_id is encoded as "" and an unset started_at as created_at).
boost::json::object EncodeStartMigrationResponse(const model::Migration& m,
                                                 const std::string& message);
boost::json::object EncodeCancelMigrationResponse(const model::Migration& m,
                                                  int64_t cancelled_at_ms,
                                                  const std::string& message);
// ListMigrationsResponse: results, total, limit, offset.
boost::json::object EncodeListMigrationsResponse(const std::vector<model::Migration>& ms,
                                                 int64_t total, const model::Page& page);

}  // namespace ferry::codec
