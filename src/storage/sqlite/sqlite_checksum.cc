// SqliteNamespaceStore::ChecksumItems: a streaming content checksum (fingerprint.h). Items
// are read in id order a page at a time on the (parent, id, created_at) index, and a
// page's vectors in one range scan of the vectors' primary key, merged by document id:
// no per-item query, and the connection is free between pages.

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "storage/checksum_rows.h"
#include "storage/records/record_codec.h"
#include "storage/sqlite/sqlite_namespace_store.h"

namespace ferry::storage::sqlite {
namespace {

constexpr int64_t kPage = 2000;

// [created_after, created_before) as the inclusive bounds ?3, ?4 of the page queries.
struct Bounds {
  int64_t low = std::numeric_limits<int64_t>::min();
  int64_t high = std::numeric_limits<int64_t>::max();
  bool empty = false;
};

Bounds BoundsOf(const ChecksumRequest& r) {
  Bounds b;
  if (r.created_after) b.low = *r.created_after;
  if (r.created_before) {
    if (*r.created_before == std::numeric_limits<int64_t>::min())
      b.empty = true;
    else
      b.high = *r.created_before - 1;
  }
  return b;
}

void BindPage(Statement& stmt, const ChecksumRequest& r, const std::string& after,
              const Bounds& b) {
  stmt.BindText(1, r.resource_id);
  stmt.BindText(2, after);
  stmt.BindInt(3, b.low);
  stmt.BindInt(4, b.high);
  stmt.BindInt(5, kPage);
}

// One page of objects; the last id read, "" when the page was empty.
Result<std::string> ObjectPage(SqliteDb& db, const ChecksumRequest& r, const std::string& after,
                               const Bounds& b, ItemChecksum* out) {
  FERRY_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("SELECT object_id, bucket_id, key_prefix, blobs FROM objects "
                 "WHERE bucket_id = ?1 AND object_id > ?2 AND created_at BETWEEN ?3 AND ?4 "
                 "ORDER BY object_id LIMIT ?5"));
  BindPage(stmt, r, after, b);
  std::string last;
  std::vector<model::Blob> blobs;
  for (;;) {
    FERRY_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return last;
    last = stmt.Text(0);
    blobs.clear();
    if (!records::DecodeBlobs(stmt.Blob(3), &blobs)) return records::CorruptField("objects.blobs");
    AddObjectRow(r, last, stmt.Text(1), stmt.OptionalText(2).value_or(""), blobs, out);
  }
}

Result<std::vector<ChecksumDocumentRow>> ChecksumDocumentRows(SqliteDb& db,
                                                              const ChecksumRequest& r,
                                                              const std::string& after,
                                                              const Bounds& b) {
  FERRY_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("SELECT document_id, collection_id, fields, source_type, root_object_id, "
                 "root_bucket_id, source_object_id, source_document_id, source_collection_id, "
                 "lineage_path, modality, ingestion_status, error FROM documents "
                 "WHERE collection_id = ?1 AND document_id > ?2 AND created_at BETWEEN ?3 AND ?4 "
                 "ORDER BY document_id LIMIT ?5"));
  BindPage(stmt, r, after, b);
  std::vector<ChecksumDocumentRow> rows;
  for (;;) {
    FERRY_ASSIGN_OR_RETURN(bool more, stmt.Step());
    if (!more) return rows;
    ChecksumDocumentRow d;
    d.id = stmt.Text(0);
    d.collection = stmt.Text(1);
    if (!records::DecodeValueBlob(stmt.Blob(2), &d.fields))
      return records::CorruptField("documents.fields");
    d.source_type = stmt.Text(3);
    d.root_object = stmt.Text(4);
    d.root_bucket = stmt.Text(5);
    d.source_object = stmt.OptionalText(6);
    d.source_document = stmt.OptionalText(7);
    d.source_collection = stmt.OptionalText(8);
    d.path = stmt.Text(9);
    d.modality = stmt.Text(10);
    d.status = stmt.Text(11);
    d.error = stmt.OptionalText(12).value_or("");
    rows.push_back(std::move(d));
  }
}

// The vectors of the page's documents: one range scan of (document_id, feature_uri),
// merged into the rows (both in document id order; vectors of other documents in the
// range — other collections, other dates — are skipped).
Status AttachVectors(SqliteDb& db, const std::string& after,
                     std::vector<ChecksumDocumentRow>* rows) {
  if (rows->empty()) return Status::Ok();
  FERRY_ASSIGN_OR_RETURN(Statement stmt,
                         db.Prepare("SELECT document_id, feature_uri, data FROM vectors "
                                    "WHERE document_id > ?1 AND document_id <= ?2 "
                                    "ORDER BY document_id, feature_uri"));
  stmt.BindText(1, after);
  stmt.BindText(2, rows->back().id);
  size_t i = 0;
  for (;;) {
    FERRY_ASSIGN_OR_RETURN(bool more, stmt.Step());
    if (!more) return Status::Ok();
    std::string id = stmt.Text(0);
    while (i < rows->size() && (*rows)[i].id < id) ++i;
    if (i == rows->size()) return Status::Ok();
    if ((*rows)[i].id == id) (*rows)[i].vectors.emplace_back(stmt.Text(1), stmt.Blob(2));
  }
}

Result<std::string> DocumentPage(SqliteDb& db, const ChecksumRequest& r, const std::string& after,
                                 const Bounds& b, ItemChecksum* out) {
  FERRY_ASSIGN_OR_RETURN(std::vector<ChecksumDocumentRow> rows,
                         ChecksumDocumentRows(db, r, after, b));
  FERRY_RETURN_IF_ERROR(AttachVectors(db, after, &rows));
  for (const auto& d : rows) AddDocumentRow(r, d, out);
  return rows.empty() ? std::string() : rows.back().id;
}

}  // namespace

Result<ItemChecksum> SqliteNamespaceStore::ChecksumItems(const ChecksumRequest& request) {
  const bool objects = request.resource_type == model::ResourceType::kBucket;
  if (!objects && request.resource_type != model::ResourceType::kCollection) {
    return Status::InvalidArgument("checksums cover buckets' objects or collections' documents");
  }
  ItemChecksum out;
  const Bounds bounds = BoundsOf(request);
  if (bounds.empty) return out;
  std::string after;
  for (;;) {
    FERRY_ASSIGN_OR_RETURN(std::string last, db_->Locked([&](SqliteDb& db) -> Result<std::string> {
      return objects ? ObjectPage(db, request, after, bounds, &out)
                     : DocumentPage(db, request, after, bounds, &out);
    }));
    if (last.empty()) return out;
    after = std::move(last);
  }
}

}  // namespace ferry::storage::sqlite
