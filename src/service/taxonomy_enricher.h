#pragma once
// TaxonomyEnricher: matches documents against a taxonomy's reference collections through
// its retrievers and writes the enrichment fields of the best matches into them.
//
// Matching. Each level (flat: the source collection; hierarchical: a node) evaluates its
// retriever (the node's or the taxonomy's) restricted to that level's collection, with
// inputs built from the document by its input mappings (payload: the value at `path` in
// the document's fields, skipped when absent; literal: `override`). The best match is the
// first document the retriever returns. A flat taxonomy has one level. A hierarchical one
// starts with the root nodes, takes the node whose best match scores highest (ties: the
// node listed first), writes its enrichment and continues with that node's children,
// until a level has no children or no match — so a document gets the enrichment of
// every node on its path from the root (children inherit their parents' fields).
//
// Writing. Each enrichment field copies the match's value at field_path (absent: nothing)
// into target_field (default "_taxonomy_" + path, '.' → '_'): "replace" overwrites,
// "append" turns the target into an array and adds the value (each element of an array
// value) unless already present, so re-running is idempotent. A flat taxonomy without
// enrichment_fields copies every field of the match (except its own "_taxonomy_*"
// fields); a node without enrichment_fields copies nothing.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "model/resources.h"
#include "model/retriever.h"
#include "model/taxonomy.h"
#include "service/namespace_service.h"
#include "service/retriever_service.h"

namespace ferry::service {

// Resolves a retriever id to the definition to evaluate.
using RetrieverLookup = std::function<Result<model::Retriever>(const std::string& retriever_id)>;

// One level of a taxonomy with its retriever resolved.
struct TaxonomyLevel {
  std::string collection_id;
  std::optional<std::string> parent_collection_id;
  model::Retriever retriever;  // collection_ids = {collection_id}
  std::vector<model::InputMapping> input_mappings;
  std::optional<std::vector<model::EnrichmentField>> enrichment_fields;
  bool copy_all = false;  // flat without enrichment_fields
};

struct TaxonomyPlan {
  std::vector<TaxonomyLevel> levels;  // in the taxonomy's node order
};

// Resolves every level's retriever. NotFound when one is absent.
Result<TaxonomyPlan> PlanTaxonomy(const model::Taxonomy& t, const RetrieverLookup& lookup);

// Numbers of one enrichment run (JoinStats).
struct EnrichStats {
  int64_t processed = 0;  // documents looked at
  int64_t enriched = 0;   // documents that matched at least one level
  int64_t batches = 0;
  int64_t errors = 0;  // documents whose retriever evaluation failed
  std::optional<std::string> first_error;
};

class TaxonomyEnricher {
 public:
  explicit TaxonomyEnricher(const RetrieverService& retrievers) : retrievers_(retrievers) {}

  // Enriches `fields` (an object) in place. True when some level matched.
  // InvalidArgument when a retriever cannot be evaluated with the document's inputs.
  Result<bool> EnrichFields(const NamespaceHandle& h, const TaxonomyPlan& plan,
                            model::Value* fields);
  // Enriches documents and writes back those that changed (one transaction). Per-document
  // evaluation failures are counted in `stats`, not returned.
  Status EnrichDocuments(const NamespaceHandle& h, const TaxonomyPlan& plan,
                         std::vector<model::Document> docs, EnrichStats* stats);
  // Every completed document of a collection, `batch_size` at a time.
  Result<EnrichStats> EnrichCollection(const NamespaceHandle& h, const TaxonomyPlan& plan,
                                       const std::string& collection_id, int64_t batch_size);

 private:
  const RetrieverService& retrievers_;
};

// The retriever inputs of a document (object) by `mappings`.
model::Value BuildInputs(const std::vector<model::InputMapping>& mappings,
                         const model::Value& fields);
// Writes the enrichment of `match` (the matched document's fields) into *fields.
void ApplyEnrichment(const TaxonomyLevel& level, const model::Value& match, model::Value* fields);

}  // namespace ferry::service
