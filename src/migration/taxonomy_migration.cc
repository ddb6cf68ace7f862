#include "migration/taxonomy_migration.h"

namespace ferry::migration {

namespace {

void RewriteMappings(const ReferenceMap& refs,
                     std::optional<std::vector<model::InputMapping>>* mappings) {
  if (!*mappings) return;
  for (auto& m : **mappings) {
    if (m.path) m.path = refs.FeatureUri(*m.path);
    m.override_value = refs.Rewrite(m.override_value);
  }
}

void RewriteOptionalId(const ReferenceMap& refs, std::optional<std::string>* id) {
  if (*id) *id = refs.Id(**id);
}

}  // namespace

model::Taxonomy RewriteTaxonomy(const ReferenceMap& refs, const model::Taxonomy& source,
                                const std::string& target_id) {
  model::Taxonomy t = source;
  t.taxonomy_id = target_id;
  RewriteOptionalId(refs, &t.retriever_id);
  RewriteMappings(refs, &t.input_mappings);
  if (!t.source_collection_id.empty()) t.source_collection_id = refs.Id(t.source_collection_id);
  for (auto& n : t.nodes) {
    n.collection_id = refs.Id(n.collection_id);
    RewriteOptionalId(refs, &n.parent_collection_id);
    RewriteOptionalId(refs, &n.retriever_id);
    RewriteMappings(refs, &n.input_mappings);
  }
  t.step_analytics = refs.Rewrite(t.step_analytics);
  return t;
}

std::vector<model::TaxonomyApplication> RewriteApplications(
    const ReferenceMap& refs, std::vector<model::TaxonomyApplication> apps) {
  for (auto& a : apps) {
    a.taxonomy_id = refs.Id(a.taxonomy_id);
    RewriteOptionalId(refs, &a.target_collection_id);
  }
  return apps;
}

bool EnrichmentRewritesFields(const RunContext& ctx) {
  const auto o = ctx.config.taxonomy_options.value_or(model::TaxonomyOptions{});
  return !o.preserve_enrichment_fields || o.re_run_enrichment;
}

void EnrichmentFieldsOf(const RunContext& ctx, const std::string& source_collection_id,
                        FingerprintScope* scope) {
  scope->excluded_field_prefixes.insert("_taxonomy_");
  for (const auto& c : ctx.plan.snapshot.collections) {
    if (c.collection_id != source_collection_id) continue;
    for (const auto& app : c.taxonomy_applications) {
      for (const auto& t : ctx.plan.snapshot.taxonomies) {
        if (t.taxonomy_id != app.taxonomy_id) continue;
        auto add = [scope](const std::optional<std::vector<model::EnrichmentField>>& fields) {
          if (!fields) return;
          for (const auto& f : *fields) {
            scope->excluded_fields.insert(
                f.target_field.value_or(model::DefaultTargetField(f.field_path)));
          }
        };
        add(t.enrichment_fields);
        for (const auto& n : t.nodes) add(n.enrichment_fields);
      }
    }
  }
}

}  // namespace ferry::migration
