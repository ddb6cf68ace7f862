// SqliteNamespaceStore::ChecksumItems: a streaming content checksum (fingerprint.h). Items
// are read in id order a page at a time on the (parent, id, created_at) index — or, for a
// list of ids, a page of the sorted list by primary key — each document with the vectors
// packed in its row: no per-item query. Reads run on the
// store's reader connection, so a checksum and the writer never wait for each other.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/checksum_rows.h"
#include "storage/records/packed_vectors.h"
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
// ?3 ?4 created_at bounds, ?5 page size. A page of ids is read in the order of its (sorted)
// JSON array, each id one primary-key probe: no sort.
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
  sql.append(alias).append(".created_at BETWEEN ?3 AND ?4");
  if (!page.ids) sql.append(" ORDER BY ").append(alias).append(".").append(id);
  sql.append(" LIMIT ?5");
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
  ObjectChecksummer sums(r, out);
  for (;;) {
    FERRY_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return last;
    last.assign(stmt.TextView(0));
    FERRY_RETURN_IF_ERROR(sums.Add(last, stmt.TextView(1), stmt.TextView(2), stmt.BlobView(3)));
  }
}

// One page of documents streamed into `out`, each with the vectors packed in its row. The
// last id read, "" when the page was empty.
Result<std::string> DocumentPage(SqliteDb& db, const ChecksumRequest& r, const Page& page,
                                 const Bounds& b, ItemChecksum* out) {
  FERRY_ASSIGN_OR_RETURN(
      Statement docs,
      db.Prepare(PageSql("d.document_id, d.collection_id, d.fields, d.source_type, "
                         "d.root_object_id, d.root_bucket_id, d.source_object_id, "
                         "d.source_document_id, d.source_collection_id, d.lineage_path, "
                         "d.modality, d.ingestion_status, d.error, d.vectors",
                         "documents", "d", "collection_id", "document_id", page)));
  BindPage(docs, r, page, b);
  DocumentChecksummer sums(r, out);
  std::string last;
  std::string_view uri;
  std::string_view bytes;
  for (;;) {
    FERRY_ASSIGN_OR_RETURN(bool more, docs.Step());
    if (!more) break;
    last.assign(docs.TextView(0));
    FERRY_RETURN_IF_ERROR(sums.Begin(
        DocumentRowView{last, docs.TextView(1), docs.BlobView(2), docs.TextView(3),
                        docs.TextView(4), docs.TextView(5), docs.OptionalTextView(6),
                        docs.OptionalTextView(7), docs.OptionalTextView(8), docs.TextView(9),
                        docs.TextView(10), docs.TextView(11), docs.TextView(12)}));
    records::PackedVectorReader vectors(docs.BlobView(13));
    while (vectors.Next(&uri, &bytes)) sums.AddVector(uri, bytes);
    if (!vectors.ok()) return records::CorruptField("documents.vectors");
  }
  sums.Finish();
  return last;
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
