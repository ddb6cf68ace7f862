#pragma once
// Taxonomies of a namespace (part of NamespaceStore). Implementations are thread-safe;
// each call is atomic.

#include <string>
#include <vector>

#include "common/result.h"
#include "model/resources.h"
#include "model/taxonomy.h"

namespace ferry::storage {

class TaxonomyStore {
 public:
  virtual ~TaxonomyStore() = default;

  // AlreadyExists on id or name.
  virtual Status InsertTaxonomy(const model::Taxonomy& t) = 0;
  virtual Result<model::Taxonomy> GetTaxonomy(const std::string& taxonomy_id) = 0;
  virtual Result<model::Taxonomy> GetTaxonomyByName(const std::string& name) = 0;
  // Ordered by created_at then id.
  virtual Result<std::vector<model::Taxonomy>> ListTaxonomies(const model::Page& page) = 0;
  virtual Result<int64_t> CountTaxonomies() = 0;
  // Replaces the stored taxonomy with the same id. NotFound when absent; AlreadyExists
  // when the new name is another taxonomy's.
  virtual Status UpdateTaxonomy(const model::Taxonomy& t) = 0;
  // NotFound when absent.
  virtual Status DeleteTaxonomy(const std::string& taxonomy_id) = 0;
};

}  // namespace ferry::storage
