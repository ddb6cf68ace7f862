// SqliteNamespaceStore::ChecksumItems: a streaming content checksum (fingerprint.h). Items
// are read in id order a page at a time on the (parent, id, created_at) index — or, for a
// list of ids, a page of the sorted list by primary key — and a page's vectors in one scan
// of the vectors' primary key, merged by document id: no per-item query. Reads run on the
// store's reader connection, so a checksum and the writer never wait for each other.

#include <cstdint>
#include <limits>
#include <optional>
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

// One page of a checksum scan: the items after `after` in id order (keyset paging), or
// those of `ids` (a JSON array of a sorted run of the request's ids) when it is set.
struct Page {
  std::string after;
  std::optional<std::string> ids;
};

// The rows of `columns` from `table` for a page, in id order. ?1 parent, ?2 after or ids,
// ?3 ?4 created_at bounds, ?5 page size.
std::string PageSql(const char* columns, const char* table, const char* alias, const char* parent,
                    const char* id, const Page& page) {
  std::string sql = std::string("SELECT ") + columns + " FROM ";
  if (page.ids) {
    sql.append("json_each(?2) j CROSS JOIN ")
        .append(table)
        .append(" ")
        .append(alias)
        .append(" ON ")
        .append(alias)
        .append(".")
        .append(id)
        .append(" = j.value WHERE ");
  } else {
    sql.append(table).append(" ").append(alias).append(" WHERE ");
    sql.append(alias).append(".").append(id).append(" > ?2 AND ");
  }
  sql.append(alias).append(".").append(parent).append(" = ?1 AND ");
  sql.append(alias).append(".created_at BETWEEN ?3 AND ?4 ORDER BY ");
  sql.append(alias).append(".").append(id).append(" LIMIT ?5");
  return sql;
}

void BindPage(Statement& stmt, const ChecksumRequest& r, const Page& page, const Bounds& b) {
  stmt.BindText(1, r.resource_id);
  stmt.BindText(2, page.ids ? *page.ids : page.after);
  stmt.BindInt(3, b.low);
  stmt.BindInt(4, b.high);
  stmt.BindInt(5, kPage);
}

// One page of objects; the last id read, "" when the page was empty.
Result<std::string> ObjectPage(SqliteDb& db, const ChecksumRequest& r, const Page& page,
                               const Bounds& b, ItemChecksum* out) {
  FERRY_ASSIGN_OR_RETURN(Statement stmt,
                         db.Prepare(PageSql("o.object_id, o.bucket_id, o.key_prefix, o.blobs",
                                            "objects", "o", "bucket_id", "object_id", page)));
  BindPage(stmt, r, page, b);
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
                                                              const Page& page, const Bounds& b) {
  FERRY_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare(PageSql("d.document_id, d.collection_id, d.fields, d.source_type, "
                         "d.root_object_id, d.root_bucket_id, d.source_object_id, "
                         "d.source_document_id, d.source_collection_id, d.lineage_path, "
                         "d.modality, d.ingestion_status, d.error",
                         "documents", "d", "collection_id", "document_id", page)));
  BindPage(stmt, r, page, b);
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

// The vectors of the page's documents: one range scan of (document_id, feature_uri), or
// the vectors of the page's ids, merged into the rows (both in document id order; vectors
// of other documents in the range — other collections, other dates — are skipped).
Status AttachVectors(SqliteDb& db, const Page& page, std::vector<ChecksumDocumentRow>* rows) {
  if (rows->empty()) return Status::Ok();
  FERRY_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare(page.ids ? "SELECT v.document_id, v.feature_uri, v.data FROM json_each(?1) j "
                            "CROSS JOIN vectors v ON v.document_id = j.value "
                            "ORDER BY v.document_id, v.feature_uri"
                          : "SELECT document_id, feature_uri, data FROM vectors "
                            "WHERE document_id > ?1 AND document_id <= ?2 "
                            "ORDER BY document_id, feature_uri"));
  if (page.ids) {
    stmt.BindText(1, *page.ids);
  } else {
    stmt.BindText(1, page.after);
    stmt.BindText(2, rows->back().id);
  }
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

Result<std::string> DocumentPage(SqliteDb& db, const ChecksumRequest& r, const Page& page,
                                 const Bounds& b, ItemChecksum* out) {
  FERRY_ASSIGN_OR_RETURN(std::vector<ChecksumDocumentRow> rows,
                         ChecksumDocumentRows(db, r, page, b));
  FERRY_RETURN_IF_ERROR(AttachVectors(db, page, &rows));
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
  FERRY_ASSIGN_OR_RETURN(SqliteDb * reader, Reader());
  auto read = [&](const Page& page) {
    return reader->Locked([&](SqliteDb& db) -> Result<std::string> {
      return objects ? ObjectPage(db, request, page, bounds, &out)
                     : DocumentPage(db, request, page, bounds, &out);
    });
  };
  if (request.item_ids) {
    for (const auto& ids : ChecksumIdPages(*request.item_ids)) {
      FERRY_RETURN_IF_ERROR(read(Page{"", JsonArray(ids)}).status());
    }
    return out;
  }
  Page page;
  for (;;) {
    FERRY_ASSIGN_OR_RETURN(std::string last, read(page));
    if (last.empty()) return out;
    page.after = std::move(last);
  }
}

}  // namespace ferry::storage::sqlite
