// SqliteNamespaceStore: documents, their vectors packed in their rows.

#include <algorithm>
#include <iterator>
#include <set>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "storage/records/packed_vectors.h"
#include "storage/records/record_codec.h"
#include "storage/sqlite/sqlite_change_log.h"
#include "storage/sqlite/sqlite_keyed_reads.h"
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
  if (!records::DecodeValueBlob(row.Blob(2), &d.fields))
    return records::CorruptField("documents.fields");
  auto source_type = model::ParseSourceType(row.Text(3));
  if (!source_type.has_value()) return records::CorruptField("documents.source_type");
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

// The ids as a JSON array, for json_each(): one bound value, however many ids.
std::string JsonArray(const std::vector<const std::string*>& ids) {
  std::string out = "[";
  for (const std::string* id : ids) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char c : *id) {
      if (c == '"' || c == '\\') {
        out += '\\';
        out += c;
      } else if (static_cast<unsigned char>(c) < 0x20) {
        constexpr char kHex[] = "0123456789abcdef";
        out += "\\u00";
        out += kHex[(c >> 4) & 0xf];
        out += kHex[c & 0xf];
      } else {
        out += c;
      }
    }
    out += '"';
  }
  out += ']';
  return out;
}

// The vectors of every document of `docs` with one query (not one per document), each
// document's in position order: its packed `vectors` column (records/packed_vectors.h).
Status LoadAllVectors(SqliteDb& db, std::vector<model::Document>* docs) {
  if (docs->empty()) return Status::Ok();
  std::unordered_map<std::string_view, std::vector<size_t>> index;  // id → positions in docs
  std::vector<const std::string*> ids;
  for (size_t i = 0; i < docs->size(); ++i) {
    auto [it, inserted] = index.try_emplace((*docs)[i].document_id);
    if (inserted) ids.push_back(&(*docs)[i].document_id);
    it->second.push_back(i);
    (*docs)[i].vectors.clear();
  }
  FERRY_ASSIGN_OR_RETURN(Statement stmt,
                         db.Prepare("SELECT document_id, vectors FROM documents "
                                    "WHERE document_id IN (SELECT value FROM json_each(?1))"));
  stmt.BindText(1, JsonArray(ids));
  std::vector<model::FeatureVector> vectors;
  for (;;) {
    FERRY_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    auto it = index.find(stmt.TextView(0));
    if (it == index.end()) continue;
    if (!records::DecodePackedVectors(stmt.BlobView(1), &vectors)) {
      return records::CorruptField("documents.vectors");
    }
    for (size_t p : it->second) (*docs)[p].vectors = vectors;
  }
  return Status::Ok();
}

Status LoadVectors(SqliteDb& db, model::Document* doc) {
  std::vector<model::Document> one;
  one.push_back(std::move(*doc));
  Status st = LoadAllVectors(db, &one);
  *doc = std::move(one.front());
  return st;
}

// The statements of one UpsertDocumentRows call, prepared once and reused for every row.
// A document is inserted with ON CONFLICT DO NOTHING; only when it already existed is it
// updated in place (not REPLACE: the row's identity is stable and no cascade fires), so
// writing a new document, its vectors packed in its row, costs one INSERT.
class DocumentRowWriter {
 public:
  static Result<DocumentRowWriter> Create(SqliteDb& db) {
    const std::string columns = kDocumentColumns;
    FERRY_ASSIGN_OR_RETURN(
        Statement insert,
        db.Prepare("INSERT INTO documents (" + columns +
                   ", vectors) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
                   "?14, ?15, ?16, ?17) ON CONFLICT (document_id) DO NOTHING"));
    FERRY_ASSIGN_OR_RETURN(
        Statement update,
        db.Prepare("UPDATE documents SET collection_id = ?2, fields = ?3, source_type = ?4, "
                   "root_object_id = ?5, root_bucket_id = ?6, source_object_id = ?7, "
                   "source_document_id = ?8, source_collection_id = ?9, lineage_path = ?10, "
                   "modality = ?11, ingestion_status = ?12, error = ?13, batch_id = ?14, "
                   "created_at = ?15, updated_at = ?16, vectors = ?17 WHERE document_id = ?1"));
    return DocumentRowWriter(db, std::move(insert), std::move(update));
  }

  // REQUIRES: inside a transaction; the document's collection exists.
  Status Write(const model::Document& d) {
    std::string fields = records::EncodeValueBlob(d.fields);
    std::string vectors = records::EncodePackedVectors(d.vectors);
    Bind(insert_, d, fields, vectors);
    Status st = insert_.Run();
    insert_.Reset();
    FERRY_RETURN_IF_ERROR(st);
    if (db_.Changes() != 0) return Status::Ok();
    Bind(update_, d, fields, vectors);  // it existed: update it in place
    st = update_.Run();
    update_.Reset();
    return st;
  }

 private:
  DocumentRowWriter(SqliteDb& db, Statement insert, Statement update)
      : db_(db), insert_(std::move(insert)), update_(std::move(update)) {}

  static void Bind(Statement& stmt, const model::Document& d, const std::string& fields,
                   const std::string& vectors) {
    stmt.BindText(1, d.document_id);
    stmt.BindText(2, d.collection_id);
    stmt.BindBlob(3, fields);
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
    stmt.BindBlob(17, vectors);
  }

  SqliteDb& db_;
  Statement insert_;
  Statement update_;
};

// InvalidArgument when two vectors of a document share a feature URI (they would overwrite
// each other).
Status CheckVectors(const model::Document& d) {
  if (d.vectors.size() < 2) return Status::Ok();
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
  if (docs.empty()) return Status::Ok();
  FERRY_ASSIGN_OR_RETURN(DocumentRowWriter writer, DocumentRowWriter::Create(db));
  std::set<std::string> known_collections;
  for (const model::Document& d : docs) {
    FERRY_RETURN_IF_ERROR(CheckVectors(d));
    if (!known_collections.contains(d.collection_id)) {
      FERRY_ASSIGN_OR_RETURN(bool exists,
                             RowExists(db, "collections", "collection_id", d.collection_id));
      if (!exists) return Status::NotFound("collection not found: " + d.collection_id);
      known_collections.insert(d.collection_id);
    }
    FERRY_RETURN_IF_ERROR(writer.Write(d));
  }
  for (const std::string& collection_id : known_collections) {
    FERRY_RETURN_IF_ERROR(BumpCollectionWrites(db, collection_id));
  }
  return Status::Ok();
}

// Distinct ids, so a repeated root id does not yield its documents twice.
std::set<std::string> Distinct(const std::vector<std::string>& ids) {
  return std::set<std::string>(ids.begin(), ids.end());
}

// The selected documents of a collection, in the order of which.ids (else by id), with
// vectors when which.with_vectors.
Result<std::vector<model::Document>> SelectDocuments(SqliteDb& db, const std::string& collection_id,
                                                     const DocumentSelection& which) {
  std::vector<model::Document> docs;
  if (which.ids.has_value()) {
    std::vector<std::string> ids;
    std::set<std::string_view> seen;
    for (const std::string& id : *which.ids) {
      if (seen.insert(id).second) ids.push_back(id);
    }
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare(Select(kDocumentColumns,
                          "FROM documents WHERE document_id = ? AND collection_id = ?")));
    FERRY_ASSIGN_OR_RETURN(
        docs, ReadByIdsInKeyOrder<model::Document>(stmt, collection_id, ids, ReadDocument));
  } else {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare(Select(kDocumentColumns,
                                             "FROM documents WHERE collection_id = ? "
                                             "ORDER BY document_id")));
    stmt.BindText(1, collection_id);
    FERRY_ASSIGN_OR_RETURN(docs, FetchAll(stmt, ReadDocument));
  }
  if (which.where) std::erase_if(docs, [&](const auto& d) { return !which.where(d); });
  if (which.with_vectors) FERRY_RETURN_IF_ERROR(LoadAllVectors(db, &docs));
  return docs;
}

// Writes an edited document's fields and updated_at (REQUIRES: inside a transaction).
Status WriteFields(Statement& update, const model::Document& d) {
  update.BindBlob(1, records::EncodeValueBlob(d.fields));
  update.BindInt(2, d.updated_at);
  update.BindText(3, d.document_id);
  Status st = update.Run();
  update.Reset();
  return st;
}

Result<std::vector<model::Document>> EditLocked(SqliteDb& db, const std::string& collection_id,
                                                const DocumentSelection& which,
                                                const DocumentEdit& edit) {
  FERRY_ASSIGN_OR_RETURN(std::vector<model::Document> docs,
                         SelectDocuments(db, collection_id, which));
  std::vector<model::Document> written;
  for (model::Document& d : docs) {
    FERRY_ASSIGN_OR_RETURN(bool changed, edit(&d));
    if (changed) written.push_back(std::move(d));
  }
  if (which.with_vectors) {
    FERRY_RETURN_IF_ERROR(UpsertDocumentsLocked(db, written));
  } else {
    FERRY_ASSIGN_OR_RETURN(
        Statement update,
        db.Prepare("UPDATE documents SET fields = ?1, updated_at = ?2 WHERE document_id = ?3"));
    for (const model::Document& d : written) FERRY_RETURN_IF_ERROR(WriteFields(update, d));
    if (!written.empty()) FERRY_RETURN_IF_ERROR(BumpCollectionWrites(db, collection_id));
  }
  FERRY_ASSIGN_OR_RETURN(ChangeLogWriter log, ChangeLogWriter::Create(db));
  for (const model::Document& d : written) {
    FERRY_RETURN_IF_ERROR(
        log.Add(ChangeItem::kDocument, collection_id, d.document_id, ChangeOp::kUpsert));
  }
  return written;
}

Result<std::vector<std::string>> DeleteLocked(SqliteDb& db, const std::string& collection_id,
                                              const DocumentSelection& which) {
  DocumentSelection plain = which;
  plain.with_vectors = false;
  FERRY_ASSIGN_OR_RETURN(std::vector<model::Document> docs,
                         SelectDocuments(db, collection_id, plain));
  FERRY_ASSIGN_OR_RETURN(Statement del, db.Prepare("DELETE FROM documents WHERE document_id = ?"));
  FERRY_ASSIGN_OR_RETURN(ChangeLogWriter log, ChangeLogWriter::Create(db));
  std::vector<std::string> ids;
  for (const model::Document& d : docs) {
    del.BindText(1, d.document_id);
    Status st = del.Run();
    del.Reset();
    FERRY_RETURN_IF_ERROR(st);
    FERRY_RETURN_IF_ERROR(
        log.Add(ChangeItem::kDocument, collection_id, d.document_id, ChangeOp::kDelete));
    ids.push_back(d.document_id);
  }
  return ids;
}
}  // namespace

Status UpsertDocumentRows(SqliteDb& db, const std::vector<model::Document>& docs) {
  return UpsertDocumentsLocked(db, docs);
}

Status BumpCollectionWrites(SqliteDb& db, const std::string& collection_id) {
  FERRY_ASSIGN_OR_RETURN(Statement stmt,
                         db.Prepare("INSERT INTO collection_writes (collection_id, mark) "
                                    "VALUES (?1, 1) ON CONFLICT (collection_id) "
                                    "DO UPDATE SET mark = mark + 1"));
  stmt.BindText(1, collection_id);
  return stmt.Run();
}

// ---- documents ----

Status SqliteNamespaceStore::UpsertDocuments(const std::vector<model::Document>& docs) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    return InTransaction(db, [&]() -> Status {
      FERRY_RETURN_IF_ERROR(UpsertDocumentsLocked(db, docs));
      FERRY_ASSIGN_OR_RETURN(ChangeLogWriter log, ChangeLogWriter::Create(db));
      for (const model::Document& d : docs) {
        FERRY_RETURN_IF_ERROR(
            log.Add(ChangeItem::kDocument, d.collection_id, d.document_id, ChangeOp::kUpsert));
      }
      return Status::Ok();
    });
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

Result<std::vector<model::Document>> SqliteNamespaceStore::ListDocumentsAfter(
    const std::string& collection_id, const std::optional<DocumentCursor>& after, int64_t limit,
    bool with_vectors) {
  if (limit <= 0) return std::vector<model::Document>{};
  return db_->Locked([&](SqliteDb& db) -> Result<std::vector<model::Document>> {
    // The row value comparison is one range of documents_by_created.
    const std::string rest = std::string("FROM documents WHERE collection_id = ?1 ") +
                             (after ? "AND (created_at, document_id) > (?3, ?4) " : "") +
                             "ORDER BY created_at, document_id LIMIT ?2";
    FERRY_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(Select(kDocumentColumns, rest.c_str())));
    stmt.BindText(1, collection_id);
    stmt.BindInt(2, limit);
    if (after) {
      stmt.BindInt(3, after->created_at);
      stmt.BindText(4, after->document_id);
    }
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
  return db_->Locked([&](SqliteDb& db) {
    return InReadTransaction(db, [&]() -> Result<std::vector<model::Document>> {
      FERRY_ASSIGN_OR_RETURN(
          Statement stmt,
          db.Prepare(Select(kDocumentColumns,
                            "FROM documents WHERE document_id = ? AND collection_id = ?")));
      FERRY_ASSIGN_OR_RETURN(
          auto docs, ReadByIdsInKeyOrder<model::Document>(stmt, collection_id, ids, ReadDocument));
      FERRY_RETURN_IF_ERROR(LoadAllVectors(db, &docs));
      return docs;
    });
  });
}

namespace {

Result<std::vector<model::Document>> ByRootObjects(
    SqliteDb& db, const std::string& collection_id,
    const std::vector<std::string>& root_object_ids) {
  // One indexed lookup per distinct root id on (collection_id, root_object_id), with one
  // prepared statement.
  std::vector<model::Document> docs;
  FERRY_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare(Select(kDocumentColumns,
                        "FROM documents WHERE collection_id = ? AND root_object_id = ?")));
  for (const std::string& root : Distinct(root_object_ids)) {
    stmt.BindText(1, collection_id);
    stmt.BindText(2, root);
    auto found = FetchAll(stmt, ReadDocument);
    stmt.Reset();
    FERRY_RETURN_IF_ERROR(found.status());
    std::move(found->begin(), found->end(), std::back_inserter(docs));
  }
  std::sort(docs.begin(), docs.end(),
            [](const auto& a, const auto& b) { return a.document_id < b.document_id; });
  FERRY_RETURN_IF_ERROR(LoadAllVectors(db, &docs));
  return docs;
}

}  // namespace

Result<std::vector<model::Document>> SqliteNamespaceStore::ListDocumentsByRootObjects(
    const std::string& collection_id, const std::vector<std::string>& root_object_ids) {
  return db_->Locked([&](SqliteDb& db) {
    return InReadTransaction(db, [&] { return ByRootObjects(db, collection_id, root_object_ids); });
  });
}

Status SqliteNamespaceStore::DeleteDocumentsByRootObjects(
    const std::string& collection_id, const std::vector<std::string>& root_object_ids) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    return InTransaction(db, [&]() -> Status {
      for (const std::string& root : Distinct(root_object_ids)) {
        FERRY_RETURN_IF_ERROR(LogDocumentDeletesByRoot(db, collection_id, root));
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

namespace ferry::storage::sqlite {

Result<std::vector<model::Document>> SqliteNamespaceStore::EditDocuments(
    const std::string& collection_id, const DocumentSelection& which, const DocumentEdit& edit) {
  return db_->Locked([&](SqliteDb& db) -> Result<std::vector<model::Document>> {
    return InTransaction(db, [&] { return EditLocked(db, collection_id, which, edit); });
  });
}

Result<std::vector<std::string>> SqliteNamespaceStore::DeleteDocuments(
    const std::string& collection_id, const DocumentSelection& which) {
  return db_->Locked([&](SqliteDb& db) -> Result<std::vector<std::string>> {
    return InTransaction(db, [&] { return DeleteLocked(db, collection_id, which); });
  });
}

}  // namespace ferry::storage::sqlite
