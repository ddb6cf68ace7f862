#include "migration/cluster_targets.h"

#include <algorithm>
#include <map>

#include "migration/reference_rewrite.h"
#include "service/cluster_engine.h"

namespace ferry::migration {

model::ClusterOptions EffectiveClusterOptions(const RunContext& ctx) {
  return ctx.config.cluster_options.value_or(model::ClusterOptions{});
}

model::Cluster TargetCluster(const RunContext& ctx, const model::Cluster& source) {
  const ReferenceMap refs(ctx);
  model::Cluster t = source;
  t.cluster_id = ctx.TargetIdOf(model::ResourceType::kCluster, source.cluster_id);
  for (auto& id : t.collection_ids) id = refs.Id(id);
  for (auto& uri : t.feature_uris) uri = refs.FeatureUri(uri);
  t.filters = refs.Rewrite(source.filters);
  t.status = model::TaskStatus::kPending;
  t.last_task_id.reset();
  t.last_run_id.reset();
  t.num_clusters.reset();
  t.num_documents_clustered.reset();
  t.execution_time_seconds.reset();
  t.last_executed_at.reset();
  t.completed_at.reset();
  return t;
}

void WarnStaleClusters(const model::MigrationConfig& config, const SourceSnapshot& snapshot,
                       const model::DependencyGraph& graph,
                       const std::map<std::string, CollectionAction>& actions,
                       model::ValidationIssues* warnings) {
  if (config.cluster_options.value_or(model::ClusterOptions{}).recompute_clusters) return;
  std::map<std::string, const model::Collection*> collections;
  for (const auto& c : snapshot.collections) collections[c.collection_id] = &c;
  for (const auto& cluster : snapshot.clusters) {
    if (graph.Find(cluster.cluster_id) == nullptr) continue;
    for (const auto& id : cluster.collection_ids) {
      auto a = actions.find(id);
      auto c = collections.find(id);
      if (a == actions.end() || c == collections.end() ||
          a->second.kind != CollectionAction::Kind::kRebuild) {
        continue;
      }
      const std::string uri = c->second->extractor.feature_uri();
      if (std::find(cluster.feature_uris.begin(), cluster.feature_uris.end(), uri) ==
              cluster.feature_uris.end() ||
          a->second.target_extractor.feature_uri() == uri) {
        continue;
      }
      warnings->push_back(
          {{model::Value("config"), model::Value("cluster_options"),
            model::Value("recompute_clusters")},
           "cluster " + cluster.cluster_id + " clusters " + uri +
               ", which the re-extraction "
               "replaces; its copied centroids and assignments describe the old vectors "
               "(set recompute_clusters to cluster the new ones)",
           "stale_clusters"});
      break;
    }
  }
}

std::set<std::string> ClusterFieldsRewritten(const RunContext& ctx,
                                             const std::string& source_collection_id) {
  std::set<std::string> out;
  const model::ClusterOptions opts = EffectiveClusterOptions(ctx);
  if (opts.preserve_assignments && !opts.recompute_clusters) return out;
  for (const model::Cluster* c : SelectedClusters(ctx)) {
    const auto& ids = c->collection_ids;
    if (std::find(ids.begin(), ids.end(), source_collection_id) == ids.end()) continue;
    for (auto& f : service::ClusterFieldNames(*c)) out.insert(std::move(f));
  }
  return out;
}

std::vector<const model::Cluster*> SelectedClusters(const RunContext& ctx) {
  std::map<std::string, const model::Cluster*> by_id;
  for (const auto& c : ctx.plan.snapshot.clusters) by_id[c.cluster_id] = &c;
  std::vector<const model::Cluster*> out;
  for (const auto& id : ctx.plan.graph.execution_order) {
    if (auto it = by_id.find(id); it != by_id.end()) out.push_back(it->second);
  }
  return out;
}

}  // namespace ferry::migration
