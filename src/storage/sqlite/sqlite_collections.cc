// SqliteNamespaceStore: collections.

#include <string>
#include <vector>

#include "storage/records/record_codec.h"
#include "storage/records/taxonomy_records.h"
#include "storage/sqlite/sqlite_namespace_store.h"

namespace ferry::storage::sqlite {
namespace {

constexpr char kCollectionColumns[] =
    "collection_id, collection_name, description, source, extractor, input_schema, "
    "output_schema, enabled, metadata, root_bucket_ids, created_at, updated_at, "
    "taxonomy_applications";

std::string Select(const char* columns, const char* rest) {
  return std::string("SELECT ") + columns + " " + rest;
}

Result<model::Collection> ReadCollection(const Statement& row) {
  model::Collection c;
  c.collection_id = row.Text(0);
  c.collection_name = row.Text(1);
  c.description = row.OptionalText(2);
  if (!records::DecodeSource(row.Blob(3), &c.source))
    return records::CorruptField("collections.source");
  if (!records::DecodeExtractor(row.Blob(4), &c.extractor))
    return records::CorruptField("collections.extractor");
  if (!records::DecodeSchema(row.Blob(5), &c.input_schema) ||
      !records::DecodeSchema(row.Blob(6), &c.output_schema)) {
    return records::CorruptField("collections.input_schema/output_schema");
  }
  c.enabled = row.Int(7) != 0;
  if (!records::DecodeValueBlob(row.Blob(8), &c.metadata))
    return records::CorruptField("collections.metadata");
  if (!records::DecodeStrings(row.Blob(9), &c.root_bucket_ids)) {
    return records::CorruptField("collections.root_bucket_ids");
  }
  c.created_at = row.Int(10);
  c.updated_at = row.Int(11);
  if (!records::DecodeTaxonomyApplicationsRecord(row.Blob(12), &c.taxonomy_applications)) {
    return records::CorruptField("collections.taxonomy_applications");
  }
  return c;
}

}  // namespace

// ---- collections ----

Status SqliteNamespaceStore::InsertCollection(const model::Collection& c) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt, db.Prepare(std::string("INSERT INTO collections (") + kCollectionColumns +
                                   ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    stmt.BindText(1, c.collection_id);
    stmt.BindText(2, c.collection_name);
    stmt.BindOptionalText(3, c.description);
    stmt.BindBlob(4, records::EncodeSource(c.source));
    stmt.BindBlob(5, records::EncodeExtractor(c.extractor));
    stmt.BindBlob(6, records::EncodeSchema(c.input_schema));
    stmt.BindBlob(7, records::EncodeSchema(c.output_schema));
    stmt.BindInt(8, c.enabled ? 1 : 0);
    stmt.BindBlob(9, records::EncodeValueBlob(c.metadata));
    stmt.BindBlob(10, records::EncodeStrings(c.root_bucket_ids));
    stmt.BindInt(11, c.created_at);
    stmt.BindInt(12, c.updated_at);
    stmt.BindBlob(13, records::EncodeTaxonomyApplicationsRecord(c.taxonomy_applications));
    return stmt.Run();
  });
}

Result<model::Collection> SqliteNamespaceStore::GetCollection(const std::string& collection_id) {
  return db_->Locked([&](SqliteDb& db) -> Result<model::Collection> {
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare(Select(kCollectionColumns, "FROM collections WHERE collection_id = ?")));
    stmt.BindText(1, collection_id);
    return FetchOne(stmt, ReadCollection, "collection not found: " + collection_id);
  });
}

Result<model::Collection> SqliteNamespaceStore::GetCollectionByName(const std::string& name) {
  return db_->Locked([&](SqliteDb& db) -> Result<model::Collection> {
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare(Select(kCollectionColumns, "FROM collections WHERE collection_name = ?")));
    stmt.BindText(1, name);
    return FetchOne(stmt, ReadCollection, "collection not found: " + name);
  });
}

Result<std::vector<model::Collection>> SqliteNamespaceStore::ListCollections(
    const model::Page& page) {
  return db_->Locked([&](SqliteDb& db) -> Result<std::vector<model::Collection>> {
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare(Select(kCollectionColumns,
                          "FROM collections ORDER BY created_at, collection_id LIMIT ? OFFSET ?")));
    stmt.BindInt(1, page.limit);
    stmt.BindInt(2, page.offset);
    return FetchAll(stmt, ReadCollection);
  });
}

Result<int64_t> SqliteNamespaceStore::CountCollections() {
  return db_->Locked([](SqliteDb& db) -> Result<int64_t> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt, db.Prepare("SELECT COUNT(*) FROM collections"));
    return FetchInt(stmt);
  });
}

Status SqliteNamespaceStore::DeleteCollection(const std::string& collection_id) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    // Documents and their vectors go by cascade, in the same statement.
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("DELETE FROM collections WHERE collection_id = ?"));
    stmt.BindText(1, collection_id);
    FERRY_RETURN_IF_ERROR(stmt.Run());
    if (db.Changes() == 0) return Status::NotFound("collection not found: " + collection_id);
    return Status::Ok();
  });
}

}  // namespace ferry::storage::sqlite
