#include "storage/sqlite/sqlite_namespace_store.h"

#include <utility>

#include "storage/records/record_codec.h"
#include "storage/sqlite/schema_migrations.h"
#include "storage/sqlite/sqlite_bulk_load.h"
#include "storage/sqlite/sqlite_functions.h"

namespace ferry::storage::sqlite {
namespace {

constexpr char kBucketColumns[] =
    "bucket_id, bucket_name, description, schema, unique_key, metadata, created_at, updated_at";

constexpr char kBatchColumns[] =
    "batch_id, bucket_id, status, object_ids, collection_ids, dag_tiers, current_tier, error, "
    "error_summary, task_id, metadata, created_at, updated_at";

std::string Select(const char* columns, const char* rest) {
  return std::string("SELECT ") + columns + " " + rest;
}

Result<model::Bucket> ReadBucket(const Statement& row) {
  model::Bucket b;
  b.bucket_id = row.Text(0);
  b.bucket_name = row.Text(1);
  b.description = row.OptionalText(2);
  if (!records::DecodeSchema(row.Blob(3), &b.schema))
    return records::CorruptField("buckets.schema");
  if (!records::DecodeValueBlob(row.Blob(4), &b.unique_key) ||
      !records::DecodeValueBlob(row.Blob(5), &b.metadata)) {
    return records::CorruptField("buckets.unique_key/metadata");
  }
  b.created_at = row.Int(6);
  b.updated_at = row.Int(7);
  return b;
}

Result<model::Batch> ReadBatch(const Statement& row) {
  model::Batch b;
  b.batch_id = row.Text(0);
  b.bucket_id = row.Text(1);
  FERRY_ASSIGN_OR_RETURN(b.status, ReadTaskStatus(row, 2, "batches.status"));
  if (!records::DecodeStrings(row.Blob(3), &b.object_ids) ||
      !records::DecodeStrings(row.Blob(4), &b.collection_ids) ||
      !records::DecodeTiers(row.Blob(5), &b.dag_tiers)) {
    return records::CorruptField("batches.object_ids/collection_ids/dag_tiers");
  }
  if (auto tier = row.OptionalInt(6)) b.current_tier = static_cast<int>(*tier);
  b.error = row.OptionalText(7);
  if (!records::DecodeCounts(row.Blob(8), &b.error_summary))
    return records::CorruptField("batches.error_summary");
  b.task_id = row.OptionalText(9);
  if (!records::DecodeValueBlob(row.Blob(10), &b.metadata))
    return records::CorruptField("batches.metadata");
  b.created_at = row.Int(11);
  b.updated_at = row.Int(12);
  return b;
}
}  // namespace

Result<model::TaskStatus> ReadTaskStatus(const Statement& row, int column, const char* field) {
  auto status = model::ParseTaskStatus(row.Text(column));
  if (!status.has_value()) return records::CorruptField(field);
  return *status;
}

Result<bool> RowExists(SqliteDb& db, const char* table, const char* id_column,
                       const std::string& id) {
  FERRY_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(std::string("SELECT 1 FROM ") + table +
                                                    " WHERE " + id_column + " = ?"));
  stmt.BindText(1, id);
  return stmt.Step();
}

Result<std::unique_ptr<SqliteNamespaceStore>> SqliteNamespaceStore::Open(
    const std::string& path, bool create_if_missing, const CrashPoints* crash_points,
    WalCheckpointer* checkpointer) {
  SqliteOpenOptions options;
  options.create_if_missing = create_if_missing;
  options.checkpointer = checkpointer;
  FERRY_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> db, SqliteDb::Open(path, options));
  FERRY_RETURN_IF_ERROR(
      db->Locked([](SqliteDb& d) { return MigrateSchema(d, SchemaKind::kNamespace); }));
  FERRY_RETURN_IF_ERROR(db->Locked([](SqliteDb& d) { return RegisterIdMapping(d); }));
  // A bulk load interrupted by a crash left its indexes dropped.
  FERRY_RETURN_IF_ERROR(db->Locked([](SqliteDb& d) { return EnsureSecondaryIndexes(d); }));
  return std::unique_ptr<SqliteNamespaceStore>(
      new SqliteNamespaceStore(std::move(db), crash_points));
}

void SqliteNamespaceStore::Close() {
  {
    std::lock_guard<std::mutex> lock(reader_mu_);
    closed_ = true;
    if (reader_ != nullptr) reader_->Close();
  }
  db_->Close();
}

Result<SqliteDb*> SqliteNamespaceStore::Reader() {
  std::lock_guard<std::mutex> lock(reader_mu_);
  if (closed_) return Status::Unavailable("database closed: " + db_->name());
  if (reader_ == nullptr) {
    SqliteOpenOptions options;
    options.create_if_missing = false;
    FERRY_ASSIGN_OR_RETURN(reader_, SqliteDb::Open(db_->path(), options));
    // Checksums read items in key order once: a small cache holds the B-tree paths.
    FERRY_RETURN_IF_ERROR(reader_->Locked(
        [](SqliteDb& db) { return db.Exec("PRAGMA cache_size=-1024; PRAGMA query_only=ON"); }));
  }
  return reader_.get();
}

// ---- buckets ----

Status SqliteNamespaceStore::InsertBucket(const model::Bucket& bucket) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare(std::string("INSERT INTO buckets (") + kBucketColumns +
                                      ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    stmt.BindText(1, bucket.bucket_id);
    stmt.BindText(2, bucket.bucket_name);
    stmt.BindOptionalText(3, bucket.description);
    stmt.BindBlob(4, records::EncodeSchema(bucket.schema));
    stmt.BindBlob(5, records::EncodeValueBlob(bucket.unique_key));
    stmt.BindBlob(6, records::EncodeValueBlob(bucket.metadata));
    stmt.BindInt(7, bucket.created_at);
    stmt.BindInt(8, bucket.updated_at);
    return stmt.Run();
  });
}

Result<model::Bucket> SqliteNamespaceStore::GetBucket(const std::string& bucket_id) {
  return db_->Locked([&](SqliteDb& db) -> Result<model::Bucket> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare(Select(kBucketColumns, "FROM buckets WHERE bucket_id = ?")));
    stmt.BindText(1, bucket_id);
    return FetchOne(stmt, ReadBucket, "bucket not found: " + bucket_id);
  });
}

Result<model::Bucket> SqliteNamespaceStore::GetBucketByName(const std::string& name) {
  return db_->Locked([&](SqliteDb& db) -> Result<model::Bucket> {
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt, db.Prepare(Select(kBucketColumns, "FROM buckets WHERE bucket_name = ?")));
    stmt.BindText(1, name);
    return FetchOne(stmt, ReadBucket, "bucket not found: " + name);
  });
}

Result<std::vector<model::Bucket>> SqliteNamespaceStore::ListBuckets(const model::Page& page) {
  return db_->Locked([&](SqliteDb& db) -> Result<std::vector<model::Bucket>> {
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare(Select(kBucketColumns,
                          "FROM buckets ORDER BY created_at, bucket_id LIMIT ? OFFSET ?")));
    stmt.BindInt(1, page.limit);
    stmt.BindInt(2, page.offset);
    return FetchAll(stmt, ReadBucket);
  });
}

Result<int64_t> SqliteNamespaceStore::CountBuckets() {
  return db_->Locked([](SqliteDb& db) -> Result<int64_t> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt, db.Prepare("SELECT COUNT(*) FROM buckets"));
    return FetchInt(stmt);
  });
}

Result<model::BucketStats> SqliteNamespaceStore::GetBucketStats(const std::string& bucket_id) {
  return db_->Locked([&](SqliteDb& db) -> Result<model::BucketStats> {
    FERRY_ASSIGN_OR_RETURN(bool exists, RowExists(db, "buckets", "bucket_id", bucket_id));
    if (!exists) return Status::NotFound("bucket not found: " + bucket_id);
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("SELECT COUNT(*), COALESCE(SUM(size_bytes), 0), "
                                      "MAX(created_at) FROM objects WHERE bucket_id = ?"));
    stmt.BindText(1, bucket_id);
    return FetchOne(
        stmt,
        [](const Statement& row) -> Result<model::BucketStats> {
          return model::BucketStats{row.Int(0), row.Int(1), row.OptionalInt(2)};
        },
        "bucket stats");
  });
}

Status SqliteNamespaceStore::DeleteBucket(const std::string& bucket_id) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    // One statement, so atomic; objects, their hashes and batches go by cascade.
    FERRY_ASSIGN_OR_RETURN(Statement stmt, db.Prepare("DELETE FROM buckets WHERE bucket_id = ?"));
    stmt.BindText(1, bucket_id);
    FERRY_RETURN_IF_ERROR(stmt.Run());
    if (db.Changes() == 0) return Status::NotFound("bucket not found: " + bucket_id);
    return Status::Ok();
  });
}

// ---- batches ----

Status SqliteNamespaceStore::UpsertBatch(const model::Batch& batch) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    FERRY_ASSIGN_OR_RETURN(bool bucket, RowExists(db, "buckets", "bucket_id", batch.bucket_id));
    if (!bucket) return Status::NotFound("bucket not found: " + batch.bucket_id);
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt, db.Prepare(std::string("INSERT OR REPLACE INTO batches (") + kBatchColumns +
                                   ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    stmt.BindText(1, batch.batch_id);
    stmt.BindText(2, batch.bucket_id);
    stmt.BindText(3, model::TaskStatusName(batch.status));
    stmt.BindBlob(4, records::EncodeStrings(batch.object_ids));
    stmt.BindBlob(5, records::EncodeStrings(batch.collection_ids));
    stmt.BindBlob(6, records::EncodeTiers(batch.dag_tiers));
    stmt.BindOptionalInt(7, batch.current_tier);
    stmt.BindOptionalText(8, batch.error);
    stmt.BindBlob(9, records::EncodeCounts(batch.error_summary));
    stmt.BindOptionalText(10, batch.task_id);
    stmt.BindBlob(11, records::EncodeValueBlob(batch.metadata));
    stmt.BindInt(12, batch.created_at);
    stmt.BindInt(13, batch.updated_at);
    return stmt.Run();
  });
}

Result<model::Batch> SqliteNamespaceStore::GetBatch(const std::string& bucket_id,
                                                    const std::string& batch_id) {
  return db_->Locked([&](SqliteDb& db) -> Result<model::Batch> {
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare(Select(kBatchColumns, "FROM batches WHERE bucket_id = ? AND batch_id = ?")));
    stmt.BindText(1, bucket_id);
    stmt.BindText(2, batch_id);
    return FetchOne(stmt, ReadBatch, "batch not found: " + batch_id);
  });
}

Status SqliteNamespaceStore::DeleteBatch(const std::string& bucket_id,
                                         const std::string& batch_id) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("DELETE FROM batches WHERE bucket_id = ? AND batch_id = ?"));
    stmt.BindText(1, bucket_id);
    stmt.BindText(2, batch_id);
    FERRY_RETURN_IF_ERROR(stmt.Run());
    if (db.Changes() == 0) return Status::NotFound("batch not found: " + batch_id);
    return Status::Ok();
  });
}

Result<std::vector<model::Batch>> SqliteNamespaceStore::ListBatches(const std::string& bucket_id,
                                                                    const model::Page& page) {
  return db_->Locked([&](SqliteDb& db) -> Result<std::vector<model::Batch>> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare(Select(kBatchColumns,
                                             "FROM batches WHERE bucket_id = ? "
                                             "ORDER BY created_at, batch_id LIMIT ? OFFSET ?")));
    stmt.BindText(1, bucket_id);
    stmt.BindInt(2, page.limit);
    stmt.BindInt(3, page.offset);
    return FetchAll(stmt, ReadBatch);
  });
}

}  // namespace ferry::storage::sqlite
