// PgNamespaceStore: fenced writes, the collection fingerprint, bulk load, and the
// streaming checksum (a page of rows at a time, fingerprinted by storage/checksum_rows).

#include <limits>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "storage/checksum_rows.h"
#include "storage/postgres/pg_array_param.h"
#include "storage/postgres/pg_namespace_store.h"
#include "storage/postgres/pg_ns_rows.h"
#include "storage/postgres/pg_params.h"
#include "storage/postgres/pg_partitions.h"
#include "storage/postgres/pg_records.h"
#include "storage/records/packed_vectors.h"

namespace ferry::storage::postgres {
namespace {

constexpr size_t kPage = 2000;
// [created_after, created_before) as inclusive bounds.
struct Bounds {
  int64_t low = std::numeric_limits<int64_t>::min();
  int64_t high = std::numeric_limits<int64_t>::max();
  bool empty = false;
};

Bounds BoundsOf(const ChecksumRequest& r) {
  Bounds b;
  if (r.created_after) b.low = *r.created_after;
  if (r.created_before) {
    if (*r.created_before == std::numeric_limits<int64_t>::min()) {
      b.empty = true;
    } else {
      b.high = *r.created_before - 1;
    }
  }
  return b;
}

// One page of a checksum scan: the items after `after` in id order (keyset paging), or
// those of `ids` (a sorted run of the request's ids) when it is set.
struct Page {
  std::string after;
  std::optional<std::vector<std::string>> ids;
};

// The rows of `columns` from `table` (alias `a`) for a page, in id order. $1 namespace,
// $2 parent, $3 after or ids, $4 $5 created_at bounds, $6 page size.
std::string PageSql(const std::string& columns, const std::string& table, const std::string& parent,
                    const std::string& id, const Page& page) {
  std::string sql = "SELECT " + columns + " FROM ";
  if (page.ids) {
    sql += "unnest($3::text[]) AS u(id) " + ProbeEach(table, "a", "$1", id, "u.id") + " WHERE ";
  } else {
    sql += table + " a WHERE a.namespace_id = $1 AND a." + id + " > $3 AND ";
  }
  return sql + "a." + parent + " = $2 AND a.created_at BETWEEN $4 AND $5 ORDER BY a." + id +
         " LIMIT $6";
}

pqxx::result ReadPage(pqxx::work& tx, const std::string& sql, const std::string& ns,
                      const ChecksumRequest& r, const Page& page, const Bounds& b) {
  if (page.ids) {
    return tx.exec_params(sql, ns, r.resource_id, TextArray(*page.ids), b.low, b.high,
                          static_cast<int64_t>(kPage));
  }
  return tx.exec_params(sql, ns, r.resource_id, page.after, b.low, b.high,
                        static_cast<int64_t>(kPage));
}

// One page of objects into `out`; the last id read, "" when the page was empty.
Result<std::string> ObjectPage(pqxx::work& tx, const std::string& ns, const ChecksumRequest& r,
                               const Page& page, const Bounds& b, ItemChecksum* out) {
  auto rows = ReadPage(tx,
                       PageSql("a.object_id, a.bucket_id, a.key_prefix, a.blobs", "objects",
                               "bucket_id", "object_id", page),
                       ns, r, page, b);
  std::string last;
  ObjectChecksummer sums(r, out);
  for (const auto& row : rows) {
    last = ReadText(row[0]);
    FERRY_RETURN_IF_ERROR(
        sums.Add(last, ReadText(row[1]), ReadOptionalText(row[2]).value_or(""), ReadBytes(row[3])));
  }
  return last;
}

Result<std::string> DocumentPage(pqxx::work& tx, const std::string& ns, const ChecksumRequest& r,
                                 const Page& page, const Bounds& b, ItemChecksum* out) {
  auto rows = ReadPage(tx,
                       PageSql("a.document_id, a.collection_id, a.fields, a.source_type, "
                               "a.root_object_id, a.root_bucket_id, a.source_object_id, "
                               "a.source_document_id, a.source_collection_id, a.lineage_path, "
                               "a.modality, a.ingestion_status, a.error, a.vectors",
                               "documents", "collection_id", "document_id", page),
                       ns, r, page, b);
  if (rows.empty()) return std::string();
  DocumentChecksummer sums(r, out);
  auto text = [](const pqxx::field& f) { return std::string_view(f.c_str(), f.size()); };
  auto optional_text = [&](const pqxx::field& f) {
    return f.is_null() ? std::nullopt : std::optional<std::string_view>(text(f));
  };
  std::string_view uri;
  std::string_view bytes;
  for (const auto& row : rows) {
    const std::string fields = ReadBytes(row[2]);
    FERRY_RETURN_IF_ERROR(sums.Begin(DocumentRowView{
        text(row[0]), text(row[1]), fields, text(row[3]), text(row[4]), text(row[5]),
        optional_text(row[6]), optional_text(row[7]), optional_text(row[8]), text(row[9]),
        text(row[10]), text(row[11]), text(row[12])}));
    const std::string packed = ReadBytes(row[13]);
    records::PackedVectorReader vectors(packed);
    while (vectors.Next(&uri, &bytes)) sums.AddVector(uri, bytes);
    if (!vectors.ok()) return CorruptField("documents.vectors");
  }
  sums.Finish();
  return ReadText(rows[rows.size() - 1][0]);
}

}  // namespace

// OK, with the fence advanced to fence.token, unless a higher token wrote under the key
// or (when the fence names its batch) the token is no longer the batch's lease: lease,
// fence and target rows are checked and written in one transaction. The lease row is
// key-share locked, so a takeover (which updates the row) waits for this write or happens
// before it and is seen. `first_write` (may be null) is set to whether no write was ever
// made under fence.key before this one.
Status AdvanceWriteFence(pqxx::work& tx, const std::string& ns, const WriteFence& fence,
                         bool* first_write) {
  if (!fence.migration_id.empty()) {
    auto lease = tx.exec_params(
        "SELECT 1 FROM migration_batches WHERE migration_id = $1 AND batch_no = $2 "
        "AND fencing_token = $3 AND status <> 'completed' FOR SHARE",
        fence.migration_id, fence.batch_no, fence.token);
    if (lease.empty()) {
      return Status::LeaseLost("stale fencing token " + std::to_string(fence.token) + " for " +
                               fence.key + " (the batch's lease was taken over)");
    }
  }
  auto r = tx.exec_params(
      "INSERT INTO write_fences (namespace_id, fence_key, token) VALUES ($1, $2, $3) "
      "ON CONFLICT (namespace_id, fence_key) DO UPDATE SET token = EXCLUDED.token "
      "WHERE write_fences.token <= EXCLUDED.token RETURNING (xmax = 0)",
      ns, fence.key, fence.token);
  if (!r.empty()) {
    // xmax is 0 on a row this statement inserted (not on one it updated): no write was
    // ever made under fence.key before.
    if (first_write != nullptr) *first_write = r[0][0].as<bool>();
    return Status::Ok();
  }
  return Status::LeaseLost("stale fencing token " + std::to_string(fence.token) + " for " +
                           fence.key + " (a newer holder wrote under it)");
}

Status PgNamespaceStore::UpsertObjectsFenced(const WriteFence& fence,
                                             const std::vector<model::Object>& objects) {
  return Run("fenced object write", [&](pqxx::work& tx) -> Status {
    FERRY_RETURN_IF_ERROR(AdvanceWriteFence(tx, ns_, fence, nullptr));
    return UpsertObjectRows(tx, ns_, objects);
  });
}

Status PgNamespaceStore::UpsertDocumentsFenced(const WriteFence& fence,
                                               const std::vector<model::Document>& docs) {
  return Run("fenced document write", [&](pqxx::work& tx) -> Status {
    FERRY_RETURN_IF_ERROR(AdvanceWriteFence(tx, ns_, fence, nullptr));
    FERRY_RETURN_IF_ERROR(UpsertDocumentRows(tx, ns_, docs));
    ReachedCrashPoint("fenced_write.before_commit");
    return Status::Ok();
  });
}

Result<model::CollectionVersion> PgNamespaceStore::GetCollectionVersion(
    const std::string& collection_id) {
  return Run("collection version", [&](pqxx::work& tx) -> Result<model::CollectionVersion> {
    AwaitCollectionWrites(tx, ns_, collection_id);  // the writes in flight commit first
    auto r = tx.exec_params(
        "SELECT COUNT(*), COALESCE(MAX(d.updated_at), 0), GREATEST(COALESCE(MAX(d.write_seq), 0), "
        "COALESCE((SELECT deleted_mark FROM collections WHERE namespace_id = $1 "
        "AND collection_id = $2), 0)) FROM documents d "
        "WHERE d.namespace_id = $1 AND d.collection_id = $2",
        ns_, collection_id);
    model::CollectionVersion v;
    v.document_count = ReadInt(r[0][0]);
    v.max_updated_at = ReadInt(r[0][1]);
    v.write_mark = ReadInt(r[0][2]);
    return v;
  });
}

// The namespace's partitions lose their secondary indexes and foreign keys for the load
// (pg_partitions.h); the end builds the indexes (CREATE INDEX sorts) and adds the keys,
// then validates them in another transaction, which does not block writers of buckets
// and collections. The end runs in two lanes on two connections at once (kRestoreLanes):
// the builds of one index use one core. Each step is idempotent, so an end that fails
// or is killed halfway is repaired by the next one, or when the namespace is opened.
Status PgNamespaceStore::BeginBulkLoad() {
  return Run("begin bulk load", [&](pqxx::work& tx) -> Status {
    FERRY_ASSIGN_OR_RETURN(int64_t part, PartitionOf(tx, ns_));
    SuspendSecondary(tx, part);
    return Status::Ok();
  });
}

Status PgNamespaceStore::EndBulkLoad() {
  FERRY_ASSIGN_OR_RETURN(const int64_t part,
                         Run("end bulk load", [&](pqxx::work& tx) -> Result<int64_t> {
                           return PartitionOf(tx, ns_);
                         }));
  auto lane = [&](int n) -> Status {
    FERRY_RETURN_IF_ERROR(Run("build indexes", [&](pqxx::work& tx) -> Status {
      RestoreIndexes(tx, part, n, /*one_process=*/true);
      return Status::Ok();
    }));
    FERRY_RETURN_IF_ERROR(Run("add foreign keys", [&](pqxx::work& tx) -> Status {
      AddForeignKeys(tx, part, n);
      return Status::Ok();
    }));
    return Run("validate foreign keys", [&](pqxx::work& tx) -> Status {
      ValidateForeignKeys(tx, part, n);
      return Status::Ok();
    });
  };
  static_assert(kRestoreLanes == 2, "one lane on a thread of its own, one on the caller's");
  Status other;
  std::optional<std::thread> thread;
  try {
    thread.emplace([&] { other = lane(0); });
  } catch (const std::system_error&) {
    other = lane(0);  // no thread to be had: the lanes one after the other
  }
  Status own = lane(1);
  if (thread) thread->join();
  return other.ok() ? own : other;
}

Result<ItemChecksum> PgNamespaceStore::ChecksumItems(const ChecksumRequest& request) {
  const bool objects = request.resource_type == model::ResourceType::kBucket;
  if (!objects && request.resource_type != model::ResourceType::kCollection) {
    return Status::InvalidArgument("checksums cover buckets' objects or collections' documents");
  }
  ItemChecksum out;
  const Bounds bounds = BoundsOf(request);
  if (bounds.empty) return out;
  auto read = [&](const Page& page) {
    const ItemChecksum before = out;  // a rerun transaction starts the page again
    return Run("checksum page", [&](pqxx::work& tx) -> Result<std::string> {
      out = before;
      return objects ? ObjectPage(tx, ns_, request, page, bounds, &out)
                     : DocumentPage(tx, ns_, request, page, bounds, &out);
    });
  };
  if (request.item_ids) {
    for (const auto& ids : ChecksumIdPages(*request.item_ids)) {
      FERRY_RETURN_IF_ERROR(read(Page{"", ids}).status());
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

}  // namespace ferry::storage::postgres
