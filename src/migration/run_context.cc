#include "migration/run_context.h"

#include "common/ids.h"

namespace ferry::migration {

std::string MapId(const std::string& migration_id, const std::string& source_id, bool preserve) {
  return MapResourceId(migration_id, source_id, preserve);
}

std::string RunContext::TargetId(const std::string& source_id) const {
  return MapId(migration_id, source_id, config.preserve_resource_ids);
}

std::string RunContext::TargetIdOf(model::ResourceType type, const std::string& source_id) const {
  bool preserve = config.preserve_resource_ids;
  switch (type) {
    case model::ResourceType::kTaxonomy:
      preserve = preserve ||
                 config.taxonomy_options.value_or(model::TaxonomyOptions{}).preserve_taxonomy_ids;
      break;
    case model::ResourceType::kCluster:
      preserve =
          preserve || config.cluster_options.value_or(model::ClusterOptions{}).preserve_cluster_ids;
      break;
    case model::ResourceType::kRetriever:
      preserve =
          preserve ||
          config.retriever_options.value_or(model::RetrieverOptions{}).preserve_retriever_ids;
      break;
    case model::ResourceType::kBucket:
    case model::ResourceType::kCollection:
      break;
  }
  return MapId(migration_id, source_id, preserve);
}

}  // namespace ferry::migration
