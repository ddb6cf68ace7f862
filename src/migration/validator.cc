#include "migration/validator.h"

#include <algorithm>
#include <cmath>
#include <thread>

#include "common/ids.h"
#include "migration/cluster_targets.h"
#include "migration/webhooks/url_guard.h"
#include "service/namespace_service.h"

namespace ferry::migration {

namespace {

using model::Value;
using model::ValueArray;

ValueArray Loc(std::initializer_list<const char*> parts) {
  ValueArray loc;
  for (const char* p : parts) loc.emplace_back(p);
  return loc;
}

// A migrated taxonomy whose retriever stays behind references a retriever the target
// lacks (its enrichment can still be re-run: the source definition is rewritten).
void WarnUnmigratedTaxonomyRetrievers(const SourceSnapshot& snapshot,
                                      const model::DependencyGraph& graph,
                                      model::ValidationIssues* warnings) {
  for (const auto& t : snapshot.taxonomies) {
    if (graph.Find(t.taxonomy_id) == nullptr) continue;
    for (const auto& r : t.RetrieverIds()) {
      if (graph.Find(r) != nullptr) continue;
      warnings->push_back({Loc({"config", "filters", "retriever_ids"}),
                           "taxonomy '" + t.taxonomy_id + "' uses retriever '" + r +
                               "', which is not migrated; the target taxonomy will name a "
                               "retriever the target does not have",
                           "unmigrated_reference"});
    }
  }
}

constexpr char kIdPatternMessage[] = "String should match pattern '^[A-Za-z0-9_-]{1,128}$'";

model::ValueArray Append(model::ValueArray loc, std::initializer_list<model::Value> parts) {
  for (const auto& p : parts) loc.push_back(p);
  return loc;
}

void CheckId(const std::string& id, model::ValueArray loc, model::ValidationIssues* issues) {
  if (!IsValidId(id))
    issues->push_back({std::move(loc), kIdPatternMessage, "string_pattern_mismatch"});
}

void CheckIdList(const std::optional<std::vector<std::string>>& ids, const model::ValueArray& loc,
                 const char* field, model::ValidationIssues* issues) {
  if (!ids) return;
  for (size_t i = 0; i < ids->size(); ++i) {
    CheckId((*ids)[i], Append(loc, {Value(field), Value(static_cast<int64_t>(i))}), issues);
  }
}

}  // namespace

std::string TargetIdUnavailable(const std::string& namespace_id) {
  return "target_namespace_id '" + namespace_id + "' is not available";
}

void CheckClientIds(const model::MigrationConfig& config, const model::ValueArray& loc,
                    model::ValidationIssues* issues) {
  // An id or a name: at most the id length, and nothing either forbids.
  const std::string& source = config.source_namespace_id;
  bool source_ok = !source.empty() && source.size() <= kMaxIdLength;
  for (unsigned char c : source) source_ok = source_ok && c >= 0x20 && c != '/' && c != 0x7f;
  if (!source_ok) {
    issues->push_back({Append(loc, {Value("source_namespace_id")}),
                       "source_namespace_id must be a namespace id or name: 1-128 characters, "
                       "no '/' or control characters",
                       "value_error"});
  }
  if (config.target_namespace_id) {
    CheckId(*config.target_namespace_id, Append(loc, {Value("target_namespace_id")}), issues);
  }
  if (config.target_namespace_name) {
    service::ValidateName(*config.target_namespace_name,
                          Append(loc, {Value("target_namespace_name")}), issues);
  }
  if (config.filters) {
    const model::ResourceFilter& f = *config.filters;
    const model::ValueArray at = Append(loc, {Value("filters")});
    CheckIdList(f.collection_ids, at, "collection_ids", issues);
    CheckIdList(f.taxonomy_ids, at, "taxonomy_ids", issues);
    CheckIdList(f.cluster_ids, at, "cluster_ids", issues);
    CheckIdList(f.retriever_ids, at, "retriever_ids", issues);
  }
}

Status MigrationValidator::LoadSource(const std::string& org_id,
                                      const model::MigrationConfig& config,
                                      ValidationOutcome* out) {
  auto& catalog = deps_.storage.catalog();
  auto ns = catalog.GetNamespace(org_id, config.source_namespace_id);
  if (!ns.ok() && ns.status().code() == StatusCode::kNotFound) {
    ns = catalog.GetNamespaceByName(org_id, config.source_namespace_id);
  }
  if (!ns.ok()) {
    if (ns.status().code() != StatusCode::kNotFound) return ns.status();
    out->result.errors.push_back(
        {Loc({"config", "source_namespace_id"}),
         "source namespace '" + config.source_namespace_id + "' does not exist", "not_found"});
    return Status::Ok();
  }
  out->source = *ns;
  FERRY_ASSIGN_OR_RETURN(auto store, deps_.storage.OpenNamespace(ns->namespace_id));
  const model::Page all{0, 1'000'000};
  FERRY_ASSIGN_OR_RETURN(out->snapshot.buckets, store->ListBuckets(all));
  FERRY_ASSIGN_OR_RETURN(out->snapshot.collections, store->ListCollections(all));
  FERRY_ASSIGN_OR_RETURN(out->snapshot.retrievers, store->ListRetrievers(all));
  FERRY_ASSIGN_OR_RETURN(out->snapshot.clusters, store->ListClusters(all));
  FERRY_ASSIGN_OR_RETURN(out->snapshot.taxonomies, store->ListTaxonomies(all));
  return Status::Ok();
}

Status MigrationValidator::CheckTarget(const std::string& org_id,
                                       const model::MigrationConfig& config,
                                       ValidationOutcome* out) {
  auto& catalog = deps_.storage.catalog();
  if (config.target_namespace_id) {
    const std::string& id = *config.target_namespace_id;
    if (!IsValidId(id)) {
      out->result.errors.push_back(
          {Loc({"config", "target_namespace_id"}), kIdPatternMessage, "string_pattern_mismatch"});
    } else {
      FERRY_ASSIGN_OR_RETURN(bool available, catalog.NamespaceIdAvailable(id));
      if (!available) {
        out->result.errors.push_back(
            {Loc({"config", "target_namespace_id"}), TargetIdUnavailable(id), "already_exists"});
      }
    }
  }
  if (config.target_namespace_name) {
    FERRY_ASSIGN_OR_RETURN(bool available,
                           catalog.NamespaceNameAvailable(org_id, *config.target_namespace_name));
    if (!available) {
      out->result.errors.push_back(
          {Loc({"config", "target_namespace_name"}),
           "namespace name '" + *config.target_namespace_name + "' is already taken",
           "already_exists"});
    }
  }
  return Status::Ok();
}

void MigrationValidator::CheckExtractors(const model::MigrationConfig& config,
                                         ValidationOutcome* out) {
  bool needs = config.migration_type != model::MigrationType::kCopy;
  bool given = config.feature_extractors && !config.feature_extractors->empty();
  if (needs && !given) {
    out->result.errors.push_back({Loc({"config", "feature_extractors"}),
                                  std::string("feature_extractors is required for ") +
                                      model::MigrationTypeName(config.migration_type) +
                                      " migrations",
                                  "missing"});
  } else if (!needs && given) {
    out->result.errors.push_back({Loc({"config", "feature_extractors"}),
                                  "feature_extractors must not be given for copy migrations",
                                  "value_error"});
  }
  ResolveExtractors(config, deps_.extractors, &out->result.errors);
}

void MigrationValidator::CheckWebhook(const model::MigrationConfig& config,
                                      ValidationOutcome* out) {
  if (!config.webhook_url) return;
  Status st = webhooks::CheckWebhookUrl(*config.webhook_url, allow_private_webhooks_);
  if (st.ok()) return;
  auto& list = st.code() == StatusCode::kUnavailable ? out->result.warnings : out->result.errors;
  list.push_back({Loc({"config", "webhook_url"}), st.message(),
                  st.code() == StatusCode::kUnavailable ? "unresolved_host" : "value_error"});
}

Status MigrationValidator::Estimate(const model::MigrationConfig& config, ValidationOutcome* out) {
  const auto filter = config.effective_filters();
  FERRY_ASSIGN_OR_RETURN(auto store, deps_.storage.OpenNamespace(out->source->namespace_id));
  std::map<std::string, const model::Collection*> cols;
  for (const auto& c : out->snapshot.collections) cols[c.collection_id] = &c;
  int64_t objects = 0, documents = 0;
  std::map<model::ResourceType, int64_t> by_type;
  for (const auto& node : out->graph.nodes) ++by_type[node.resource_type];
  double seconds = 0;
  int64_t rebuilt_docs = 0;
  std::string rebuilt_with;
  for (const auto& node : out->graph.nodes) {
    if (node.resource_type == model::ResourceType::kBucket) {
      FERRY_ASSIGN_OR_RETURN(
          int64_t n, store->CountObjectsInRange(node.resource_id, filter.after, filter.before));
      out->items[node.resource_id] = n;
      objects += n;
      seconds += n / kCopyItemsPerSecond;
      continue;
    }
    if (node.resource_type != model::ResourceType::kCollection) continue;
    const model::Collection& c = *cols.at(node.resource_id);
    const CollectionAction& a = out->actions[node.resource_id];
    FERRY_ASSIGN_OR_RETURN(
        int64_t docs, store->CountDocumentsInRange(c.collection_id, filter.after, filter.before));
    documents += docs;
    if (a.kind == CollectionAction::Kind::kRebuild) {
      // Rebuilt from the root objects of its buckets.
      int64_t roots = 0;
      for (const auto& b : c.root_bucket_ids) {
        FERRY_ASSIGN_OR_RETURN(int64_t n,
                               store->CountObjectsInRange(b, filter.after, filter.before));
        roots += n;
      }
      out->items[node.resource_id] = roots;
      const auto* fx = deps_.extractors.Find(a.target_extractor.name, a.target_extractor.version);
      if (fx != nullptr) {
        seconds += std::max<int64_t>(docs, roots) / speeds_.ItemsPerSecond(*fx);
        rebuilt_docs += std::max<int64_t>(docs, roots);
        rebuilt_with = fx->info().id();
      }
    } else {
      out->items[node.resource_id] = docs;
      seconds += docs / kCopyItemsPerSecond;
      for (const auto& extra : a.extra) seconds += docs / speeds_.ItemsPerSecond(*extra.first);
    }
  }
  // Workers extract in parallel (bounded by the cores actually available).
  double parallel = std::min<double>(config.effective_batch_options().max_workers,
                                     std::max(1u, std::thread::hardware_concurrency()));
  out->result.estimated_duration_seconds =
      static_cast<int64_t>(std::ceil(seconds / std::max(1.0, parallel)));
  // Keyed by resource type, as the schema requires; item counts are in `items`.
  for (auto t : {model::ResourceType::kBucket, model::ResourceType::kCollection,
                 model::ResourceType::kTaxonomy, model::ResourceType::kCluster,
                 model::ResourceType::kRetriever}) {
    out->result.estimated_resources[model::ResourceTypeName(t)] = by_type[t];
  }
  out->objects = objects;
  out->documents = documents;
  if (config.migration_type == model::MigrationType::kReExtract && rebuilt_docs > 0) {
    out->result.warnings.push_back(
        {Loc({"config", "feature_extractors"}),
         "re-extraction will run " + rebuilt_with + " over about " + std::to_string(rebuilt_docs) +
             " items (estimated " + std::to_string(*out->result.estimated_duration_seconds) + " s)",
         "re_extraction_cost"});
  }
  return Status::Ok();
}

Result<ValidationOutcome> MigrationValidator::Validate(const std::string& org_id,
                                                       const model::MigrationConfig& config,
                                                       Purpose purpose) {
  ValidationOutcome out;
  FERRY_RETURN_IF_ERROR(LoadSource(org_id, config, &out));
  if (purpose == Purpose::kRequest) FERRY_RETURN_IF_ERROR(CheckTarget(org_id, config, &out));
  CheckExtractors(config, &out);
  CheckWebhook(config, &out);
  if (out.source) {
    PlanOptions options;
    options.lenient_retriever_references =
        !config.retriever_options.value_or(model::RetrieverOptions{}).validate_references;
    options.migrate_reference_collections =
        config.taxonomy_options.value_or(model::TaxonomyOptions{}).migrate_reference_collections;
    Plan plan = PlanMigration(ResourcesOf(out.snapshot), config.effective_filters(), options);
    out.graph = std::move(plan.graph);
    for (auto& e : plan.errors) out.result.errors.push_back(std::move(e));
    for (auto& w : plan.warnings) out.result.warnings.push_back(std::move(w));
    WarnUnmigratedTaxonomyRetrievers(out.snapshot, out.graph, &out.result.warnings);
    std::vector<std::string> selected;
    for (const auto& n : out.graph.nodes) selected.push_back(n.resource_id);
    out.actions = PlanCollectionActions(config, out.snapshot.collections, selected,
                                        deps_.extractors, &out.result.errors);
    if (config.migration_type == model::MigrationType::kReExtract) {
      bool any = std::any_of(out.actions.begin(), out.actions.end(), [](const auto& kv) {
        return kv.second.kind == CollectionAction::Kind::kRebuild;
      });
      if (!any && config.feature_extractors && !config.feature_extractors->empty()) {
        out.result.warnings.push_back({Loc({"config", "feature_extractors"}),
                                       "no selected collection uses the named extractors; "
                                       "the migration will only copy",
                                       "no_effect"});
      }
    }
    WarnStaleClusters(config, out.snapshot, out.graph, out.actions, &out.result.warnings);
    if (purpose == Purpose::kRequest) FERRY_RETURN_IF_ERROR(Estimate(config, &out));
  }
  out.result.valid = out.result.errors.empty();
  return out;
}

}  // namespace ferry::migration
