// namespace_setup: the target namespace and its buckets, collections and taxonomies
// (references rewritten, taxonomy_options.preserve_taxonomy_ids), created in execution
// order with their id mapping. Idempotent, so a resumed run can repeat it.

#include "migration/cluster_targets.h"
#include "migration/stages.h"
#include "migration/taxonomy_migration.h"
#include "service/collection_service.h"

namespace ferry::migration {

namespace {

using model::MigrationStage;
using model::MigrationStatus;

std::vector<model::ExtractorRef> TargetExtractors(const RunContext& ctx) {
  std::vector<model::ExtractorRef> out = ctx.plan.source->feature_extractors;
  model::ValidationIssues ignored;
  for (const auto& [fx, params] : ResolveExtractors(ctx.config, ctx.deps.extractors, &ignored)) {
    const auto& info = fx->info();
    bool replaced = false;
    if (ctx.config.migration_type == model::MigrationType::kReExtract) {
      for (auto& ref : out) {
        if (ref.name != info.name) continue;
        ref.version = info.version;
        replaced = true;
      }
    }
    if (!replaced) out.push_back({info.name, info.version, params});
  }
  return out;
}

// The description a namespace clone asked for (clone_service.h), if any.
std::optional<std::string> CloneDescription(const RunContext& ctx) {
  model::Migration m = ctx.progress.Snapshot();
  const model::Value* clone = m.additional_data.Get("clone");
  const model::Value* d = clone != nullptr ? clone->Get("description") : nullptr;
  if (d == nullptr || !d->is_string()) return std::nullopt;
  return d->as_string();
}

Status CreateTargetNamespace(RunContext& ctx) {
  auto& catalog = ctx.deps.storage.catalog();
  if (catalog.GetNamespace(ctx.org_id, ctx.target_namespace_id).ok()) {
    // Created by an earlier attempt of this run.
  } else {
    model::Namespace ns;
    ns.namespace_id = ctx.target_namespace_id;
    ns.org_id = ctx.org_id;
    ns.namespace_name = ctx.target_namespace_name;
    ns.namespace_type = ctx.plan.source->namespace_type;
    auto clone_description = CloneDescription(ctx);
    ns.description = clone_description ? clone_description : ctx.plan.source->description;
    ns.feature_extractors = TargetExtractors(ctx);
    ns.payload_indexes = ctx.plan.source->payload_indexes;
    ns.auto_create_indexes = ctx.plan.source->auto_create_indexes;
    ns.created_at = ns.updated_at = ctx.deps.clock.NowMs();
    Status st = ctx.deps.storage.CreateNamespaceData(ns.namespace_id);
    if (!st.ok() && st.code() != StatusCode::kAlreadyExists) return st;
    st = catalog.InsertNamespace(ns);
    if (st.code() == StatusCode::kAlreadyExists) {
      return Status::AlreadyExists("target namespace '" + ns.namespace_name +
                                   "' was taken while the migration was starting");
    }
    FERRY_RETURN_IF_ERROR(st);
  }
  FERRY_ASSIGN_OR_RETURN(ctx.target, ctx.deps.storage.OpenNamespace(ctx.target_namespace_id));
  return Status::Ok();
}

model::Bucket TargetBucket(const RunContext& ctx, const model::Bucket& b) {
  model::Bucket t = b;
  t.bucket_id = ctx.TargetId(b.bucket_id);
  return t;
}

model::Collection TargetCollection(const RunContext& ctx, const model::Collection& c) {
  model::Collection t = c;
  t.collection_id = ctx.TargetId(c.collection_id);
  for (auto& id : t.source.bucket_ids) id = ctx.TargetId(id);
  if (t.source.type == model::SourceType::kCollection) {
    t.source.collection_id = ctx.TargetId(c.source.collection_id);
  }
  for (auto& id : t.root_bucket_ids) id = ctx.TargetId(id);
  t.taxonomy_applications = RewriteApplications(ReferenceMap(ctx), c.taxonomy_applications);
  const CollectionAction& a = ctx.plan.actions.at(c.collection_id);
  if (a.kind == CollectionAction::Kind::kRebuild) {
    t.extractor = a.target_extractor;
    service::BuildOutputSchema(ctx.deps.extractors, &t);
  }
  return t;
}

template <typename T, typename Insert>
Status InsertOnce(const T& resource, Insert insert) {
  Status st = insert(resource);
  return st.code() == StatusCode::kAlreadyExists ? Status::Ok() : st;
}

}  // namespace

Status RunNamespaceSetup(RunContext& ctx) {
  const auto& order = ctx.plan.graph.execution_order;
  FERRY_RETURN_IF_ERROR(ctx.progress.StageStarted(MigrationStage::kNamespaceSetup,
                                                  static_cast<int64_t>(order.size()) + 1));
  if (!ctx.dry_run()) FERRY_RETURN_IF_ERROR(CreateTargetNamespace(ctx));
  FERRY_RETURN_IF_ERROR(ctx.progress.StageItems(MigrationStage::kNamespaceSetup, 1, 0));
  std::map<std::string, const model::Bucket*> buckets;
  std::map<std::string, const model::Collection*> collections;
  for (const auto& b : ctx.plan.snapshot.buckets) buckets[b.bucket_id] = &b;
  for (const auto& c : ctx.plan.snapshot.collections) collections[c.collection_id] = &c;
  std::map<std::string, const model::Cluster*> clusters;
  for (const auto& c : ctx.plan.snapshot.clusters) clusters[c.cluster_id] = &c;
  std::map<std::string, const model::Taxonomy*> taxonomies;
  for (const auto& t : ctx.plan.snapshot.taxonomies) taxonomies[t.taxonomy_id] = &t;
  const ReferenceMap refs(ctx);
  for (const auto& id : order) {
    if (ctx.cancelled) return Status::Cancelled("cancelled");
    if (auto b = buckets.find(id); b != buckets.end()) {
      model::Bucket t = TargetBucket(ctx, *b->second);
      if (!ctx.dry_run()) {
        FERRY_RETURN_IF_ERROR(
            InsertOnce(t, [&](const auto& r) { return ctx.target->InsertBucket(r); }));
      }
      ctx.target_buckets[id] = std::move(t);
    } else if (auto c = collections.find(id); c != collections.end()) {
      model::Collection t = TargetCollection(ctx, *c->second);
      if (!ctx.dry_run()) {
        FERRY_RETURN_IF_ERROR(
            InsertOnce(t, [&](const auto& r) { return ctx.target->InsertCollection(r); }));
      }
      ctx.target_collections[id] = std::move(t);
    } else if (auto k = clusters.find(id); k != clusters.end()) {
      model::Cluster t = TargetCluster(ctx, *k->second);
      t.created_at = t.updated_at = ctx.deps.clock.NowMs();
      if (!ctx.dry_run()) {
        FERRY_RETURN_IF_ERROR(
            InsertOnce(t, [&](const auto& r) { return ctx.target->InsertCluster(r); }));
      }
    } else if (auto x = taxonomies.find(id); x != taxonomies.end()) {
      model::Taxonomy t =
          RewriteTaxonomy(refs, *x->second, ctx.TargetIdOf(model::ResourceType::kTaxonomy, id));
      if (!ctx.dry_run()) {
        FERRY_RETURN_IF_ERROR(
            InsertOnce(t, [&](const auto& r) { return ctx.target->InsertTaxonomy(r); }));
      }
      ctx.target_taxonomies[id] = std::move(t);
    }
    FERRY_RETURN_IF_ERROR(ctx.progress.ResourceStarted(id));
    FERRY_RETURN_IF_ERROR(ctx.progress.StageItems(MigrationStage::kNamespaceSetup, 1, 0));
  }
  return Status::Ok();
}

}  // namespace ferry::migration
