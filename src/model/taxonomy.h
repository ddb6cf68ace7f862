#pragma once
// Taxonomies (DESIGN.md §1): enrich documents with fields of their best match in a
// reference collection, found through a retriever. A flat taxonomy has one reference
// collection; a hierarchical one a tree of them (nodes linked by parent_collection_id),
// matched level by level. Collections name the taxonomies they apply after ingestion.
// Plain structs; the codec owns the wire names, storage persists them.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "model/value.h"

namespace ferry::model {

// How one retriever input is built from a document (Mixpeek's InputMapping).
struct InputMapping {
  std::string input_key;
  std::string source_type = "payload";  // "payload" | "literal" (vector is not supported)
  std::optional<std::string> path;      // dotted path into the document's fields (payload)
  Value override_value;                 // the literal value (source_type "literal")
};

// A field copied from the matched reference document (Mixpeek's EnrichmentField).
struct EnrichmentField {
  std::string field_path;                   // dotted path in the reference document's fields
  std::optional<std::string> target_field;  // default: "_taxonomy_" + field_path ('.' → '_')
  std::string merge_mode = "replace";       // "replace" | "append"
};

// One level of a hierarchical taxonomy (Mixpeek's HierarchicalNode).
struct TaxonomyNode {
  std::string collection_id;
  std::optional<std::string> parent_collection_id;  // none: a root
  std::optional<std::string> label;
  std::optional<std::string> summary;
  std::optional<std::vector<std::string>> keywords;
  std::optional<std::string> retriever_id;                        // none: the taxonomy's
  std::optional<std::vector<EnrichmentField>> enrichment_fields;  // none: nothing copied
  std::optional<std::vector<InputMapping>> input_mappings;        // none: the taxonomy's
};

struct Taxonomy {
  std::string taxonomy_id;  // "tax_…"
  std::string taxonomy_name;
  std::optional<std::string> description;
  std::string taxonomy_type = "flat";  // "flat" | "hierarchical"
  // Flat: required. Hierarchical: the defaults of nodes that do not set their own.
  std::optional<std::string> retriever_id;
  std::optional<std::vector<InputMapping>> input_mappings;
  // Flat only: the reference collection and the fields copied from its matches
  // (nullopt: every field of the match).
  std::string source_collection_id;
  std::optional<std::vector<EnrichmentField>> enrichment_fields;
  // Hierarchical only, in the order given.
  std::vector<TaxonomyNode> nodes;
  Value step_analytics;  // null or object, kept as given
  Value metadata;        // object
  int64_t version = 1;   // +1 on every patch
  TimestampMs created_at = 0;
  TimestampMs updated_at = 0;

  // Every reference collection (flat: the source collection; hierarchical: the nodes').
  std::vector<std::string> ReferenceCollectionIds() const;
  // Every retriever named (taxonomy level and nodes), without duplicates.
  std::vector<std::string> RetrieverIds() const;
};

struct TaxonomyPatch {
  std::optional<std::string> taxonomy_name;
  std::optional<std::string> description;
  std::optional<Value> metadata;
};

// Execute request: enrich sample documents (returned, not stored) or, when
// `target_collection_id` is set, every document of that collection (stored).
struct TaxonomyExecute {
  std::optional<std::vector<Value>> source_documents;  // objects: document fields
  std::optional<std::string> target_collection_id;     // id or name
  int64_t batch_size = 1000;                           // documents read per page
};

// A taxonomy a collection applies to its new documents (TaxonomyApplicationConfig).
struct TaxonomyApplication {
  std::string taxonomy_id;
  std::string execution_mode = "materialize";
  std::optional<std::string> target_collection_id;  // only in place (none) is supported
  Value scroll_filters;                             // null or object, kept as given
  int64_t execution_phase = 1;                      // 1–3; lower runs earlier
  int64_t priority = 0;                             // 0–1000; higher runs first in a phase
  std::string hierarchical_enrichment_style = "combined";
};

// Applications in the order they run: execution_phase ascending, priority descending,
// then as given.
std::vector<TaxonomyApplication> InRunOrder(std::vector<TaxonomyApplication> apps);

// The default target field of an enrichment field: "_taxonomy_" + path with '.' → '_'.
std::string DefaultTargetField(const std::string& field_path);

}  // namespace ferry::model
