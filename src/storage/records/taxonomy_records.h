#pragma once
// Record encodings of taxonomies and of a collection's taxonomy_applications
// (model::EncodeValue format via a model::Value built here).

#include <string>
#include <string_view>
#include <vector>

#include "model/taxonomy.h"

namespace ferry::storage::records {

std::string EncodeTaxonomyRecord(const model::Taxonomy& t);
bool DecodeTaxonomyRecord(std::string_view bytes, model::Taxonomy* t);

std::string EncodeTaxonomyApplicationsRecord(const std::vector<model::TaxonomyApplication>& apps);
// Empty bytes (a NULL column) decode to no applications.
bool DecodeTaxonomyApplicationsRecord(std::string_view bytes,
                                      std::vector<model::TaxonomyApplication>* apps);

}  // namespace ferry::storage::records
