// taxonomy_enrichment: per taxonomy_options, after batch_processing copied the documents
// with their fields. preserve_enrichment_fields=false strips the enrichment fields from
// the target documents: every "_taxonomy_*" field, and in collections applying a migrated
// taxonomy the target fields that taxonomy names. re_run_enrichment then enriches the
// documents of every target collection applying a migrated taxonomy again, against the
// target's reference collections, evaluating the taxonomy's retrievers rewritten to the
// target (the target retrievers themselves are written only in finalization); so does
// preserve_enrichment_fields for collections a re-extraction rebuilt (their documents are
// new, without the fields to keep). Both
// passes are idempotent, so a resumed run may repeat them. A dry run writes nothing.

#include <set>

#include "migration/stages.h"
#include "migration/taxonomy_migration.h"
#include "service/taxonomy_enricher.h"

namespace ferry::migration {

namespace {

using model::MigrationStage;

// Documents read per page of a pass.
constexpr int64_t kPage = 500;

// One pass over a target collection: strip, or enrich with one taxonomy.
struct Pass {
  std::string collection_id;        // target id
  const model::Taxonomy* taxonomy;  // target definition; null: strip
  FingerprintScope strip;           // fields to remove (strip passes)
};

std::vector<Pass> PlanPasses(const RunContext& ctx) {
  const auto o = ctx.config.taxonomy_options.value_or(model::TaxonomyOptions{});
  std::map<std::string, const model::Taxonomy*> by_target_id;
  for (const auto& [source_id, t] : ctx.target_taxonomies) by_target_id[t.taxonomy_id] = &t;
  std::vector<Pass> passes;
  if (!o.preserve_enrichment_fields) {
    for (const auto& [source_id, c] : ctx.target_collections) {
      Pass p{c.collection_id, nullptr, {}};
      EnrichmentFieldsOf(ctx, source_id, &p.strip);
      passes.push_back(std::move(p));
    }
  }
  for (const auto& [source_id, c] : ctx.target_collections) {
    // A rebuilt collection's documents are new: keeping their enrichment means running
    // the taxonomies they apply again.
    auto action = ctx.plan.actions.find(source_id);
    const bool rebuilt =
        action != ctx.plan.actions.end() && action->second.kind == CollectionAction::Kind::kRebuild;
    if (o.re_run_enrichment || (rebuilt && o.preserve_enrichment_fields)) {
      for (const auto& app : model::InRunOrder(c.taxonomy_applications)) {
        auto t = by_target_id.find(app.taxonomy_id);
        if (t != by_target_id.end()) passes.push_back({c.collection_id, t->second, {}});
      }
    }
  }
  return passes;
}

// True when the fields changed.
bool Strip(const FingerprintScope& scope, model::Value* fields) {
  if (!fields->is_object()) return false;
  model::ValueObject kept;
  bool changed = false;
  for (const auto& [k, v] : fields->as_object()) {
    bool drop = scope.excluded_fields.count(k) > 0;
    for (const auto& p : scope.excluded_field_prefixes) drop |= k.compare(0, p.size(), p) == 0;
    if (drop) {
      changed = true;
    } else {
      kept.Set(k, v);
    }
  }
  if (changed) *fields = model::Value(std::move(kept));
  return changed;
}

// The source retriever whose target id is `id`, rewritten to the target.
service::RetrieverLookup TargetRetrievers(const RunContext& ctx, const ReferenceMap& refs) {
  return [&ctx, &refs](const std::string& id) -> Result<model::Retriever> {
    for (const auto& r : ctx.plan.snapshot.retrievers) {
      if (refs.Id(r.retriever_id) == id) return RewriteRetriever(refs, r, id);
    }
    return Status::FailedPrecondition("retriever '" + id + "' of a taxonomy is not in the source");
  };
}

Status RunPass(RunContext& ctx, const service::NamespaceHandle& h, const Pass& pass,
               service::TaxonomyEnricher* enricher, const service::TaxonomyPlan* plan) {
  storage::IdQuery query;
  query.limit = kPage;
  for (;;) {
    if (ctx.cancelled) return Status::Cancelled("cancelled");
    FERRY_ASSIGN_OR_RETURN(auto ids, ctx.target->ListDocumentIds(pass.collection_id, query));
    if (ids.empty()) return Status::Ok();
    query.after_id = ids.back();
    FERRY_ASSIGN_OR_RETURN(auto docs, ctx.target->GetDocuments(pass.collection_id, ids));
    int64_t failed = 0;
    if (plan != nullptr) {
      service::EnrichStats stats;
      FERRY_RETURN_IF_ERROR(enricher->EnrichDocuments(h, *plan, std::move(docs), &stats));
      failed = stats.errors;
    } else {
      std::vector<model::Document> changed;
      for (auto& d : docs) {
        if (Strip(pass.strip, &d.fields)) changed.push_back(std::move(d));
      }
      if (!changed.empty()) FERRY_RETURN_IF_ERROR(ctx.target->UpsertDocuments(changed));
    }
    const auto n = static_cast<int64_t>(ids.size());
    FERRY_RETURN_IF_ERROR(
        ctx.progress.StageItems(MigrationStage::kTaxonomyEnrichment, n - failed, failed));
    if (n < query.limit) return Status::Ok();
  }
}

}  // namespace

Status RunTaxonomyEnrichment(RunContext& ctx) {
  std::vector<Pass> passes;
  if (!ctx.dry_run()) passes = PlanPasses(ctx);
  int64_t total = 0;
  for (const auto& p : passes) {
    FERRY_ASSIGN_OR_RETURN(int64_t n, ctx.target->CountDocuments(p.collection_id));
    total += n;
  }
  FERRY_RETURN_IF_ERROR(ctx.progress.StageStarted(MigrationStage::kTaxonomyEnrichment, total));
  if (passes.empty()) return Status::Ok();
  if (ctx.retrievers == nullptr) return Status::Internal("no retriever service in the run");
  FERRY_ASSIGN_OR_RETURN(
      auto target_ns, ctx.deps.storage.catalog().GetNamespace(ctx.org_id, ctx.target_namespace_id));
  const service::NamespaceHandle h{target_ns, ctx.target};
  const ReferenceMap refs(ctx);
  service::TaxonomyEnricher enricher(*ctx.retrievers);
  Status st;
  for (const auto& pass : passes) {
    if (pass.taxonomy == nullptr) {
      st = RunPass(ctx, h, pass, nullptr, nullptr);
    } else {
      auto plan = service::PlanTaxonomy(*pass.taxonomy, TargetRetrievers(ctx, refs));
      st = plan.ok() ? RunPass(ctx, h, pass, &enricher, &*plan) : plan.status();
    }
    if (!st.ok()) break;
  }
  ctx.retrievers->ForgetIndexes(h.ns.namespace_id);
  return st;
}

}  // namespace ferry::migration
