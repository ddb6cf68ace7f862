// SqliteNamespaceStore: bulk copy of a slice of a bucket or collection from another
// namespace file. The source file is ATTACHed to this connection and the rows move with
// INSERT … SELECT, ids mapped by the ferry_map_id / ferry_map_path SQL functions
// (sqlite_functions.h), in one transaction that also advances the slice's write fence.
// Nothing is decoded or re-encoded: fields, blobs and vectors move as stored bytes. A
// slice's ids come sorted (the plan enumerates them in id order) and the mapping keeps
// their order (common/ids.h), so its rows reach the target's keys in order.

#include <cstdio>
#include <functional>
#include <string>
#include <utility>

#include "common/ids.h"
#include "storage/sqlite/sqlite_namespace_store.h"
#include "storage/sqlite/sqlite_write_rows.h"

namespace ferry::storage::sqlite {
namespace {

// The slice's ids drive every statement: CROSS JOIN keeps json_each() the outer loop, so
// each id is one primary-key probe of the source (the planner would otherwise scan the
// whole resource on its (parent, …) index and probe the id list for every row).

// Runs one statement of a slice. Parameters: ?1 migration id, ?2 preserve, ?3 the ids
// (JSON array), and ?4 the source resource id when `with_resource` (rows are filtered on
// it, so their parent maps as the constant ferry_map_id(?1, ?4, ?2), computed once).
Status RunSlice(SqliteDb& db, const char* sql, const BulkCopyRequest& r, const std::string& ids,
                bool with_resource = true) {
  FERRY_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(sql));
  stmt.BindText(1, r.mapping.migration_id);
  stmt.BindInt(2, r.mapping.preserve ? 1 : 0);
  stmt.BindText(3, ids);
  if (with_resource) stmt.BindText(4, r.source_resource_id);
  return stmt.Run();
}

// Objects, then their blob hash references (rewritten, as an upsert of the object
// rewrites them; on a slice's first write under its fence none of its items exist in the
// target, so there is nothing to remove first).
Result<int64_t> CopyObjectRows(SqliteDb& db, const BulkCopyRequest& r, const std::string& ids,
                               bool first_write) {
  FERRY_RETURN_IF_ERROR(RunSlice(
      db,
      "INSERT INTO objects (object_id, bucket_id, key_prefix, blobs, status, error, created_at, "
      "updated_at, size_bytes) "
      "SELECT ferry_map_id(?1, o.object_id, ?2), ferry_map_id(?1, ?4, ?2), o.key_prefix, "
      "o.blobs, o.status, o.error, o.created_at, o.updated_at, o.size_bytes "
      "FROM json_each(?3) j CROSS JOIN bulk_src.objects o ON o.object_id = j.value "
      "WHERE o.bucket_id = ?4 "
      "ON CONFLICT (object_id) DO UPDATE SET bucket_id = excluded.bucket_id, "
      "key_prefix = excluded.key_prefix, blobs = excluded.blobs, status = excluded.status, "
      "error = excluded.error, created_at = excluded.created_at, "
      "updated_at = excluded.updated_at, size_bytes = excluded.size_bytes",
      r, ids));
  const int64_t copied = db.Changes();
  if (!first_write) {
    FERRY_RETURN_IF_ERROR(RunSlice(db,
                                   "DELETE FROM object_blob_hashes WHERE object_id IN "
                                   "(SELECT ferry_map_id(?1, value, ?2) FROM json_each(?3))",
                                   r, ids, false));
  }
  FERRY_RETURN_IF_ERROR(
      RunSlice(db,
               "INSERT OR IGNORE INTO object_blob_hashes (object_id, content_hash) "
               "SELECT ferry_map_id(?1, h.object_id, ?2), h.content_hash "
               "FROM json_each(?3) j CROSS JOIN bulk_src.objects o ON o.object_id = j.value "
               "JOIN bulk_src.object_blob_hashes h ON h.object_id = o.object_id "
               "WHERE o.bucket_id = ?4",
               r, ids));
  return copied;
}

// Documents with every id of their lineage mapped, their vectors in their rows, into the
// collection `target` (the source's, mapped).
Result<int64_t> CopyDocumentRows(SqliteDb& db, const BulkCopyRequest& r, const std::string& ids,
                                 const std::string& target) {
  FERRY_RETURN_IF_ERROR(RunSlice(
      db,
      "INSERT INTO documents (document_id, collection_id, fields, source_type, root_object_id, "
      "root_bucket_id, source_object_id, source_document_id, source_collection_id, "
      "lineage_path, modality, ingestion_status, error, batch_id, created_at, updated_at, "
      "vectors) "
      "SELECT ferry_map_id(?1, d.document_id, ?2), ferry_map_id(?1, ?4, ?2), "
      "d.fields, d.source_type, ferry_map_id(?1, d.root_object_id, ?2), "
      "ferry_map_id(?1, d.root_bucket_id, ?2), ferry_map_id(?1, d.source_object_id, ?2), "
      "ferry_map_id(?1, d.source_document_id, ?2), ferry_map_id(?1, d.source_collection_id, ?2), "
      "ferry_map_path(?1, d.lineage_path, ?2), d.modality, d.ingestion_status, d.error, "
      "d.batch_id, d.created_at, d.updated_at, d.vectors "
      "FROM json_each(?3) j CROSS JOIN bulk_src.documents d ON d.document_id = j.value "
      "WHERE d.collection_id = ?4 "
      "ON CONFLICT (document_id) DO UPDATE SET collection_id = excluded.collection_id, "
      "fields = excluded.fields, source_type = excluded.source_type, "
      "root_object_id = excluded.root_object_id, root_bucket_id = excluded.root_bucket_id, "
      "source_object_id = excluded.source_object_id, "
      "source_document_id = excluded.source_document_id, "
      "source_collection_id = excluded.source_collection_id, "
      "lineage_path = excluded.lineage_path, modality = excluded.modality, "
      "ingestion_status = excluded.ingestion_status, error = excluded.error, "
      "batch_id = excluded.batch_id, created_at = excluded.created_at, "
      "updated_at = excluded.updated_at, vectors = excluded.vectors",
      r, ids));
  const int64_t copied = db.Changes();
  if (copied > 0) FERRY_RETURN_IF_ERROR(BumpCollectionWrites(db, target));
  return copied;
}

// The slice's transaction. Deferred (not BEGIN IMMEDIATE): an immediate transaction
// would also take the write lock of the attached source, which this connection only
// reads; the first INSERT takes this file's write lock (its only writer is this
// connection, held under the mutex).
//
// Foreign keys are not enforced inside it (CopyItemsFrom turns them off around it):
// every parent a slice's rows reference is there by construction. The target bucket or
// collection is checked in the transaction (RowExists), and blob hashes are inserted for
// exactly the objects the statement before wrote (same ids, same filter). Enforcement
// probed a parent's primary key for every row: ~7 % of the bare slice statements at 100k
// (bench/copy_sql_ceiling.py, docs/benchmarks.md "Session 15").
Result<int64_t> CopyInTransaction(SqliteDb& db, const BulkCopyRequest& r,
                                  const std::function<void()>& before_commit) {
  const bool bucket = r.resource_type == model::ResourceType::kBucket;
  FERRY_RETURN_IF_ERROR(db.Exec("BEGIN"));
  auto body = [&]() -> Result<int64_t> {
    // A fenced slice writing for the first time under its key writes items no earlier
    // attempt wrote (slices are disjoint, and a fence row commits with its slice).
    bool first_write = false;
    if (r.fence.has_value()) FERRY_RETURN_IF_ERROR(AdvanceWriteFence(db, *r.fence, &first_write));
    const std::string target =
        MapResourceId(r.mapping.migration_id, r.source_resource_id, r.mapping.preserve);
    FERRY_ASSIGN_OR_RETURN(bool exists,
                           bucket ? RowExists(db, "buckets", "bucket_id", target)
                                  : RowExists(db, "collections", "collection_id", target));
    if (!exists) {
      return Status::NotFound(std::string(bucket ? "bucket" : "collection") +
                              " not found: " + target);
    }
    const std::string ids = JsonArray(r.item_ids);
    return bucket ? CopyObjectRows(db, r, ids, first_write) : CopyDocumentRows(db, r, ids, target);
  };
  Result<int64_t> copied = body();
  if (!copied.ok()) {
    (void)db.Exec("ROLLBACK");
    return copied;
  }
  before_commit();
  if (Status st = db.Exec("COMMIT"); !st.ok()) {
    (void)db.Exec("ROLLBACK");
    return st;
  }
  return copied;
}

}  // namespace

std::string JsonArray(const std::vector<std::string>& ids) {
  std::string out = "[";
  for (const auto& id : ids) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (char c : id) {
      if (c == '"' || c == '\\') {
        out += '\\';
        out += c;
      } else if (static_cast<unsigned char>(c) < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
        out += buf;
      } else {
        out += c;
      }
    }
    out += '"';
  }
  out += ']';
  return out;
}

Result<BulkCopyResult> SqliteNamespaceStore::CopyItemsFrom(const std::string& source_path,
                                                           const BulkCopyRequest& request) {
  if (request.resource_type != model::ResourceType::kBucket &&
      request.resource_type != model::ResourceType::kCollection) {
    return Status::InvalidArgument("bulk copy moves buckets' objects or collections' documents");
  }
  if (request.item_ids.empty()) return BulkCopyResult{};
  return db_->Locked([&](SqliteDb& db) -> Result<BulkCopyResult> {
    FERRY_RETURN_IF_ERROR(AttachSource(db, source_path));
    // PRAGMA foreign_keys is a no-op inside a transaction: set around it, and restored
    // whatever the slice's outcome, before the connection's mutex is released.
    FERRY_RETURN_IF_ERROR(db.Exec("PRAGMA foreign_keys=OFF"));
    Result<int64_t> slice =
        CopyInTransaction(db, request, [this] { ReachedCrashPoint("bulk_copy.before_commit"); });
    FERRY_RETURN_IF_ERROR(db.Exec("PRAGMA foreign_keys=ON"));
    FERRY_ASSIGN_OR_RETURN(int64_t copied, std::move(slice));
    BulkCopyResult out;
    out.copied = copied;  // checksummed afterwards (ChecksumItems), not in this pass
    return out;
  });
}

Status SqliteNamespaceStore::DetachSource(const std::string& source_path) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    if (attached_source_ != source_path) return Status::Ok();
    attached_source_.clear();
    return db.Exec("DETACH DATABASE bulk_src");
  });
}

// The source stays attached between slices (a migration copies many slices from one
// source), so its page cache stays warm and the slice statements stay prepared; another
// source replaces it.
Status SqliteNamespaceStore::AttachSource(SqliteDb& db, const std::string& source_path) {
  if (attached_source_ == source_path) return Status::Ok();
  if (!attached_source_.empty()) {
    FERRY_RETURN_IF_ERROR(db.Exec("DETACH DATABASE bulk_src"));
    attached_source_.clear();
  }
  FERRY_ASSIGN_OR_RETURN(Statement attach, db.Prepare("ATTACH DATABASE ?1 AS bulk_src"));
  attach.BindText(1, source_path);
  FERRY_RETURN_IF_ERROR(attach.Run());
  attached_source_ = source_path;
  // A bounded page cache, half this file's own (sqlite_db.cc): slices read the source in
  // key order, so it holds little more than B-tree paths (32 MiB gained nothing, 4 MiB
  // lowered a 1M copy's memory high-water by 4 MiB; docs/benchmarks.md).
  return db.Exec("PRAGMA bulk_src.cache_size=-4096");
}

}  // namespace ferry::storage::sqlite
