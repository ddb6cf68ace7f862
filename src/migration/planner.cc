#include "migration/planner.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <tuple>

namespace ferry::migration {

namespace {

using model::ResourceType;
using model::Value;
using model::ValueArray;

// Rank for ordering: bucket < collection < taxonomy < cluster < retriever.
int OrderRank(ResourceType t) {
  switch (t) {
    case ResourceType::kBucket:
      return 0;
    case ResourceType::kCollection:
      return 1;
    case ResourceType::kTaxonomy:
      return 2;
    case ResourceType::kCluster:
      return 3;
    case ResourceType::kRetriever:
      return 4;
  }
  return 5;
}

struct FilterList {
  const char* field;
  ResourceType type;
  const std::optional<std::vector<std::string>>* ids;
};

// Ids selected by the filter lists; records unknown ids as errors.
std::set<std::string> Select(const std::map<std::string, const ResourceRef*>& by_id,
                             const model::ResourceFilter& filter, model::ValidationIssues* errors,
                             bool* any_filter) {
  const FilterList lists[] = {
      {"collection_ids", ResourceType::kCollection, &filter.collection_ids},
      {"taxonomy_ids", ResourceType::kTaxonomy, &filter.taxonomy_ids},
      {"cluster_ids", ResourceType::kCluster, &filter.cluster_ids},
      {"retriever_ids", ResourceType::kRetriever, &filter.retriever_ids},
  };
  std::set<std::string> selected;
  *any_filter = false;
  for (const auto& list : lists) {
    if (!list.ids->has_value() || (*list.ids)->empty()) continue;
    *any_filter = true;
    for (size_t i = 0; i < (*list.ids)->size(); ++i) {
      const std::string& id = (**list.ids)[i];
      auto it = by_id.find(id);
      if (it == by_id.end() || it->second->type != list.type) {
        errors->push_back({ValueArray{Value("config"), Value("filters"), Value(list.field),
                                      Value(static_cast<int64_t>(i))},
                           std::string(model::ResourceTypeName(list.type)) + " '" + id +
                               "' does not exist in the source namespace",
                           "not_found"});
        continue;
      }
      selected.insert(id);
    }
  }
  return selected;
}

const char* FilterFieldFor(ResourceType t) {
  switch (t) {
    case ResourceType::kCollection:
      return "collection_ids";
    case ResourceType::kTaxonomy:
      return "taxonomy_ids";
    case ResourceType::kCluster:
      return "cluster_ids";
    case ResourceType::kRetriever:
      return "retriever_ids";
    case ResourceType::kBucket:
      break;
  }
  return "collection_ids";
}

// Adds transitive dependencies (auto-include) or reports them missing.
void CloseOverDependencies(const std::map<std::string, const ResourceRef*>& by_id,
                           bool auto_include, const PlanOptions& options,
                           std::set<std::string>* selected, model::ValidationIssues* errors,
                           model::ValidationIssues* warnings) {
  std::vector<std::string> stack(selected->begin(), selected->end());
  std::set<std::string> reported;
  // Reference collections a taxonomy pulled in, whose own dependencies come along too.
  std::set<std::string> pulled;
  while (!stack.empty()) {
    std::string id = stack.back();
    stack.pop_back();
    const ResourceRef* r = by_id.at(id);
    for (const auto& dep : r->dependencies) {
      if (selected->count(dep) > 0 || by_id.count(dep) == 0) continue;
      const bool reference = r->type == ResourceType::kTaxonomy &&
                             by_id.at(dep)->type == ResourceType::kCollection &&
                             options.migrate_reference_collections;
      if (reference || pulled.count(id) > 0) pulled.insert(dep);
      if (auto_include || pulled.count(dep) > 0) {
        selected->insert(dep);
        stack.push_back(dep);
      } else if (reported.insert(id + "->" + dep).second) {
        const ResourceRef* d = by_id.at(dep);
        const bool lenient =
            r->type == ResourceType::kRetriever && options.lenient_retriever_references;
        (lenient ? warnings : errors)
            ->push_back(
                {ValueArray{Value("config"), Value("filters"), Value(FilterFieldFor(r->type))},
                 std::string(model::ResourceTypeName(r->type)) + " '" + id + "' depends on " +
                     model::ResourceTypeName(d->type) + " '" + dep +
                     "', which is not selected; select it or set auto_include_dependencies" +
                     (r->type == ResourceType::kTaxonomy
                          ? " or taxonomy_options.migrate_reference_collections"
                          : ""),
                 "missing_dependency"});
      }
    }
  }
}

}  // namespace

void CollectStrings(const Value& v, std::set<std::string>* out) {
  if (v.is_string()) {
    out->insert(v.as_string());
  } else if (v.is_array()) {
    for (const auto& e : v.as_array()) CollectStrings(e, out);
  } else if (v.is_object()) {
    for (const auto& [k, e] : v.as_object()) CollectStrings(e, out);
  }
}

std::vector<ResourceRef> ResourcesOf(const SourceSnapshot& source) {
  std::vector<ResourceRef> out;
  for (const auto& b : source.buckets) out.push_back({b.bucket_id, ResourceType::kBucket, {}});
  for (const auto& c : source.collections) {
    ResourceRef r{c.collection_id, ResourceType::kCollection, {}};
    if (c.source.type == model::SourceType::kBucket) {
      r.dependencies = c.source.bucket_ids;
    } else {
      r.dependencies = {c.source.collection_id};
    }
    out.push_back(std::move(r));
  }
  for (const auto& c : source.clusters) {
    out.push_back({c.cluster_id, ResourceType::kCluster, c.collection_ids});
  }
  // A taxonomy depends on its reference collections; a collection on the taxonomies it
  // applies.
  for (const auto& t : source.taxonomies) {
    out.push_back({t.taxonomy_id, ResourceType::kTaxonomy, t.ReferenceCollectionIds()});
  }
  for (auto& r : out) {
    if (r.type != ResourceType::kCollection) continue;
    for (const auto& c : source.collections) {
      if (c.collection_id != r.id) continue;
      for (const auto& app : c.taxonomy_applications) r.dependencies.push_back(app.taxonomy_id);
    }
  }
  // A retriever depends on its collections and on every other resource its stages name
  // (taxonomies, clusters …): any string in the parameters equal to a resource's id.
  std::set<std::string> known;
  for (const auto& r : out) known.insert(r.id);
  for (const auto& ret : source.retrievers) {
    ResourceRef r{ret.retriever_id, ResourceType::kRetriever, ret.collection_ids};
    std::set<std::string> named;
    for (const auto& s : ret.stages) CollectStrings(s.parameters, &named);
    for (const auto& id : named) {
      if (known.count(id) > 0 && id != ret.retriever_id &&
          std::find(r.dependencies.begin(), r.dependencies.end(), id) == r.dependencies.end()) {
        r.dependencies.push_back(id);
      }
    }
    out.push_back(std::move(r));
  }
  return out;
}

Plan PlanMigration(const std::vector<ResourceRef>& resources, const model::ResourceFilter& filter,
                   const PlanOptions& options) {
  Plan plan;
  std::map<std::string, const ResourceRef*> by_id;
  for (const auto& r : resources) by_id[r.id] = &r;

  bool any_filter = false;
  std::set<std::string> selected = Select(by_id, filter, &plan.errors, &any_filter);
  if (!any_filter) {
    for (const auto& r : resources) selected.insert(r.id);
  }
  CloseOverDependencies(by_id, filter.auto_include_dependencies, options, &selected, &plan.errors,
                        &plan.warnings);

  // Tiers by memoised DFS; a node met again while on the stack closes a cycle.
  std::map<std::string, int> tier;
  std::set<std::string> on_stack;
  std::set<std::string> in_cycle;
  std::function<int(const std::string&)> visit = [&](const std::string& id) -> int {
    if (auto it = tier.find(id); it != tier.end()) return it->second;
    if (on_stack.count(id) > 0) {
      in_cycle.insert(id);
      return -1;
    }
    on_stack.insert(id);
    int t = 0;
    for (const auto& dep : by_id.at(id)->dependencies) {
      if (selected.count(dep) == 0) continue;
      int dt = visit(dep);
      if (dt < 0) {
        in_cycle.insert(id);
        t = -1;
        break;
      }
      t = std::max(t, dt + 1);
    }
    on_stack.erase(id);
    if (t >= 0) tier[id] = t;
    return t;
  };
  for (const auto& id : selected) visit(id);

  if (!in_cycle.empty()) {
    std::string names;
    for (const auto& id : in_cycle) names += (names.empty() ? "" : ", ") + id;
    plan.errors.push_back({ValueArray{Value("config"), Value("filters")},
                           "dependency cycle between: " + names, "dependency_cycle"});
  }
  for (const auto& id : selected) {
    const ResourceRef* r = by_id.at(id);
    model::DependencyNode node;
    node.resource_id = id;
    node.resource_type = r->type;
    for (const auto& dep : r->dependencies) {
      if (selected.count(dep) > 0) node.dependencies.push_back(dep);
    }
    auto t = tier.find(id);
    node.tier = t == tier.end() ? 0 : t->second;
    plan.graph.nodes.push_back(std::move(node));
  }
  std::vector<const model::DependencyNode*> order;
  for (const auto& n : plan.graph.nodes) {
    if (in_cycle.count(n.resource_id) == 0) order.push_back(&n);
  }
  std::sort(order.begin(), order.end(), [](const auto* a, const auto* b) {
    return std::make_tuple(a->tier, OrderRank(a->resource_type), a->resource_id) <
           std::make_tuple(b->tier, OrderRank(b->resource_type), b->resource_id);
  });
  for (const auto* n : order) plan.graph.execution_order.push_back(n->resource_id);
  std::sort(plan.graph.nodes.begin(), plan.graph.nodes.end(), [](const auto& a, const auto& b) {
    return std::make_tuple(a.tier, OrderRank(a.resource_type), a.resource_id) <
           std::make_tuple(b.tier, OrderRank(b.resource_type), b.resource_id);
  });
  return plan;
}

}  // namespace ferry::migration
