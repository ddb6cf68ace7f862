// PgNamespaceStore: collections, documents with their vectors, and the keyset id pages
// and created_at range counts of objects and documents.

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "storage/postgres/pg_array_param.h"
#include "storage/postgres/pg_change_log.h"
#include "storage/postgres/pg_namespace_store.h"
#include "storage/postgres/pg_ns_rows.h"
#include "storage/postgres/pg_params.h"
#include "storage/postgres/pg_records.h"
#include "storage/postgres/pg_rows.h"

namespace ferry::storage::postgres {
namespace {

constexpr char kCollectionColumns[] =
    "collection_id, collection_name, description, source, extractor, input_schema, "
    "output_schema, enabled, metadata, root_bucket_ids, created_at, updated_at, "
    "taxonomy_applications";

Result<model::Collection> ReadCollection(const pqxx::row& row) {
  model::Collection c;
  c.collection_id = ReadText(row[0]);
  c.collection_name = ReadText(row[1]);
  c.description = ReadOptionalText(row[2]);
  if (!DecodeSource(ReadBytes(row[3]), &c.source)) return CorruptField("collections.source");
  if (!DecodeExtractor(ReadBytes(row[4]), &c.extractor)) {
    return CorruptField("collections.extractor");
  }
  if (!DecodeSchema(ReadBytes(row[5]), &c.input_schema) ||
      !DecodeSchema(ReadBytes(row[6]), &c.output_schema)) {
    return CorruptField("collections.input_schema/output_schema");
  }
  c.enabled = row[7].as<bool>();
  if (!DecodeValueBlob(ReadBytes(row[8]), &c.metadata)) {
    return CorruptField("collections.metadata");
  }
  if (!DecodeStrings(ReadBytes(row[9]), &c.root_bucket_ids)) {
    return CorruptField("collections.root_bucket_ids");
  }
  c.created_at = ReadInt(row[10]);
  c.updated_at = ReadInt(row[11]);
  if (!DecodeTaxonomyApplicationsRecord(row[12].is_null() ? "" : ReadBytes(row[12]),
                                        &c.taxonomy_applications)) {
    return CorruptField("collections.taxonomy_applications");
  }
  return c;
}

// Keyset page of a parent's child ids (objects of a bucket, documents of a collection).
Result<std::vector<std::string>> ListIds(pqxx::work& tx, const std::string& ns, const char* table,
                                         const char* parent, const char* id,
                                         const std::string& parent_id, const IdQuery& q) {
  if (q.limit <= 0) return std::vector<std::string>{};
  auto r = tx.exec_params(
      Sql({"SELECT ", id, " FROM ", table, " WHERE namespace_id = $1 AND ", parent, " = $2 AND ",
           id, " > $3 AND ($4::bigint IS NULL OR created_at >= $4) AND ",
           "($5::bigint IS NULL OR created_at < $5) ORDER BY ", id, " LIMIT $6"}),
      ns, parent_id, q.after_id, q.created_after, q.created_before, q.limit);
  std::vector<std::string> out;
  out.reserve(r.size());
  for (const auto& row : r) out.push_back(ReadText(row[0]));
  return out;
}

Result<int64_t> CountInRange(pqxx::work& tx, const std::string& ns, const char* table,
                             const char* parent, const std::string& parent_id,
                             std::optional<TimestampMs> after, std::optional<TimestampMs> before) {
  return ReadInt(
      tx.exec_params(Sql({"SELECT COUNT(*) FROM ", table, " WHERE namespace_id = $1 AND ", parent,
                          " = $2 AND ($3::bigint IS NULL OR created_at >= $3) AND "
                          "($4::bigint IS NULL OR created_at < $4)"}),
                     ns, parent_id, after, before)[0][0]);
}

}  // namespace

// ---- id pages ----

Result<std::vector<std::string>> PgNamespaceStore::ListObjectIds(const std::string& bucket_id,
                                                                 const IdQuery& query) {
  return Run("list object ids", [&](pqxx::work& tx) {
    return ListIds(tx, ns_, "objects", "bucket_id", "object_id", bucket_id, query);
  });
}

Result<int64_t> PgNamespaceStore::CountObjectsInRange(const std::string& bucket_id,
                                                      std::optional<TimestampMs> after,
                                                      std::optional<TimestampMs> before) {
  return Run("count objects", [&](pqxx::work& tx) {
    return CountInRange(tx, ns_, "objects", "bucket_id", bucket_id, after, before);
  });
}

Result<std::vector<std::string>> PgNamespaceStore::ListDocumentIds(const std::string& collection_id,
                                                                   const IdQuery& query) {
  return Run("list document ids", [&](pqxx::work& tx) {
    return ListIds(tx, ns_, "documents", "collection_id", "document_id", collection_id, query);
  });
}

Result<int64_t> PgNamespaceStore::CountDocumentsInRange(const std::string& collection_id,
                                                        std::optional<TimestampMs> after,
                                                        std::optional<TimestampMs> before) {
  return Run("count documents", [&](pqxx::work& tx) {
    return CountInRange(tx, ns_, "documents", "collection_id", collection_id, after, before);
  });
}

// ---- collections ----

Status PgNamespaceStore::InsertCollection(const model::Collection& c) {
  return Run("insert collection", [&](pqxx::work& tx) -> Status {
    tx.exec_params(Sql({"INSERT INTO collections (namespace_id, ", kCollectionColumns,
                        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"}),
                   ns_, c.collection_id, c.collection_name, c.description,
                   Bytes(EncodeSource(c.source)), Bytes(EncodeExtractor(c.extractor)),
                   Bytes(EncodeSchema(c.input_schema)), Bytes(EncodeSchema(c.output_schema)),
                   c.enabled, Bytes(EncodeValueBlob(c.metadata)),
                   Bytes(EncodeStrings(c.root_bucket_ids)), c.created_at, c.updated_at,
                   Bytes(EncodeTaxonomyApplicationsRecord(c.taxonomy_applications)));
    return Status::Ok();
  });
}

Result<model::Collection> PgNamespaceStore::GetCollection(const std::string& collection_id) {
  return Run("get collection", [&](pqxx::work& tx) -> Result<model::Collection> {
    auto r =
        tx.exec_params(Sql({"SELECT ", kCollectionColumns,
                            " FROM collections WHERE namespace_id = $1 AND collection_id = $2"}),
                       ns_, collection_id);
    if (r.empty()) return Status::NotFound("collection not found: " + collection_id);
    return ReadCollection(r[0]);
  });
}

Result<model::Collection> PgNamespaceStore::GetCollectionByName(const std::string& name) {
  return Run("get collection", [&](pqxx::work& tx) -> Result<model::Collection> {
    auto r =
        tx.exec_params(Sql({"SELECT ", kCollectionColumns,
                            " FROM collections WHERE namespace_id = $1 AND collection_name = $2"}),
                       ns_, name);
    if (r.empty()) return Status::NotFound("collection not found: " + name);
    return ReadCollection(r[0]);
  });
}

Result<std::vector<model::Collection>> PgNamespaceStore::ListCollections(const model::Page& page) {
  return Run("list collections", [&](pqxx::work& tx) -> Result<std::vector<model::Collection>> {
    auto r = tx.exec_params(Sql({"SELECT ", kCollectionColumns,
                                 " FROM collections WHERE namespace_id = $1 "
                                 "ORDER BY created_at, collection_id LIMIT $2 OFFSET $3"}),
                            ns_, page.limit, page.offset);
    return ReadAll<model::Collection>(r, ReadCollection);
  });
}

Result<int64_t> PgNamespaceStore::CountCollections() {
  return Run("count collections", [&](pqxx::work& tx) -> Result<int64_t> {
    return ReadInt(
        tx.exec_params("SELECT COUNT(*) FROM collections WHERE namespace_id = $1", ns_)[0][0]);
  });
}

Status PgNamespaceStore::DeleteCollection(const std::string& collection_id) {
  return Run("delete collection", [&](pqxx::work& tx) -> Status {
    auto r =
        tx.exec_params("DELETE FROM collections WHERE namespace_id = $1 AND collection_id = $2",
                       ns_, collection_id);
    if (r.affected_rows() == 0) return Status::NotFound("collection not found: " + collection_id);
    return Status::Ok();
  });
}

// ---- documents ----

Status PgNamespaceStore::UpsertDocuments(const std::vector<model::Document>& docs) {
  return Run("upsert documents", [&](pqxx::work& tx) -> Status {
    FERRY_RETURN_IF_ERROR(UpsertDocumentRows(tx, ns_, docs));
    std::vector<ChangeRecord> log;
    log.reserve(docs.size());
    for (const auto& d : docs) {
      log.push_back({ChangeItem::kDocument, d.collection_id, d.document_id, ChangeOp::kUpsert});
    }
    LogChanges(tx, ns_, log);
    return Status::Ok();
  });
}

Result<model::Document> PgNamespaceStore::GetDocument(const std::string& collection_id,
                                                      const std::string& document_id,
                                                      bool with_vectors) {
  return Run("get document", [&](pqxx::work& tx) -> Result<model::Document> {
    auto r = tx.exec_params(Sql({"SELECT ", DocumentColumns(with_vectors),
                                 " FROM documents WHERE namespace_id = $1 AND collection_id = $2 "
                                 "AND document_id = $3"}),
                            ns_, collection_id, document_id);
    if (r.empty()) return Status::NotFound("document not found: " + document_id);
    return ReadDocument(r[0]);
  });
}

Result<std::vector<model::Document>> PgNamespaceStore::ListDocuments(
    const std::string& collection_id, const model::Page& page, bool with_vectors) {
  return Run("list documents", [&](pqxx::work& tx) -> Result<std::vector<model::Document>> {
    auto r = tx.exec_params(Sql({"SELECT ", DocumentColumns(with_vectors),
                                 " FROM documents WHERE namespace_id = $1 AND collection_id = $2 "
                                 "ORDER BY created_at, document_id LIMIT $3 OFFSET $4"}),
                            ns_, collection_id, page.limit, page.offset);
    return ReadAll<model::Document>(r, ReadDocument);
  });
}

Result<std::vector<model::Document>> PgNamespaceStore::ListDocumentsAfter(
    const std::string& collection_id, const std::optional<DocumentCursor>& after, int64_t limit,
    bool with_vectors) {
  if (limit <= 0) return std::vector<model::Document>{};
  return Run("list documents", [&](pqxx::work& tx) -> Result<std::vector<model::Document>> {
    // The row comparison is one range of documents_by_created.
    const std::string where = after ? "AND (created_at, document_id) > ($4, $5) " : "";
    const std::string sql = Sql({"SELECT ", DocumentColumns(with_vectors),
                                 " FROM documents WHERE namespace_id = $1 AND collection_id = $2 ",
                                 where, "ORDER BY created_at, document_id LIMIT $3"});
    auto r = after ? tx.exec_params(sql, ns_, collection_id, limit, after->created_at,
                                    after->document_id)
                   : tx.exec_params(sql, ns_, collection_id, limit);
    return ReadAll<model::Document>(r, ReadDocument);
  });
}

Result<int64_t> PgNamespaceStore::CountDocuments(const std::string& collection_id) {
  return Run("count documents", [&](pqxx::work& tx) -> Result<int64_t> {
    return ReadInt(tx.exec_params(
        "SELECT COUNT(*) FROM documents WHERE namespace_id = $1 AND collection_id = $2", ns_,
        collection_id)[0][0]);
  });
}

Result<int64_t> PgNamespaceStore::CountAllDocuments() {
  return Run("count documents", [&](pqxx::work& tx) -> Result<int64_t> {
    return ReadInt(
        tx.exec_params("SELECT COUNT(*) FROM documents WHERE namespace_id = $1", ns_)[0][0]);
  });
}

Result<std::vector<model::Document>> PgNamespaceStore::GetDocuments(
    const std::string& collection_id, const std::vector<std::string>& ids) {
  return Run("get documents", [&](pqxx::work& tx) -> Result<std::vector<model::Document>> {
    // One primary-key probe per id (as GetObjects).
    auto r =
        tx.exec_params(Sql({"SELECT ", DocumentColumns(true), " FROM unnest($3::text[]) AS u(id) ",
                            ProbeEach("documents", "d", "$1", "document_id", "u.id"),
                            " WHERE d.collection_id = $2"}),
                       ns_, collection_id, TextArray(ids));
    FERRY_ASSIGN_OR_RETURN(auto found, ReadAll<model::Document>(r, ReadDocument));
    return InRequestOrder(
        std::move(found), ids,
        [](const model::Document& d) -> const std::string& { return d.document_id; });
  });
}

Result<std::vector<model::Document>> PgNamespaceStore::ListDocumentsByRootObjects(
    const std::string& collection_id, const std::vector<std::string>& root_object_ids) {
  return Run("list documents by root", [&](pqxx::work& tx) -> Result<std::vector<model::Document>> {
    auto r = tx.exec_params(Sql({"SELECT ", DocumentColumns(true),
                                 " FROM documents WHERE namespace_id = $1 AND collection_id = $2 "
                                 "AND root_object_id = ANY ($3::text[]) "
                                 "ORDER BY document_id"}),
                            ns_, collection_id, TextArray(root_object_ids));
    return ReadAll<model::Document>(r, ReadDocument);
  });
}

Status PgNamespaceStore::DeleteDocumentsByRootObjects(
    const std::string& collection_id, const std::vector<std::string>& root_object_ids) {
  return Run("delete documents by root", [&](pqxx::work& tx) -> Status {
    DeleteDocumentsByRootsLogged(tx, ns_, collection_id, root_object_ids);
    return Status::Ok();
  });
}

}  // namespace ferry::storage::postgres
