#pragma once
// Taxonomies of one namespace (schema step 2), with the contracts of NamespaceStore's
// "Taxonomies" section. Each function runs inside the caller's transaction (PgDb::Run)
// and touches only rows of `ns`.

#include <cstdint>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "common/result.h"
#include "model/resources.h"
#include "model/taxonomy.h"

namespace ferry::storage::postgres::pg {

// AlreadyExists on id or name.
Status InsertTaxonomy(pqxx::work& tx, const std::string& ns, const model::Taxonomy& t);
Result<model::Taxonomy> GetTaxonomy(pqxx::work& tx, const std::string& ns,
                                    const std::string& taxonomy_id);
Result<model::Taxonomy> GetTaxonomyByName(pqxx::work& tx, const std::string& ns,
                                          const std::string& name);
// Ordered by created_at then id.
Result<std::vector<model::Taxonomy>> ListTaxonomies(pqxx::work& tx, const std::string& ns,
                                                    const model::Page& page);
Result<int64_t> CountTaxonomies(pqxx::work& tx, const std::string& ns);
// NotFound when absent; AlreadyExists when the new name is another taxonomy's.
Status UpdateTaxonomy(pqxx::work& tx, const std::string& ns, const model::Taxonomy& t);
// NotFound when absent.
Status DeleteTaxonomy(pqxx::work& tx, const std::string& ns, const std::string& taxonomy_id);

// Removes every taxonomy of `ns` (its data is dropped).
Status DropTaxonomies(pqxx::work& tx, const std::string& ns);

}  // namespace ferry::storage::postgres::pg
