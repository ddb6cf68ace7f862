#pragma once
// MigrationPlanner: which resources of the source a migration moves, what each depends
// on, and the order to create them in (DESIGN.md §2 "Selection and the dependency
// graph"). Pure: works on a snapshot of the source's resources, touches no storage.

#include <set>
#include <string>
#include <vector>

#include "model/cluster.h"
#include "model/migration.h"
#include "model/resources.h"
#include "model/retriever.h"
#include "model/taxonomy.h"

namespace ferry::migration {

// The source namespace's resources, as the planner sees them.
struct SourceSnapshot {
  std::vector<model::Bucket> buckets;
  std::vector<model::Collection> collections;
  std::vector<model::Cluster> clusters;
  std::vector<model::Retriever> retrievers;
  std::vector<model::Taxonomy> taxonomies;
};

// One resource of the snapshot as a graph node: its direct dependencies, whatever the
// selection.
struct ResourceRef {
  std::string id;
  model::ResourceType type = model::ResourceType::kBucket;
  std::vector<std::string> dependencies;
};

struct Plan {
  model::DependencyGraph graph;  // only selected (and auto-included) resources
  // Problems found while planning, located under ["config", …]: unknown filter ids,
  // dependencies left out without auto-include, cycles.
  model::ValidationIssues errors;
  // Problems that an option demotes from errors (retriever references left out when
  // retriever_options.validate_references is false).
  model::ValidationIssues warnings;
};

struct PlanOptions {
  // A retriever's dependency left out of the selection is a warning, not an error.
  bool lenient_retriever_references = false;
  // taxonomy_options.migrate_reference_collections: a selected taxonomy pulls in its
  // reference collections (and what they depend on) even without auto-include.
  bool migrate_reference_collections = true;
};

// Every string inside `v` (array elements and object values, recursively; not keys).
// How references are found in free-form configs such as stage parameters.
void CollectStrings(const model::Value& v, std::set<std::string>* out);

// Every resource of the snapshot with its direct dependencies.
std::vector<ResourceRef> ResourcesOf(const SourceSnapshot& source);

// Selects resources by `filter` (all when no id filter is given), adds transitive
// dependencies when filter.auto_include_dependencies, computes tiers and a stable
// topological execution order: (tier, type bucket<collection<taxonomy<cluster<retriever,
// id). Never fails; problems are reported in Plan::errors (and cycle members are left
// out of execution_order).
Plan PlanMigration(const std::vector<ResourceRef>& resources, const model::ResourceFilter& filter,
                   const PlanOptions& options = {});

}  // namespace ferry::migration
