#include "migration/collection_actions.h"

#include <algorithm>
#include <set>

namespace ferry::migration {

namespace {

using model::Value;
using model::ValueArray;

ValueArray ExtractorLoc(size_t i, const char* field) {
  ValueArray loc{Value("config"), Value("feature_extractors"), Value(static_cast<int64_t>(i))};
  if (field != nullptr) loc.emplace_back(field);
  return loc;
}

const extract::FeatureExtractor* InputExtractor(const extract::ExtractorRegistry& registry,
                                                const model::Collection& c) {
  return registry.Find(c.extractor.name, c.extractor.version);
}

}  // namespace

std::vector<std::pair<const extract::FeatureExtractor*, Value>> ResolveExtractors(
    const model::MigrationConfig& config, const extract::ExtractorRegistry& registry,
    model::ValidationIssues* issues) {
  std::vector<std::pair<const extract::FeatureExtractor*, Value>> out;
  if (!config.feature_extractors) return out;
  const auto& list = *config.feature_extractors;
  for (size_t i = 0; i < list.size(); ++i) {
    const auto& e = list[i];
    if (!registry.HasName(e.name)) {
      issues->push_back({ExtractorLoc(i, "feature_extractor_name"),
                         "unknown feature extractor '" + e.name + "'", "value_error"});
      continue;
    }
    std::string version = e.version.value_or(registry.Versions(e.name).back());
    const extract::FeatureExtractor* fx = registry.Find(e.name, version);
    if (fx == nullptr) {
      issues->push_back({ExtractorLoc(i, "version"),
                         "unknown version '" + version + "' of " + e.name, "value_error"});
      continue;
    }
    if (Status st = fx->ValidateParameters(e.parameters); !st.ok()) {
      issues->push_back({ExtractorLoc(i, "parameters"), st.message(), "value_error"});
      continue;
    }
    out.emplace_back(fx, e.parameters);
  }
  return out;
}

std::map<std::string, CollectionAction> PlanCollectionActions(
    const model::MigrationConfig& config, const std::vector<model::Collection>& collections,
    const std::vector<std::string>& selected, const extract::ExtractorRegistry& registry,
    model::ValidationIssues* issues) {
  model::ValidationIssues scratch;
  auto named = ResolveExtractors(config, registry, &scratch);  // already reported elsewhere
  std::set<std::string> chosen(selected.begin(), selected.end());
  std::map<std::string, CollectionAction> actions;
  for (const auto& c : collections) {
    if (chosen.count(c.collection_id) == 0) continue;
    CollectionAction a;
    a.target_extractor = c.extractor;
    actions[c.collection_id] = a;
  }
  if (config.migration_type == model::MigrationType::kReExtract) {
    // Named extractors rebuild their collections…
    for (const auto& c : collections) {
      if (actions.count(c.collection_id) == 0) continue;
      for (const auto& [fx, params] : named) {
        if (fx->info().name != c.extractor.name) continue;
        auto& a = actions[c.collection_id];
        a.kind = CollectionAction::Kind::kRebuild;
        a.target_extractor.version = fx->info().version;
        bool keep = params.is_null() && fx->ValidateParameters(c.extractor.parameters).ok();
        a.target_extractor.parameters =
            params.is_null() ? (keep ? c.extractor.parameters : fx->info().default_parameters)
                             : params;
      }
    }
    // …and everything fed by a rebuilt collection is rebuilt after it.
    for (bool changed = true; changed;) {
      changed = false;
      for (const auto& c : collections) {
        if (actions.count(c.collection_id) == 0 ||
            c.source.type != model::SourceType::kCollection ||
            actions[c.collection_id].kind == CollectionAction::Kind::kRebuild) {
          continue;
        }
        auto src = actions.find(c.source.collection_id);
        if (src != actions.end() && src->second.kind == CollectionAction::Kind::kRebuild) {
          actions[c.collection_id].kind = CollectionAction::Kind::kRebuild;
          changed = true;
        }
      }
    }
  } else if (config.migration_type == model::MigrationType::kExtend) {
    for (size_t i = 0; i < named.size(); ++i) {
      const auto* fx = named[i].first;
      bool used = false;
      for (const auto& c : collections) {
        auto it = actions.find(c.collection_id);
        const extract::FeatureExtractor* own = InputExtractor(registry, c);
        if (it == actions.end() || own == nullptr) continue;
        if (own->info().input_type != fx->info().input_type) continue;
        if (own->info().id() == fx->info().id()) continue;  // already has these vectors
        it->second.kind = CollectionAction::Kind::kCopyAndExtend;
        it->second.extra.emplace_back(
            fx, named[i].second.is_null() ? fx->info().default_parameters : named[i].second);
        used = true;
      }
      if (!used) {
        issues->push_back({ExtractorLoc(i, nullptr),
                           fx->info().id() + " accepts " + fx->info().input_type +
                               " input, which no selected collection has",
                           "value_error"});
      }
    }
  }
  return actions;
}

}  // namespace ferry::migration
