#include "storage/postgres/pg_taxonomies.h"

#include "storage/postgres/pg_params.h"
#include "storage/postgres/pg_record_rows.h"
#include "storage/postgres/pg_records.h"

namespace ferry::storage::postgres::pg {
namespace {

Result<model::Taxonomy> OneTaxonomy(const pqxx::result& r, const std::string& key) {
  return ReadOneRecord<model::Taxonomy>(r, DecodeTaxonomyRecord, "taxonomies.body",
                                        "taxonomy not found: " + key);
}

}  // namespace

Status InsertTaxonomy(pqxx::work& tx, const std::string& ns, const model::Taxonomy& t) {
  tx.exec_params(
      "INSERT INTO taxonomies (namespace_id, taxonomy_id, taxonomy_name, body, created_at, "
      "updated_at) VALUES ($1, $2, $3, $4, $5, $6)",
      ns, t.taxonomy_id, t.taxonomy_name, Bytes(EncodeTaxonomyRecord(t)), t.created_at,
      t.updated_at);
  return Status::Ok();
}

Result<model::Taxonomy> GetTaxonomy(pqxx::work& tx, const std::string& ns,
                                    const std::string& taxonomy_id) {
  return OneTaxonomy(
      tx.exec_params("SELECT body FROM taxonomies WHERE namespace_id = $1 AND taxonomy_id = $2", ns,
                     taxonomy_id),
      taxonomy_id);
}

Result<model::Taxonomy> GetTaxonomyByName(pqxx::work& tx, const std::string& ns,
                                          const std::string& name) {
  return OneTaxonomy(
      tx.exec_params("SELECT body FROM taxonomies WHERE namespace_id = $1 AND taxonomy_name = $2",
                     ns, name),
      name);
}

Result<std::vector<model::Taxonomy>> ListTaxonomies(pqxx::work& tx, const std::string& ns,
                                                    const model::Page& page) {
  auto r = tx.exec_params(
      "SELECT body FROM taxonomies WHERE namespace_id = $1 ORDER BY created_at, taxonomy_id "
      "LIMIT $2 OFFSET $3",
      ns, PageLimit(page), PageOffset(page));
  return ReadRecords<model::Taxonomy>(r, DecodeTaxonomyRecord, "taxonomies.body");
}

Result<int64_t> CountTaxonomies(pqxx::work& tx, const std::string& ns) {
  return ReadInt(
      tx.exec_params("SELECT COUNT(*) FROM taxonomies WHERE namespace_id = $1", ns)[0][0]);
}

Status UpdateTaxonomy(pqxx::work& tx, const std::string& ns, const model::Taxonomy& t) {
  auto r = tx.exec_params(
      "UPDATE taxonomies SET taxonomy_name = $3, body = $4, updated_at = $5 "
      "WHERE namespace_id = $1 AND taxonomy_id = $2",
      ns, t.taxonomy_id, t.taxonomy_name, Bytes(EncodeTaxonomyRecord(t)), t.updated_at);
  return ChangedOrNotFound(r, "taxonomy not found: " + t.taxonomy_id);
}

Status DeleteTaxonomy(pqxx::work& tx, const std::string& ns, const std::string& taxonomy_id) {
  auto r = tx.exec_params("DELETE FROM taxonomies WHERE namespace_id = $1 AND taxonomy_id = $2", ns,
                          taxonomy_id);
  return ChangedOrNotFound(r, "taxonomy not found: " + taxonomy_id);
}

Status DropTaxonomies(pqxx::work& tx, const std::string& ns) {
  tx.exec_params("DELETE FROM taxonomies WHERE namespace_id = $1", ns);
  return Status::Ok();
}

}  // namespace ferry::storage::postgres::pg
