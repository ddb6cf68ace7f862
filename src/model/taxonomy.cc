#include "model/taxonomy.h"

#include <algorithm>

namespace ferry::model {

namespace {

void AddUnique(std::vector<std::string>* out, const std::string& id) {
  if (!id.empty() && std::find(out->begin(), out->end(), id) == out->end()) out->push_back(id);
}

}  // namespace

std::vector<std::string> Taxonomy::ReferenceCollectionIds() const {
  std::vector<std::string> out;
  if (taxonomy_type == "flat") AddUnique(&out, source_collection_id);
  for (const auto& n : nodes) AddUnique(&out, n.collection_id);
  return out;
}

std::vector<std::string> Taxonomy::RetrieverIds() const {
  std::vector<std::string> out;
  if (retriever_id) AddUnique(&out, *retriever_id);
  for (const auto& n : nodes) {
    if (n.retriever_id) AddUnique(&out, *n.retriever_id);
  }
  return out;
}

std::vector<TaxonomyApplication> InRunOrder(std::vector<TaxonomyApplication> apps) {
  std::stable_sort(apps.begin(), apps.end(), [](const auto& a, const auto& b) {
    if (a.execution_phase != b.execution_phase) return a.execution_phase < b.execution_phase;
    return a.priority > b.priority;
  });
  return apps;
}

std::string DefaultTargetField(const std::string& field_path) {
  std::string out = "_taxonomy_" + field_path;
  std::replace(out.begin(), out.end(), '.', '_');
  return out;
}

}  // namespace ferry::model
