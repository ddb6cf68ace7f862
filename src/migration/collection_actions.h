#pragma once
// What a migration does to each selected collection, by type (DESIGN.md §2 "Types"):
// copy its documents; rebuild it by running an extractor on its source (re_extract:
// collections whose extractor is named, and every collection downstream of one); or
// copy it and add the vectors of extra extractors to each document (extend).

#include <map>
#include <string>
#include <vector>

#include "extract/extractor.h"
#include "model/migration.h"
#include "model/resources.h"

namespace ferry::migration {

struct CollectionAction {
  enum class Kind { kCopy, kRebuild, kCopyAndExtend };
  Kind kind = Kind::kCopy;
  // The target collection's extractor (changed for rebuilt collections whose extractor
  // is named in feature_extractors).
  model::CollectionExtractor target_extractor;
  // kCopyAndExtend: extractors (with their parameters) whose vectors are added to
  // every document.
  std::vector<std::pair<const extract::FeatureExtractor*, model::Value>> extra;
};

// Resolves the migration's feature_extractors (latest version when absent).
// Problems are appended to `issues` located at ["config","feature_extractors",i,…].
std::vector<std::pair<const extract::FeatureExtractor*, model::Value>> ResolveExtractors(
    const model::MigrationConfig& config, const extract::ExtractorRegistry& registry,
    model::ValidationIssues* issues);

// Actions for the selected collections (those in `selected`), keyed by collection id.
// Extend warnings/errors (an extractor no collection can feed) go to `issues`.
std::map<std::string, CollectionAction> PlanCollectionActions(
    const model::MigrationConfig& config, const std::vector<model::Collection>& collections,
    const std::vector<std::string>& selected, const extract::ExtractorRegistry& registry,
    model::ValidationIssues* issues);

}  // namespace ferry::migration
