#pragma once
// Taxonomies in a migration (DESIGN.md §2, taxonomy_options): target definitions with
// their references rewritten, the collections' taxonomy_applications mapped to them,
// and what the taxonomy_enrichment stage may change in the target documents (so that
// finalization's content checksums leave it out).

#include <string>
#include <vector>

#include "migration/reference_rewrite.h"
#include "migration/run_context.h"
#include "migration/verification.h"
#include "model/taxonomy.h"

namespace ferry::migration {

// The target definition of a source taxonomy: `target_id`, reference collections and
// retrievers mapped when migrated, feature URIs (input mapping paths, step_analytics)
// rewritten.
model::Taxonomy RewriteTaxonomy(const ReferenceMap& refs, const model::Taxonomy& source,
                                const std::string& target_id);

// A collection's applications with taxonomy ids mapped to their target ids.
std::vector<model::TaxonomyApplication> RewriteApplications(
    const ReferenceMap& refs, std::vector<model::TaxonomyApplication> apps);

// True when taxonomy_enrichment rewrites document fields (enrichment fields not preserved,
// or enrichment re-run).
bool EnrichmentRewritesFields(const RunContext& ctx);

// The enrichment fields of a source collection's documents: every "_taxonomy_*" field
// (prefix) and the explicit target fields of the migrated taxonomies it applies.
void EnrichmentFieldsOf(const RunContext& ctx, const std::string& source_collection_id,
                        FingerprintScope* scope);

}  // namespace ferry::migration
