#pragma once
// How a source cluster appears in the target namespace (DESIGN.md §2, ClusterOptions):
// shared by namespace_setup, which creates the definition, and cluster_execution, which
// fills in its executions, centroids, artifacts and assignments.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "migration/run_context.h"
#include "model/cluster.h"

namespace ferry::migration {

// The target definition of `source`: its id per preserve_cluster_ids, its input
// collections' target ids, its feature URIs rewritten for re-extracted collections.
// Run state (status, last run, counts) is reset: cluster_execution sets it.
model::Cluster TargetCluster(const RunContext& ctx, const model::Cluster& source);

// Warns (loc ["config","cluster_options","recompute_clusters"], type "stale_clusters")
// about each selected cluster clustering a feature that a re-extraction replaces while
// recompute_clusters is false: its copied centroids and assignments describe the old
// vectors.
void WarnStaleClusters(const model::MigrationConfig& config, const SourceSnapshot& snapshot,
                       const model::DependencyGraph& graph,
                       const std::map<std::string, CollectionAction>& actions,
                       model::ValidationIssues* warnings);

// The document fields cluster_execution rewrites in the target copy of a source
// collection (cleared when !preserve_assignments, re-enriched when recompute_clusters),
// for verification to leave out of its checksums. Empty when it rewrites none.
std::set<std::string> ClusterFieldsRewritten(const RunContext& ctx,
                                             const std::string& source_collection_id);

// The selected clusters of the plan, in execution order.
std::vector<const model::Cluster*> SelectedClusters(const RunContext& ctx);

// The cluster options in effect (defaults when the config has none).
model::ClusterOptions EffectiveClusterOptions(const RunContext& ctx);

}  // namespace ferry::migration
