#pragma once
// Encodings of the structured parts of a model::Migration that the catalog keeps as BLOBs
// (see record_codec.h for the approach). Every field round-trips exactly: an optional that
// is nullopt is an absent key, a set one is present even when it holds its default, so
// "filters: null" and "filters with defaults" stay distinct; doubles keep their bits;
// ValidationIssue locations keep the kind of each element (string or int).
// Decode* return false on malformed bytes; callers report DataLoss.

#include <string>
#include <string_view>

#include "model/migration.h"

namespace ferry::storage::records {

std::string EncodeMigrationConfig(const model::MigrationConfig& config);
bool DecodeMigrationConfig(std::string_view bytes, model::MigrationConfig* out);

std::string EncodeMigrationProgress(const model::MigrationProgress& progress);
bool DecodeMigrationProgress(std::string_view bytes, model::MigrationProgress* out);

std::string EncodeValidationResult(const model::ValidationResult& result);
bool DecodeValidationResult(std::string_view bytes, model::ValidationResult* out);

std::string EncodeDependencyGraph(const model::DependencyGraph& graph);
bool DecodeDependencyGraph(std::string_view bytes, model::DependencyGraph* out);

// A completed slice's checksums (the catalog's migration_batches.checksums column).
std::string EncodeBatchChecksums(const model::BatchChecksums& checksums);
bool DecodeBatchChecksums(std::string_view bytes, model::BatchChecksums* out);

}  // namespace ferry::storage::records
