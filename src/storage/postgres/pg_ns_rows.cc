#include "storage/postgres/pg_ns_rows.h"

#include <algorithm>
#include <set>
#include <string_view>
#include <utility>

#include "storage/postgres/pg_params.h"
#include "storage/postgres/pg_records.h"
#include "storage/postgres/pg_rows.h"
#include "storage/records/packed_vectors.h"

namespace ferry::storage::postgres {

const char kObjectColumns[] =
    "object_id, bucket_id, key_prefix, blobs, status, error, created_at, updated_at";

const char kDocumentColumns[] =
    "document_id, collection_id, fields, source_type, root_object_id, root_bucket_id, "
    "source_object_id, source_document_id, source_collection_id, lineage_path, modality, "
    "ingestion_status, error, batch_id, created_at, updated_at";

namespace {
constexpr int kDocumentColumnCount = 16;  // in kDocumentColumns
}  // namespace

std::string DocumentColumns(bool with_vectors) {
  return std::string(kDocumentColumns) + (with_vectors ? ", vectors" : "");
}

namespace {

// A text[] literal of `items` ({"a","b"}), for a parameter cast with ::text[].
std::string TextArray(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

Status CheckParents(pqxx::work& tx, const std::string& ns, const char* table, const char* column,
                    const std::set<std::string>& ids, const char* what) {
  if (ids.empty()) return Status::Ok();
  std::vector<std::string> list(ids.begin(), ids.end());
  auto r = tx.exec_params(Sql({"SELECT ", column, " FROM ", table, " WHERE namespace_id = $1 AND ",
                               column, " = ANY (string_to_array($2, chr(31)))"}),
                          ns, JoinUnitSeparated(list));
  if (r.size() == ids.size()) return Status::Ok();
  std::set<std::string> found;
  for (const auto& row : r) found.insert(ReadText(row[0]));
  for (const auto& id : ids) {
    if (!found.contains(id)) return Status::NotFound(std::string(what) + " not found: " + id);
  }
  return Status::Ok();
}

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

void WriteDocumentRow(pqxx::work& tx, const std::string& ns, const model::Document& d) {
  tx.exec_params(
      Sql({"INSERT INTO documents (namespace_id, ", DocumentColumns(true),
           ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, "
           "$18) "
           "ON CONFLICT (namespace_id, document_id) DO UPDATE SET "
           "collection_id = EXCLUDED.collection_id, fields = EXCLUDED.fields, "
           "source_type = EXCLUDED.source_type, root_object_id = EXCLUDED.root_object_id, "
           "root_bucket_id = EXCLUDED.root_bucket_id, source_object_id = "
           "EXCLUDED.source_object_id, source_document_id = EXCLUDED.source_document_id, "
           "source_collection_id = EXCLUDED.source_collection_id, "
           "lineage_path = EXCLUDED.lineage_path, modality = EXCLUDED.modality, "
           "ingestion_status = EXCLUDED.ingestion_status, error = EXCLUDED.error, "
           "batch_id = EXCLUDED.batch_id, created_at = EXCLUDED.created_at, "
           "updated_at = EXCLUDED.updated_at, vectors = EXCLUDED.vectors, "
           "write_seq = nextval('document_writes')"}),
      ns, d.document_id, d.collection_id, Bytes(EncodeValueBlob(d.fields)),
      std::string(model::SourceTypeName(d.lineage.source_type)), d.lineage.root_object_id,
      d.lineage.root_bucket_id, d.lineage.source_object_id, d.lineage.source_document_id,
      d.lineage.source_collection_id, d.lineage.path, d.modality, d.ingestion_status, d.error,
      d.batch_id, d.created_at, d.updated_at, Bytes(records::EncodePackedVectors(d.vectors)));
}

}  // namespace

Result<model::Object> ReadObject(const pqxx::row& row) {
  model::Object o;
  o.object_id = ReadText(row[0]);
  o.bucket_id = ReadText(row[1]);
  o.key_prefix = ReadOptionalText(row[2]);
  if (!DecodeBlobs(ReadBytes(row[3]), &o.blobs)) return CorruptField("objects.blobs");
  auto status = model::ParseTaskStatus(ReadText(row[4]));
  if (!status.has_value()) return CorruptField("objects.status");
  o.status = *status;
  o.error = ReadOptionalText(row[5]);
  o.created_at = ReadInt(row[6]);
  o.updated_at = ReadInt(row[7]);
  return o;
}

Result<model::Document> ReadDocument(const pqxx::row& row) {
  model::Document d;
  d.document_id = ReadText(row[0]);
  d.collection_id = ReadText(row[1]);
  if (!DecodeValueBlob(ReadBytes(row[2]), &d.fields)) return CorruptField("documents.fields");
  auto source_type = model::ParseSourceType(ReadText(row[3]));
  if (!source_type.has_value()) return CorruptField("documents.source_type");
  d.lineage.source_type = *source_type;
  d.lineage.root_object_id = ReadText(row[4]);
  d.lineage.root_bucket_id = ReadText(row[5]);
  d.lineage.source_object_id = ReadOptionalText(row[6]);
  d.lineage.source_document_id = ReadOptionalText(row[7]);
  d.lineage.source_collection_id = ReadOptionalText(row[8]);
  d.lineage.path = ReadText(row[9]);
  d.modality = ReadText(row[10]);
  d.ingestion_status = ReadText(row[11]);
  d.error = ReadOptionalText(row[12]);
  d.batch_id = ReadText(row[13]);
  d.created_at = ReadInt(row[14]);
  d.updated_at = ReadInt(row[15]);
  if (row.size() > kDocumentColumnCount &&
      !records::DecodePackedVectors(ReadBytes(row[kDocumentColumnCount]), &d.vectors)) {
    return CorruptField("documents.vectors");
  }
  return d;
}

void WriteObjectRow(pqxx::work& tx, const std::string& ns, const model::Object& o, bool upsert) {
  int64_t size = 0;
  std::vector<std::string> hashes;
  for (const auto& blob : o.blobs) {
    size += blob.size_bytes;
    if (blob.content_hash) hashes.push_back(*blob.content_hash);
  }
  std::sort(hashes.begin(), hashes.end());
  hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
  std::string sql = Sql({"INSERT INTO objects (namespace_id, ", kObjectColumns,
                         ", size_bytes, blob_hashes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
                         "$10, $11::text[])"});
  if (upsert) {
    sql.append(
        " ON CONFLICT (namespace_id, object_id) DO UPDATE SET bucket_id = EXCLUDED.bucket_id, "
        "key_prefix = EXCLUDED.key_prefix, blobs = EXCLUDED.blobs, status = EXCLUDED.status, "
        "error = EXCLUDED.error, created_at = EXCLUDED.created_at, "
        "updated_at = EXCLUDED.updated_at, size_bytes = EXCLUDED.size_bytes, "
        "blob_hashes = EXCLUDED.blob_hashes");
  }
  tx.exec_params(sql, ns, o.object_id, o.bucket_id, o.key_prefix, Bytes(EncodeBlobs(o.blobs)),
                 std::string(model::TaskStatusName(o.status)), o.error, o.created_at, o.updated_at,
                 size, TextArray(hashes));
}

Status UpsertObjectRows(pqxx::work& tx, const std::string& ns,
                        const std::vector<model::Object>& objects) {
  std::set<std::string> buckets;
  for (const auto& o : objects) buckets.insert(o.bucket_id);
  FERRY_RETURN_IF_ERROR(CheckParents(tx, ns, "buckets", "bucket_id", buckets, "bucket"));
  for (const auto& o : objects) WriteObjectRow(tx, ns, o, /*upsert=*/true);
  return Status::Ok();
}

Status UpsertDocumentRows(pqxx::work& tx, const std::string& ns,
                          const std::vector<model::Document>& docs) {
  std::set<std::string> collections;
  for (const auto& d : docs) {
    FERRY_RETURN_IF_ERROR(CheckVectors(d));
    collections.insert(d.collection_id);
  }
  FERRY_RETURN_IF_ERROR(
      CheckParents(tx, ns, "collections", "collection_id", collections, "collection"));
  for (const auto& d : docs) WriteDocumentRow(tx, ns, d);
  return Status::Ok();
}

}  // namespace ferry::storage::postgres
