#include "migration/cluster_targets.h"

#include <map>

#include "migration/reference_rewrite.h"

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
