// SqliteNamespaceStore: objects and the content hashes their blobs reference.

#include <algorithm>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "storage/records/record_codec.h"
#include "storage/sqlite/sqlite_change_log.h"
#include "storage/sqlite/sqlite_keyed_reads.h"
#include "storage/sqlite/sqlite_namespace_store.h"
#include "storage/sqlite/sqlite_write_rows.h"

namespace ferry::storage::sqlite {
namespace {

constexpr char kObjectColumns[] =
    "object_id, bucket_id, key_prefix, blobs, status, error, created_at, updated_at";

std::string Select(const char* columns, const char* rest) {
  return std::string("SELECT ") + columns + " " + rest;
}

Result<model::Object> ReadObject(const Statement& row) {
  model::Object o;
  o.object_id = row.Text(0);
  o.bucket_id = row.Text(1);
  o.key_prefix = row.OptionalText(2);
  if (!records::DecodeBlobs(row.Blob(3), &o.blobs)) return records::CorruptField("objects.blobs");
  FERRY_ASSIGN_OR_RETURN(o.status, ReadTaskStatus(row, 4, "objects.status"));
  o.error = row.OptionalText(5);
  o.created_at = row.Int(6);
  o.updated_at = row.Int(7);
  return o;
}

int64_t ObjectSize(const model::Object& object) {
  int64_t size = 0;
  for (const auto& blob : object.blobs) size += blob.size_bytes;
  return size;
}

enum class WriteMode { kInsert, kUpsert };

std::string WriteObjectSql(WriteMode mode) {
  std::string sql = "INSERT INTO objects (";
  sql.append(kObjectColumns).append(", size_bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  if (mode == WriteMode::kUpsert) {
    // Updates in place rather than REPLACE (delete + insert), so no cascade fires; the
    // blob hashes are rewritten separately.
    sql.append(
        " ON CONFLICT (object_id) DO UPDATE SET bucket_id = excluded.bucket_id, "
        "key_prefix = excluded.key_prefix, blobs = excluded.blobs, status = excluded.status, "
        "error = excluded.error, created_at = excluded.created_at, "
        "updated_at = excluded.updated_at, size_bytes = excluded.size_bytes");
  }
  return sql;
}

Status WriteBlobHashes(SqliteDb& db, const model::Object& object, WriteMode mode) {
  if (mode == WriteMode::kUpsert) {
    FERRY_ASSIGN_OR_RETURN(Statement clear,
                           db.Prepare("DELETE FROM object_blob_hashes WHERE object_id = ?"));
    clear.BindText(1, object.object_id);
    FERRY_RETURN_IF_ERROR(clear.Run());
  }
  for (const auto& blob : object.blobs) {
    if (!blob.content_hash.has_value()) continue;
    FERRY_ASSIGN_OR_RETURN(Statement hash,
                           db.Prepare("INSERT OR IGNORE INTO object_blob_hashes (object_id, "
                                      "content_hash) VALUES (?, ?)"));
    hash.BindText(1, object.object_id);
    hash.BindText(2, *blob.content_hash);
    FERRY_RETURN_IF_ERROR(hash.Run());
  }
  return Status::Ok();
}

// REQUIRES: inside a transaction.
Status WriteObjectRows(SqliteDb& db, const model::Object& object, WriteMode mode) {
  FERRY_ASSIGN_OR_RETURN(bool bucket, RowExists(db, "buckets", "bucket_id", object.bucket_id));
  if (!bucket) return Status::NotFound("bucket not found: " + object.bucket_id);
  FERRY_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(WriteObjectSql(mode)));
  stmt.BindText(1, object.object_id);
  stmt.BindText(2, object.bucket_id);
  stmt.BindOptionalText(3, object.key_prefix);
  stmt.BindBlob(4, records::EncodeBlobs(object.blobs));
  stmt.BindText(5, model::TaskStatusName(object.status));
  stmt.BindOptionalText(6, object.error);
  stmt.BindInt(7, object.created_at);
  stmt.BindInt(8, object.updated_at);
  stmt.BindInt(9, ObjectSize(object));
  FERRY_RETURN_IF_ERROR(stmt.Run());
  return WriteBlobHashes(db, object, mode);
}

}  // namespace

Status UpsertObjectRows(SqliteDb& db, const std::vector<model::Object>& objects) {
  for (const auto& object : objects) {
    FERRY_RETURN_IF_ERROR(WriteObjectRows(db, object, WriteMode::kUpsert));
  }
  return Status::Ok();
}

// ---- objects ----

Status SqliteNamespaceStore::InsertObject(const model::Object& object) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    return InTransaction(db, [&]() -> Status {
      FERRY_RETURN_IF_ERROR(WriteObjectRows(db, object, WriteMode::kInsert));
      return LogChange(db, ChangeItem::kObject, object.bucket_id, object.object_id,
                       ChangeOp::kUpsert);
    });
  });
}

Result<model::Object> SqliteNamespaceStore::GetObject(const std::string& bucket_id,
                                                      const std::string& object_id) {
  return db_->Locked([&](SqliteDb& db) -> Result<model::Object> {
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare(Select(kObjectColumns, "FROM objects WHERE bucket_id = ? AND object_id = ?")));
    stmt.BindText(1, bucket_id);
    stmt.BindText(2, object_id);
    return FetchOne(stmt, ReadObject, "object not found: " + object_id);
  });
}

Result<std::vector<model::Object>> SqliteNamespaceStore::ListObjects(const std::string& bucket_id,
                                                                     const model::Page& page) {
  return db_->Locked([&](SqliteDb& db) -> Result<std::vector<model::Object>> {
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare(Select(kObjectColumns,
                          "FROM objects WHERE bucket_id = ? ORDER BY created_at, object_id "
                          "LIMIT ? OFFSET ?")));
    stmt.BindText(1, bucket_id);
    stmt.BindInt(2, page.limit);
    stmt.BindInt(3, page.offset);
    return FetchAll(stmt, ReadObject);
  });
}

Result<int64_t> SqliteNamespaceStore::CountObjects(const std::string& bucket_id) {
  return db_->Locked([&](SqliteDb& db) -> Result<int64_t> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("SELECT COUNT(*) FROM objects WHERE bucket_id = ?"));
    stmt.BindText(1, bucket_id);
    return FetchInt(stmt);
  });
}

Result<int64_t> SqliteNamespaceStore::CountAllObjects() {
  return db_->Locked([](SqliteDb& db) -> Result<int64_t> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt, db.Prepare("SELECT COUNT(*) FROM objects"));
    return FetchInt(stmt);
  });
}

Status SqliteNamespaceStore::DeleteObject(const std::string& bucket_id,
                                          const std::string& object_id) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    return InTransaction(db, [&]() -> Status {
      FERRY_ASSIGN_OR_RETURN(
          Statement stmt, db.Prepare("DELETE FROM objects WHERE bucket_id = ? AND object_id = ?"));
      stmt.BindText(1, bucket_id);
      stmt.BindText(2, object_id);
      FERRY_RETURN_IF_ERROR(stmt.Run());
      if (db.Changes() == 0) return Status::NotFound("object not found: " + object_id);
      return LogChange(db, ChangeItem::kObject, bucket_id, object_id, ChangeOp::kDelete);
    });
  });
}

Status SqliteNamespaceStore::UpsertObjects(const std::vector<model::Object>& objects) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    return InTransaction(db, [&]() -> Status {
      for (const auto& object : objects) {
        FERRY_RETURN_IF_ERROR(WriteObjectRows(db, object, WriteMode::kUpsert));
      }
      FERRY_ASSIGN_OR_RETURN(ChangeLogWriter log, ChangeLogWriter::Create(db));
      for (const auto& object : objects) {
        FERRY_RETURN_IF_ERROR(
            log.Add(ChangeItem::kObject, object.bucket_id, object.object_id, ChangeOp::kUpsert));
      }
      return Status::Ok();
    });
  });
}

Result<std::vector<model::Object>> SqliteNamespaceStore::GetObjects(
    const std::string& bucket_id, const std::vector<std::string>& ids) {
  return db_->Locked([&](SqliteDb& db) -> Result<std::vector<model::Object>> {
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare(Select(kObjectColumns, "FROM objects WHERE object_id = ? AND bucket_id = ?")));
    return InReadTransaction(
        db, [&] { return ReadByIdsInKeyOrder<model::Object>(stmt, bucket_id, ids, ReadObject); });
  });
}

Result<std::vector<std::string>> SqliteNamespaceStore::ListBlobHashes() {
  return db_->Locked([](SqliteDb& db) -> Result<std::vector<std::string>> {
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("SELECT DISTINCT content_hash FROM object_blob_hashes ORDER BY content_hash"));
    return FetchAll(stmt, [](const Statement& row) -> Result<std::string> { return row.Text(0); });
  });
}
}  // namespace ferry::storage::sqlite
