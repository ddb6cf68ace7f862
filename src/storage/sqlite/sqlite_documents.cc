// SqliteNamespaceStore: documents and their vectors.

#include <algorithm>
#include <iterator>
#include <set>
#include <string_view>
#include <utility>

#include "storage/sqlite/record_codec.h"
#include "storage/sqlite/sqlite_namespace_store.h"
#include "storage/sqlite/sqlite_write_rows.h"

namespace ferry::storage::sqlite {
namespace {

constexpr char kDocumentColumns[] =
    "document_id, collection_id, fields, source_type, root_object_id, root_bucket_id, "
    "source_object_id, source_document_id, source_collection_id, lineage_path, modality, "
    "ingestion_status, error, batch_id, created_at, updated_at";

std::string Select(const char* columns, const char* rest) {
  return std::string("SELECT ") + columns + " " + rest;
}

Result<model::Document> ReadDocument(const Statement& row) {
  model::Document d;
  d.document_id = row.Text(0);
  d.collection_id = row.Text(1);
  if (!DecodeValueBlob(row.Blob(2), &d.fields)) return CorruptField("documents.fields");
  auto source_type = model::ParseSourceType(row.Text(3));
  if (!source_type.has_value()) return CorruptField("documents.source_type");
  d.lineage.source_type = *source_type;
  d.lineage.root_object_id = row.Text(4);
  d.lineage.root_bucket_id = row.Text(5);
  d.lineage.source_object_id = row.OptionalText(6);
  d.lineage.source_document_id = row.OptionalText(7);
  d.lineage.source_collection_id = row.OptionalText(8);
  d.lineage.path = row.Text(9);
  d.modality = row.Text(10);
  d.ingestion_status = row.Text(11);
  d.error = row.OptionalText(12);
  d.batch_id = row.Text(13);
  d.created_at = row.Int(14);
  d.updated_at = row.Int(15);
  return d;
}

Status LoadVectors(SqliteDb& db, model::Document* doc) {
  FERRY_ASSIGN_OR_RETURN(Statement stmt, db.Prepare("SELECT feature_uri, dims, data FROM vectors "
                                                    "WHERE document_id = ? ORDER BY position"));
  stmt.BindText(1, doc->document_id);
  FERRY_ASSIGN_OR_RETURN(doc->vectors,
                         FetchAll(stmt, [](const Statement& row) -> Result<model::FeatureVector> {
                           model::FeatureVector v;
                           v.feature_uri = row.Text(0);
                           if (!DecodeFloats(row.Blob(2), row.Int(1), &v.values))
                             return CorruptField("vectors.data");
                           return v;
                         }));
  return Status::Ok();
}

Status LoadAllVectors(SqliteDb& db, std::vector<model::Document>* docs) {
  for (auto& doc : *docs) FERRY_RETURN_IF_ERROR(LoadVectors(db, &doc));
  return Status::Ok();
}

Status WriteDocumentRow(SqliteDb& db, const model::Document& d) {
  // An upsert that updates in place rather than REPLACE (delete + insert), so the row's
  // identity is stable and no cascade fires; the vectors are rewritten separately.
  FERRY_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare(std::string("INSERT INTO documents (") + kDocumentColumns +
                 ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                 "ON CONFLICT (document_id) DO UPDATE SET collection_id = excluded.collection_id, "
                 "fields = excluded.fields, source_type = excluded.source_type, "
                 "root_object_id = excluded.root_object_id, "
                 "root_bucket_id = excluded.root_bucket_id, "
                 "source_object_id = excluded.source_object_id, "
                 "source_document_id = excluded.source_document_id, "
                 "source_collection_id = excluded.source_collection_id, "
                 "lineage_path = excluded.lineage_path, modality = excluded.modality, "
                 "ingestion_status = excluded.ingestion_status, error = excluded.error, "
                 "batch_id = excluded.batch_id, created_at = excluded.created_at, "
                 "updated_at = excluded.updated_at"));
  stmt.BindText(1, d.document_id);
  stmt.BindText(2, d.collection_id);
  stmt.BindBlob(3, EncodeValueBlob(d.fields));
  stmt.BindText(4, model::SourceTypeName(d.lineage.source_type));
  stmt.BindText(5, d.lineage.root_object_id);
  stmt.BindText(6, d.lineage.root_bucket_id);
  stmt.BindOptionalText(7, d.lineage.source_object_id);
  stmt.BindOptionalText(8, d.lineage.source_document_id);
  stmt.BindOptionalText(9, d.lineage.source_collection_id);
  stmt.BindText(10, d.lineage.path);
  stmt.BindText(11, d.modality);
  stmt.BindText(12, d.ingestion_status);
  stmt.BindOptionalText(13, d.error);
  stmt.BindText(14, d.batch_id);
  stmt.BindInt(15, d.created_at);
  stmt.BindInt(16, d.updated_at);
  return stmt.Run();
}

Status WriteVectors(SqliteDb& db, const model::Document& d) {
  FERRY_ASSIGN_OR_RETURN(Statement clear, db.Prepare("DELETE FROM vectors WHERE document_id = ?"));
  clear.BindText(1, d.document_id);
  FERRY_RETURN_IF_ERROR(clear.Run());
  for (size_t i = 0; i < d.vectors.size(); ++i) {
    const model::FeatureVector& v = d.vectors[i];
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("INSERT INTO vectors (document_id, feature_uri, position, "
                                      "dims, data) VALUES (?, ?, ?, ?, ?)"));
    stmt.BindText(1, d.document_id);
    stmt.BindText(2, v.feature_uri);
    stmt.BindInt(3, static_cast<int64_t>(i));
    stmt.BindInt(4, static_cast<int64_t>(v.values.size()));
    stmt.BindBlob(5, EncodeFloats(v.values));
    FERRY_RETURN_IF_ERROR(stmt.Run());
  }
  return Status::Ok();
}

// InvalidArgument when two vectors of a document share a feature URI (they would overwrite
// each other).
Status CheckVectors(const model::Document& d) {
  std::set<std::string_view> seen;
  for (const auto& v : d.vectors) {
    if (!seen.insert(v.feature_uri).second) {
      return Status::InvalidArgument("document " + d.document_id + " has two vectors for " +
                                     v.feature_uri);
    }
  }
  return Status::Ok();
}

Status UpsertDocumentsLocked(SqliteDb& db, const std::vector<model::Document>& docs) {
  std::set<std::string> known_collections;
  for (const model::Document& d : docs) {
    FERRY_RETURN_IF_ERROR(CheckVectors(d));
    if (!known_collections.contains(d.collection_id)) {
      FERRY_ASSIGN_OR_RETURN(bool exists,
                             RowExists(db, "collections", "collection_id", d.collection_id));
      if (!exists) return Status::NotFound("collection not found: " + d.collection_id);
      known_collections.insert(d.collection_id);
    }
    FERRY_RETURN_IF_ERROR(WriteDocumentRow(db, d));
    FERRY_RETURN_IF_ERROR(WriteVectors(db, d));
  }
  return Status::Ok();
}

// Distinct ids, so a repeated root id does not yield its documents twice.
std::set<std::string> Distinct(const std::vector<std::string>& ids) {
  return std::set<std::string>(ids.begin(), ids.end());
}

}  // namespace

Status UpsertDocumentRows(SqliteDb& db, const std::vector<model::Document>& docs) {
  return UpsertDocumentsLocked(db, docs);
}

// ---- documents ----

Status SqliteNamespaceStore::UpsertDocuments(const std::vector<model::Document>& docs) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    return InTransaction(db, [&] { return UpsertDocumentsLocked(db, docs); });
  });
}

Result<model::Document> SqliteNamespaceStore::GetDocument(const std::string& collection_id,
                                                          const std::string& document_id,
                                                          bool with_vectors) {
  return db_->Locked([&](SqliteDb& db) -> Result<model::Document> {
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare(Select(kDocumentColumns,
                          "FROM documents WHERE collection_id = ? AND document_id = ?")));
    stmt.BindText(1, collection_id);
    stmt.BindText(2, document_id);
    FERRY_ASSIGN_OR_RETURN(model::Document doc,
                           FetchOne(stmt, ReadDocument, "document not found: " + document_id));
    if (with_vectors) FERRY_RETURN_IF_ERROR(LoadVectors(db, &doc));
    return doc;
  });
}

Result<std::vector<model::Document>> SqliteNamespaceStore::ListDocuments(
    const std::string& collection_id, const model::Page& page, bool with_vectors) {
  return db_->Locked([&](SqliteDb& db) -> Result<std::vector<model::Document>> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare(Select(kDocumentColumns,
                                             "FROM documents WHERE collection_id = ? "
                                             "ORDER BY created_at, document_id LIMIT ? OFFSET ?")));
    stmt.BindText(1, collection_id);
    stmt.BindInt(2, page.limit);
    stmt.BindInt(3, page.offset);
    FERRY_ASSIGN_OR_RETURN(std::vector<model::Document> docs, FetchAll(stmt, ReadDocument));
    if (with_vectors) FERRY_RETURN_IF_ERROR(LoadAllVectors(db, &docs));
    return docs;
  });
}

Result<int64_t> SqliteNamespaceStore::CountDocuments(const std::string& collection_id) {
  return db_->Locked([&](SqliteDb& db) -> Result<int64_t> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("SELECT COUNT(*) FROM documents WHERE collection_id = ?"));
    stmt.BindText(1, collection_id);
    return FetchInt(stmt);
  });
}

Result<int64_t> SqliteNamespaceStore::CountAllDocuments() {
  return db_->Locked([](SqliteDb& db) -> Result<int64_t> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt, db.Prepare("SELECT COUNT(*) FROM documents"));
    return FetchInt(stmt);
  });
}

Result<std::vector<model::Document>> SqliteNamespaceStore::GetDocuments(
    const std::string& collection_id, const std::vector<std::string>& ids) {
  return db_->Locked([&](SqliteDb& db) -> Result<std::vector<model::Document>> {
    // One primary-key lookup per id keeps the caller's order and the statement cached.
    std::vector<model::Document> docs;
    for (const std::string& id : ids) {
      FERRY_ASSIGN_OR_RETURN(
          Statement stmt,
          db.Prepare(Select(kDocumentColumns,
                            "FROM documents WHERE document_id = ? AND collection_id = ?")));
      stmt.BindText(1, id);
      stmt.BindText(2, collection_id);
      FERRY_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) continue;
      FERRY_ASSIGN_OR_RETURN(model::Document doc, ReadDocument(stmt));
      docs.push_back(std::move(doc));
    }
    FERRY_RETURN_IF_ERROR(LoadAllVectors(db, &docs));
    return docs;
  });
}

Result<std::vector<model::Document>> SqliteNamespaceStore::ListDocumentsByRootObjects(
    const std::string& collection_id, const std::vector<std::string>& root_object_ids) {
  return db_->Locked([&](SqliteDb& db) -> Result<std::vector<model::Document>> {
    // One indexed lookup per root id on (collection_id, root_object_id); no variable-length
    // IN list, so statements stay cached.
    std::vector<model::Document> docs;
    for (const std::string& root : Distinct(root_object_ids)) {
      FERRY_ASSIGN_OR_RETURN(
          Statement stmt,
          db.Prepare(Select(kDocumentColumns,
                            "FROM documents WHERE collection_id = ? AND root_object_id = ?")));
      stmt.BindText(1, collection_id);
      stmt.BindText(2, root);
      FERRY_ASSIGN_OR_RETURN(std::vector<model::Document> found, FetchAll(stmt, ReadDocument));
      std::move(found.begin(), found.end(), std::back_inserter(docs));
    }
    std::sort(docs.begin(), docs.end(),
              [](const auto& a, const auto& b) { return a.document_id < b.document_id; });
    FERRY_RETURN_IF_ERROR(LoadAllVectors(db, &docs));
    return docs;
  });
}

Status SqliteNamespaceStore::DeleteDocumentsByRootObjects(
    const std::string& collection_id, const std::vector<std::string>& root_object_ids) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    return InTransaction(db, [&]() -> Status {
      for (const std::string& root : Distinct(root_object_ids)) {
        FERRY_ASSIGN_OR_RETURN(
            Statement stmt,
            db.Prepare("DELETE FROM documents WHERE collection_id = ? AND root_object_id = ?"));
        stmt.BindText(1, collection_id);
        stmt.BindText(2, root);
        FERRY_RETURN_IF_ERROR(stmt.Run());
      }
      return Status::Ok();
    });
  });
}

}  // namespace ferry::storage::sqlite
