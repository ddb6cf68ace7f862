// PgNamespaceStore: buckets, objects and ingestion batches.

#include <set>
#include <string>
#include <unordered_map>
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

constexpr char kBucketColumns[] =
    "bucket_id, bucket_name, description, schema, unique_key, metadata, created_at, updated_at";

constexpr char kBatchColumns[] =
    "batch_id, bucket_id, status, object_ids, collection_ids, dag_tiers, current_tier, error, "
    "error_summary, task_id, metadata, created_at, updated_at";

Result<model::Bucket> ReadBucket(const pqxx::row& row) {
  model::Bucket b;
  b.bucket_id = ReadText(row[0]);
  b.bucket_name = ReadText(row[1]);
  b.description = ReadOptionalText(row[2]);
  if (!DecodeSchema(ReadBytes(row[3]), &b.schema)) return CorruptField("buckets.schema");
  if (!DecodeValueBlob(ReadBytes(row[4]), &b.unique_key) ||
      !DecodeValueBlob(ReadBytes(row[5]), &b.metadata)) {
    return CorruptField("buckets.unique_key/metadata");
  }
  b.created_at = ReadInt(row[6]);
  b.updated_at = ReadInt(row[7]);
  return b;
}

Result<model::Batch> ReadBatch(const pqxx::row& row) {
  model::Batch b;
  b.batch_id = ReadText(row[0]);
  b.bucket_id = ReadText(row[1]);
  auto status = model::ParseTaskStatus(ReadText(row[2]));
  if (!status.has_value()) return CorruptField("batches.status");
  b.status = *status;
  if (!DecodeStrings(ReadBytes(row[3]), &b.object_ids) ||
      !DecodeStrings(ReadBytes(row[4]), &b.collection_ids) ||
      !DecodeTiers(ReadBytes(row[5]), &b.dag_tiers)) {
    return CorruptField("batches.object_ids/collection_ids/dag_tiers");
  }
  if (auto tier = ReadOptionalInt(row[6])) b.current_tier = static_cast<int>(*tier);
  b.error = ReadOptionalText(row[7]);
  if (!DecodeCounts(ReadBytes(row[8]), &b.error_summary)) {
    return CorruptField("batches.error_summary");
  }
  b.task_id = ReadOptionalText(row[9]);
  if (!DecodeValueBlob(ReadBytes(row[10]), &b.metadata)) return CorruptField("batches.metadata");
  b.created_at = ReadInt(row[11]);
  b.updated_at = ReadInt(row[12]);
  return b;
}

bool BucketExists(pqxx::work& tx, const std::string& ns, const std::string& bucket_id) {
  return !tx.exec_params("SELECT 1 FROM buckets WHERE namespace_id = $1 AND bucket_id = $2", ns,
                         bucket_id)
              .empty();
}

}  // namespace

// ---- buckets ----

Status PgNamespaceStore::InsertBucket(const model::Bucket& b) {
  return Run("insert bucket", [&](pqxx::work& tx) -> Status {
    tx.exec_params(Sql({"INSERT INTO buckets (namespace_id, ", kBucketColumns,
                        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"}),
                   ns_, b.bucket_id, b.bucket_name, b.description, Bytes(EncodeSchema(b.schema)),
                   Bytes(EncodeValueBlob(b.unique_key)), Bytes(EncodeValueBlob(b.metadata)),
                   b.created_at, b.updated_at);
    return Status::Ok();
  });
}

Result<model::Bucket> PgNamespaceStore::GetBucket(const std::string& bucket_id) {
  return Run("get bucket", [&](pqxx::work& tx) -> Result<model::Bucket> {
    auto r = tx.exec_params(Sql({"SELECT ", kBucketColumns,
                                 " FROM buckets WHERE namespace_id = $1 AND bucket_id = $2"}),
                            ns_, bucket_id);
    if (r.empty()) return Status::NotFound("bucket not found: " + bucket_id);
    return ReadBucket(r[0]);
  });
}

Result<model::Bucket> PgNamespaceStore::GetBucketByName(const std::string& name) {
  return Run("get bucket", [&](pqxx::work& tx) -> Result<model::Bucket> {
    auto r = tx.exec_params(Sql({"SELECT ", kBucketColumns,
                                 " FROM buckets WHERE namespace_id = $1 AND bucket_name = $2"}),
                            ns_, name);
    if (r.empty()) return Status::NotFound("bucket not found: " + name);
    return ReadBucket(r[0]);
  });
}

Result<std::vector<model::Bucket>> PgNamespaceStore::ListBuckets(const model::Page& page) {
  return Run("list buckets", [&](pqxx::work& tx) -> Result<std::vector<model::Bucket>> {
    auto r = tx.exec_params(Sql({"SELECT ", kBucketColumns,
                                 " FROM buckets WHERE namespace_id = $1 "
                                 "ORDER BY created_at, bucket_id LIMIT $2 OFFSET $3"}),
                            ns_, page.limit, page.offset);
    return ReadAll<model::Bucket>(r, ReadBucket);
  });
}

Result<int64_t> PgNamespaceStore::CountBuckets() {
  return Run("count buckets", [&](pqxx::work& tx) -> Result<int64_t> {
    return ReadInt(
        tx.exec_params("SELECT COUNT(*) FROM buckets WHERE namespace_id = $1", ns_)[0][0]);
  });
}

Result<model::BucketStats> PgNamespaceStore::GetBucketStats(const std::string& bucket_id) {
  return Run("bucket stats", [&](pqxx::work& tx) -> Result<model::BucketStats> {
    if (!BucketExists(tx, ns_, bucket_id)) {
      return Status::NotFound("bucket not found: " + bucket_id);
    }
    auto r = tx.exec_params(
        "SELECT COUNT(*), COALESCE(SUM(size_bytes), 0), MAX(created_at) FROM objects "
        "WHERE namespace_id = $1 AND bucket_id = $2",
        ns_, bucket_id);
    return model::BucketStats{ReadInt(r[0][0]), ReadInt(r[0][1]), ReadOptionalInt(r[0][2])};
  });
}

Status PgNamespaceStore::DeleteBucket(const std::string& bucket_id) {
  return Run("delete bucket", [&](pqxx::work& tx) -> Status {
    auto r = tx.exec_params("DELETE FROM buckets WHERE namespace_id = $1 AND bucket_id = $2", ns_,
                            bucket_id);
    if (r.affected_rows() == 0) return Status::NotFound("bucket not found: " + bucket_id);
    return Status::Ok();
  });
}

// ---- objects ----

Status PgNamespaceStore::InsertObject(const model::Object& object) {
  return Run("insert object", [&](pqxx::work& tx) -> Status {
    if (!BucketExists(tx, ns_, object.bucket_id)) {
      return Status::NotFound("bucket not found: " + object.bucket_id);
    }
    WriteObjectRows(tx, ns_, std::span<const model::Object>(&object, 1), /*upsert=*/false);
    LogChanges(tx, ns_,
               {{ChangeItem::kObject, object.bucket_id, object.object_id, ChangeOp::kUpsert}});
    return Status::Ok();
  });
}

Result<model::Object> PgNamespaceStore::GetObject(const std::string& bucket_id,
                                                  const std::string& object_id) {
  return Run("get object", [&](pqxx::work& tx) -> Result<model::Object> {
    auto r = tx.exec_params(
        Sql({"SELECT ", kObjectColumns,
             " FROM objects WHERE namespace_id = $1 AND bucket_id = $2 AND object_id = $3"}),
        ns_, bucket_id, object_id);
    if (r.empty()) return Status::NotFound("object not found: " + object_id);
    return ReadObject(r[0]);
  });
}

Result<std::vector<model::Object>> PgNamespaceStore::ListObjects(const std::string& bucket_id,
                                                                 const model::Page& page) {
  return Run("list objects", [&](pqxx::work& tx) -> Result<std::vector<model::Object>> {
    auto r = tx.exec_params(Sql({"SELECT ", kObjectColumns,
                                 " FROM objects WHERE namespace_id = $1 AND bucket_id = $2 "
                                 "ORDER BY created_at, object_id LIMIT $3 OFFSET $4"}),
                            ns_, bucket_id, page.limit, page.offset);
    return ReadAll<model::Object>(r, ReadObject);
  });
}

Result<int64_t> PgNamespaceStore::CountObjects(const std::string& bucket_id) {
  return Run("count objects", [&](pqxx::work& tx) -> Result<int64_t> {
    return ReadInt(
        tx.exec_params("SELECT COUNT(*) FROM objects WHERE namespace_id = $1 AND bucket_id = $2",
                       ns_, bucket_id)[0][0]);
  });
}

Result<int64_t> PgNamespaceStore::CountAllObjects() {
  return Run("count objects", [&](pqxx::work& tx) -> Result<int64_t> {
    return ReadInt(
        tx.exec_params("SELECT COUNT(*) FROM objects WHERE namespace_id = $1", ns_)[0][0]);
  });
}

Status PgNamespaceStore::DeleteObject(const std::string& bucket_id, const std::string& object_id) {
  return Run("delete object", [&](pqxx::work& tx) -> Status {
    auto r = tx.exec_params(
        "DELETE FROM objects WHERE namespace_id = $1 AND bucket_id = $2 AND object_id = $3", ns_,
        bucket_id, object_id);
    if (r.affected_rows() == 0) return Status::NotFound("object not found: " + object_id);
    LogChanges(tx, ns_, {{ChangeItem::kObject, bucket_id, object_id, ChangeOp::kDelete}});
    return Status::Ok();
  });
}

Status PgNamespaceStore::UpsertObjects(const std::vector<model::Object>& objects) {
  return Run("upsert objects", [&](pqxx::work& tx) -> Status {
    FERRY_RETURN_IF_ERROR(UpsertObjectRows(tx, ns_, objects));
    std::vector<ChangeRecord> log;
    log.reserve(objects.size());
    for (const auto& o : objects) {
      log.push_back({ChangeItem::kObject, o.bucket_id, o.object_id, ChangeOp::kUpsert});
    }
    LogChanges(tx, ns_, log);
    return Status::Ok();
  });
}

Result<std::vector<model::Object>> PgNamespaceStore::GetObjects(
    const std::string& bucket_id, const std::vector<std::string>& ids) {
  return Run("get objects", [&](pqxx::work& tx) -> Result<std::vector<model::Object>> {
    // One primary-key probe per id: `bucket_id = … AND object_id = ANY (…)` let the planner
    // filter the whole bucket through a secondary index on a partition without statistics.
    auto r = tx.exec_params(
        Sql({"SELECT ", kObjectColumns, " FROM unnest($3::text[]) AS u(id) ",
             ProbeEach("objects", "o", "$1", "object_id", "u.id"), " WHERE o.bucket_id = $2"}),
        ns_, bucket_id, TextArray(ids));
    FERRY_ASSIGN_OR_RETURN(auto found, ReadAll<model::Object>(r, ReadObject));
    return InRequestOrder(std::move(found), ids,
                          [](const model::Object& o) -> const std::string& { return o.object_id; });
  });
}

Result<std::vector<std::string>> PgNamespaceStore::ListBlobHashes() {
  return Run("list blob hashes", [&](pqxx::work& tx) -> Result<std::vector<std::string>> {
    std::vector<std::string> out;
    for (const auto& row :
         tx.exec_params("SELECT DISTINCT h FROM objects, unnest(blob_hashes) AS h "
                        "WHERE namespace_id = $1 ORDER BY h",
                        ns_)) {
      out.push_back(ReadText(row[0]));
    }
    return out;
  });
}

// ---- batches ----

Status PgNamespaceStore::UpsertBatch(const model::Batch& b) {
  return Run("upsert batch", [&](pqxx::work& tx) -> Status {
    if (!BucketExists(tx, ns_, b.bucket_id)) {
      return Status::NotFound("bucket not found: " + b.bucket_id);
    }
    std::optional<int64_t> tier;
    if (b.current_tier) tier = *b.current_tier;
    tx.exec_params(
        Sql({"INSERT INTO batches (namespace_id, ", kBatchColumns,
             ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) "
             "ON CONFLICT (namespace_id, batch_id) DO UPDATE SET bucket_id = EXCLUDED.bucket_id, "
             "status = EXCLUDED.status, object_ids = EXCLUDED.object_ids, "
             "collection_ids = EXCLUDED.collection_ids, dag_tiers = EXCLUDED.dag_tiers, "
             "current_tier = EXCLUDED.current_tier, error = EXCLUDED.error, "
             "error_summary = EXCLUDED.error_summary, task_id = EXCLUDED.task_id, "
             "metadata = EXCLUDED.metadata, created_at = EXCLUDED.created_at, "
             "updated_at = EXCLUDED.updated_at"}),
        ns_, b.batch_id, b.bucket_id, std::string(model::TaskStatusName(b.status)),
        Bytes(EncodeStrings(b.object_ids)), Bytes(EncodeStrings(b.collection_ids)),
        Bytes(EncodeTiers(b.dag_tiers)), tier, b.error, Bytes(EncodeCounts(b.error_summary)),
        b.task_id, Bytes(EncodeValueBlob(b.metadata)), b.created_at, b.updated_at);
    return Status::Ok();
  });
}

Result<model::Batch> PgNamespaceStore::GetBatch(const std::string& bucket_id,
                                                const std::string& batch_id) {
  return Run("get batch", [&](pqxx::work& tx) -> Result<model::Batch> {
    auto r = tx.exec_params(
        Sql({"SELECT ", kBatchColumns,
             " FROM batches WHERE namespace_id = $1 AND bucket_id = $2 AND batch_id = $3"}),
        ns_, bucket_id, batch_id);
    if (r.empty()) return Status::NotFound("batch not found: " + batch_id);
    return ReadBatch(r[0]);
  });
}

Status PgNamespaceStore::DeleteBatch(const std::string& bucket_id, const std::string& batch_id) {
  return Run("delete batch", [&](pqxx::work& tx) -> Status {
    auto r = tx.exec_params(
        "DELETE FROM batches WHERE namespace_id = $1 AND bucket_id = $2 AND batch_id = $3", ns_,
        bucket_id, batch_id);
    if (r.affected_rows() == 0) return Status::NotFound("batch not found: " + batch_id);
    return Status::Ok();
  });
}

Result<std::vector<model::Batch>> PgNamespaceStore::ListBatches(const std::string& bucket_id,
                                                                const model::Page& page) {
  return Run("list batches", [&](pqxx::work& tx) -> Result<std::vector<model::Batch>> {
    auto r = tx.exec_params(Sql({"SELECT ", kBatchColumns,
                                 " FROM batches WHERE namespace_id = $1 AND bucket_id = $2"
                                 " ORDER BY created_at, batch_id LIMIT $3 OFFSET $4"}),
                            ns_, bucket_id, page.limit, page.offset);
    return ReadAll<model::Batch>(r, ReadBatch);
  });
}

}  // namespace ferry::storage::postgres
