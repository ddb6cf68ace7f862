// SqliteNamespaceStore: taxonomies (schema v6). Each taxonomy is stored whole as a
// record BLOB (`body`); the columns beside it exist only for lookups and ordering.

#include <string>
#include <vector>

#include "storage/records/record_codec.h"
#include "storage/records/taxonomy_records.h"
#include "storage/sqlite/sqlite_namespace_store.h"

namespace ferry::storage::sqlite {
namespace {

Result<model::Taxonomy> ReadTaxonomy(const Statement& row) {
  model::Taxonomy t;
  if (!records::DecodeTaxonomyRecord(row.Blob(0), &t))
    return records::CorruptField("taxonomies.body");
  return t;
}

}  // namespace

Status SqliteNamespaceStore::InsertTaxonomy(const model::Taxonomy& t) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("INSERT INTO taxonomies (taxonomy_id, taxonomy_name, body, "
                                      "created_at, updated_at) VALUES (?, ?, ?, ?, ?)"));
    stmt.BindText(1, t.taxonomy_id);
    stmt.BindText(2, t.taxonomy_name);
    stmt.BindBlob(3, records::EncodeTaxonomyRecord(t));
    stmt.BindInt(4, t.created_at);
    stmt.BindInt(5, t.updated_at);
    return stmt.Run();
  });
}

Result<model::Taxonomy> SqliteNamespaceStore::GetTaxonomy(const std::string& taxonomy_id) {
  return db_->Locked([&](SqliteDb& db) -> Result<model::Taxonomy> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("SELECT body FROM taxonomies WHERE taxonomy_id = ?"));
    stmt.BindText(1, taxonomy_id);
    return FetchOne(stmt, ReadTaxonomy, "taxonomy not found: " + taxonomy_id);
  });
}

Result<model::Taxonomy> SqliteNamespaceStore::GetTaxonomyByName(const std::string& name) {
  return db_->Locked([&](SqliteDb& db) -> Result<model::Taxonomy> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("SELECT body FROM taxonomies WHERE taxonomy_name = ?"));
    stmt.BindText(1, name);
    return FetchOne(stmt, ReadTaxonomy, "taxonomy not found: " + name);
  });
}

Result<std::vector<model::Taxonomy>> SqliteNamespaceStore::ListTaxonomies(const model::Page& page) {
  return db_->Locked([&](SqliteDb& db) -> Result<std::vector<model::Taxonomy>> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("SELECT body FROM taxonomies ORDER BY created_at, "
                                      "taxonomy_id LIMIT ? OFFSET ?"));
    stmt.BindInt(1, page.limit);
    stmt.BindInt(2, page.offset);
    return FetchAll(stmt, ReadTaxonomy);
  });
}

Result<int64_t> SqliteNamespaceStore::CountTaxonomies() {
  return db_->Locked([](SqliteDb& db) -> Result<int64_t> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt, db.Prepare("SELECT COUNT(*) FROM taxonomies"));
    return FetchInt(stmt);
  });
}

Status SqliteNamespaceStore::UpdateTaxonomy(const model::Taxonomy& t) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("UPDATE taxonomies SET taxonomy_name = ?, body = ?, "
                                      "updated_at = ? WHERE taxonomy_id = ?"));
    stmt.BindText(1, t.taxonomy_name);
    stmt.BindBlob(2, records::EncodeTaxonomyRecord(t));
    stmt.BindInt(3, t.updated_at);
    stmt.BindText(4, t.taxonomy_id);
    FERRY_RETURN_IF_ERROR(stmt.Run());
    if (db.Changes() == 0) return Status::NotFound("taxonomy not found: " + t.taxonomy_id);
    return Status::Ok();
  });
}

Status SqliteNamespaceStore::DeleteTaxonomy(const std::string& taxonomy_id) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("DELETE FROM taxonomies WHERE taxonomy_id = ?"));
    stmt.BindText(1, taxonomy_id);
    FERRY_RETURN_IF_ERROR(stmt.Run());
    if (db.Changes() == 0) return Status::NotFound("taxonomy not found: " + taxonomy_id);
    return Status::Ok();
  });
}

}  // namespace ferry::storage::sqlite
