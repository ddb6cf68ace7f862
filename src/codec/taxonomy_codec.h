#pragma once
// Wire shapes of taxonomies (CreateTaxonomyRequest, TaxonomyResponse with
// FlatTaxonomyConfig / HierarchicalTaxonomyConfig, PatchTaxonomyRequest,
// ListTaxonomiesRequest, ExecuteTaxonomyRequest, JoinResponse) and of the collection's
// taxonomy_applications (TaxonomyApplicationConfig).

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "codec/json_reader.h"
#include "model/taxonomy.h"

namespace ferry::codec {

// CreateTaxonomyRequest into a Taxonomy without id. config.taxonomy_type defaults to
// "flat". Inference strategies and vector input mappings are refused (not supported).
model::Taxonomy DecodeTaxonomyCreate(JsonReader body);
model::TaxonomyPatch DecodeTaxonomyPatch(JsonReader body);
// ListTaxonomiesRequest: `search` and `case_sensitive`; filters and sort must be null.
struct TaxonomyListQuery {
  std::optional<std::string> search;
  bool case_sensitive = false;
};
TaxonomyListQuery DecodeTaxonomyList(JsonReader body);
// ExecuteTaxonomyRequest or a plain object with source_documents / target_collection_id
// (also accepted as collection_id); join_mode must be "on_demand" when given.
model::TaxonomyExecute DecodeTaxonomyExecute(JsonReader body);

// taxonomy_applications of a collection create request (null or absent: none).
std::vector<model::TaxonomyApplication> DecodeTaxonomyApplications(JsonReader& parent,
                                                                   std::string_view key);
// TaxonomyApplicationConfig-Output list; null when empty.
boost::json::value EncodeTaxonomyApplications(const std::vector<model::TaxonomyApplication>& apps);

// TaxonomyResponse.
boost::json::object EncodeTaxonomy(const model::Taxonomy& t);
// TaxonomyListStats of a list of taxonomies.
boost::json::object EncodeTaxonomyStats(const std::vector<model::Taxonomy>& all);

}  // namespace ferry::codec
