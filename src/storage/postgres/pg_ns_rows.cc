#include "storage/postgres/pg_ns_rows.h"

#include <algorithm>
#include <set>
#include <span>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "storage/postgres/pg_array_param.h"
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

Status CheckParents(pqxx::work& tx, const std::string& ns, const char* table, const char* column,
                    const std::set<std::string>& ids, const char* what) {
  if (ids.empty()) return Status::Ok();
  std::vector<std::string> list(ids.begin(), ids.end());
  auto r = tx.exec_params(Sql({"SELECT ", column, " FROM ", table, " WHERE namespace_id = $1 AND ",
                               column, " = ANY ($2::text[])"}),
                          ns, TextArray(list));
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

// At most this many rows, or about this many bytes of them, go in one statement.
constexpr size_t kRowsPerStatement = 1000;
constexpr size_t kBytesPerStatement = size_t{8} << 20;

// The positions in `rows` of each key's last row, in order: one statement cannot write a
// key twice (ON CONFLICT DO UPDATE refuses to), and of rows written one by one the last
// one would win.
template <typename T, typename Key>
std::vector<size_t> LastOfEachKey(std::span<const T> rows, Key key) {
  std::unordered_map<std::string_view, size_t> last;
  last.reserve(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) last[key(rows[i])] = i;
  std::vector<size_t> out;
  out.reserve(last.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    if (last[key(rows[i])] == i) out.push_back(i);
  }
  return out;
}

// Runs `flush` over `rows` (positions from LastOfEachKey) in statements of at most
// kRowsPerStatement rows and about kBytesPerStatement bytes; `add` adds one row to the
// statement being built and returns the bytes it took.
template <typename Add, typename Flush>
void InStatements(const std::vector<size_t>& rows, Add add, Flush flush) {
  size_t in_statement = 0;
  size_t bytes = 0;
  for (size_t i : rows) {
    bytes += add(i);
    if (++in_statement == kRowsPerStatement || bytes >= kBytesPerStatement) {
      flush();
      in_statement = 0;
      bytes = 0;
    }
  }
  if (in_statement > 0) flush();
}

// Runs `write` (the statements of one row write) with generic plans. An unnamed
// statement is otherwise planned for its parameters' values: the planner folds each
// column array — megabytes per 1000 documents — into the plan as a constant and copies
// it. That cost ~40 % of a 1000-document write (ferry-bench's W on PostgreSQL, 10k
// documents: 0.70–0.79 s against 0.46–0.48 s with generic plans). The setting is the
// transaction's (set_config's is_local) and is put back as it was after the write, for
// what else the transaction runs.
template <typename Write>
void WithGenericPlans(pqxx::work& tx, Write write) {
  const std::string before =
      ReadText(tx.exec("SELECT current_setting('plan_cache_mode'), "
                       "set_config('plan_cache_mode', 'force_generic_plan', true)")[0][0]);
  write();
  tx.exec_params("SELECT set_config('plan_cache_mode', $1, true)", before);
}

// One column array per document column, in DocumentColumns(true) order.
struct DocumentArrays {
  using T = ArrayParam::Type;
  ArrayParam document_id{T::kText}, collection_id{T::kText}, fields{T::kBytea},
      source_type{T::kText}, root_object_id{T::kText}, root_bucket_id{T::kText},
      source_object_id{T::kText}, source_document_id{T::kText}, source_collection_id{T::kText},
      lineage_path{T::kText}, modality{T::kText}, ingestion_status{T::kText}, error{T::kText},
      batch_id{T::kText}, created_at{T::kInt8}, updated_at{T::kInt8}, vectors{T::kBytea};

  size_t Add(const model::Document& d) {
    const size_t before = Bytes();
    document_id.Add(d.document_id);
    collection_id.Add(d.collection_id);
    fields.Add(EncodeValueBlob(d.fields));
    source_type.Add(model::SourceTypeName(d.lineage.source_type));
    root_object_id.Add(d.lineage.root_object_id);
    root_bucket_id.Add(d.lineage.root_bucket_id);
    source_object_id.AddOrNull(d.lineage.source_object_id);
    source_document_id.AddOrNull(d.lineage.source_document_id);
    source_collection_id.AddOrNull(d.lineage.source_collection_id);
    lineage_path.Add(d.lineage.path);
    modality.Add(d.modality);
    ingestion_status.Add(d.ingestion_status);
    error.AddOrNull(d.error);
    batch_id.Add(d.batch_id);
    created_at.Add(d.created_at);
    updated_at.Add(d.updated_at);
    vectors.Add(records::EncodePackedVectors(d.vectors));
    return Bytes() - before;
  }
  size_t Bytes() const { return fields.bytes() + vectors.bytes(); }
};

// The statement's arrays are unnested into rows, in order, so write_seq (the column's
// default, or nextval on update) follows the order of `docs` as one statement per row did.
void WriteDocumentRows(pqxx::work& tx, const std::string& ns,
                       std::span<const model::Document> docs) {
  static const std::string sql =
      Sql({"INSERT INTO documents (namespace_id, ", DocumentColumns(true),
           ") SELECT $1::text, u.* FROM unnest($2::text[], $3::text[], $4::bytea[], $5::text[], "
           "$6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], "
           "$13::text[], $14::text[], $15::text[], $16::int8[], $17::int8[], $18::bytea[]) u "
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
           "write_seq = nextval('document_writes')"});
  auto rows = LastOfEachKey(
      docs, [](const model::Document& d) -> std::string_view { return d.document_id; });
  DocumentArrays a;
  WithGenericPlans(tx, [&] {
    InStatements(
        rows, [&](size_t i) { return a.Add(docs[i]); },
        [&] {
          tx.exec_params(sql, ns, a.document_id.Param(), a.collection_id.Param(), a.fields.Param(),
                         a.source_type.Param(), a.root_object_id.Param(), a.root_bucket_id.Param(),
                         a.source_object_id.Param(), a.source_document_id.Param(),
                         a.source_collection_id.Param(), a.lineage_path.Param(), a.modality.Param(),
                         a.ingestion_status.Param(), a.error.Param(), a.batch_id.Param(),
                         a.created_at.Param(), a.updated_at.Param(), a.vectors.Param());
          a = DocumentArrays{};
        });
  });
}

// One column array per object column (kObjectColumns, then size_bytes and blob_hashes,
// each row's hashes joined by U+001F and split again in the statement: unnest would
// flatten an array of arrays).
struct ObjectArrays {
  using T = ArrayParam::Type;
  ArrayParam object_id{T::kText}, bucket_id{T::kText}, key_prefix{T::kText}, blobs{T::kBytea},
      status{T::kText}, error{T::kText}, created_at{T::kInt8}, updated_at{T::kInt8},
      size_bytes{T::kInt8}, blob_hashes{T::kText};

  size_t Add(const model::Object& o) {
    const size_t before = blobs.bytes();
    int64_t size = 0;
    std::vector<std::string> hashes;
    for (const auto& blob : o.blobs) {
      size += blob.size_bytes;
      if (blob.content_hash) hashes.push_back(*blob.content_hash);
    }
    std::sort(hashes.begin(), hashes.end());
    hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
    object_id.Add(o.object_id);
    bucket_id.Add(o.bucket_id);
    key_prefix.AddOrNull(o.key_prefix);
    blobs.Add(EncodeBlobs(o.blobs));
    status.Add(model::TaskStatusName(o.status));
    error.AddOrNull(o.error);
    created_at.Add(o.created_at);
    updated_at.Add(o.updated_at);
    size_bytes.Add(size);
    blob_hashes.Add(JoinUnitSeparated(hashes));
    return blobs.bytes() - before;
  }
};

}  // namespace

void WriteObjectRows(pqxx::work& tx, const std::string& ns, std::span<const model::Object> objects,
                     bool upsert) {
  static const std::string insert =
      Sql({"INSERT INTO objects (namespace_id, ", kObjectColumns,
           ", size_bytes, blob_hashes) SELECT $1::text, u.o, u.b, u.k, u.bl, u.s, u.e, u.c, u.up, "
           "u.sz, string_to_array(u.h, chr(31)) FROM unnest($2::text[], $3::text[], $4::text[], "
           "$5::bytea[], $6::text[], $7::text[], $8::int8[], $9::int8[], $10::int8[], $11::text[]) "
           "u(o, b, k, bl, s, e, c, up, sz, h)"});
  static const std::string upsert_sql =
      insert +
      " ON CONFLICT (namespace_id, object_id) DO UPDATE SET bucket_id = EXCLUDED.bucket_id, "
      "key_prefix = EXCLUDED.key_prefix, blobs = EXCLUDED.blobs, status = EXCLUDED.status, "
      "error = EXCLUDED.error, created_at = EXCLUDED.created_at, "
      "updated_at = EXCLUDED.updated_at, size_bytes = EXCLUDED.size_bytes, "
      "blob_hashes = EXCLUDED.blob_hashes";
  std::vector<size_t> rows;
  if (upsert) {
    rows = LastOfEachKey(objects,
                         [](const model::Object& o) -> std::string_view { return o.object_id; });
  } else {  // a key written twice is the unique violation a plain insert reports
    for (size_t i = 0; i < objects.size(); ++i) rows.push_back(i);
  }
  ObjectArrays a;
  WithGenericPlans(tx, [&] {
    InStatements(
        rows, [&](size_t i) { return a.Add(objects[i]); },
        [&] {
          tx.exec_params(upsert ? upsert_sql : insert, ns, a.object_id.Param(), a.bucket_id.Param(),
                         a.key_prefix.Param(), a.blobs.Param(), a.status.Param(), a.error.Param(),
                         a.created_at.Param(), a.updated_at.Param(), a.size_bytes.Param(),
                         a.blob_hashes.Param());
          a = ObjectArrays{};
        });
  });
}

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

Status UpsertObjectRows(pqxx::work& tx, const std::string& ns,
                        const std::vector<model::Object>& objects) {
  std::set<std::string> buckets;
  for (const auto& o : objects) buckets.insert(o.bucket_id);
  FERRY_RETURN_IF_ERROR(CheckParents(tx, ns, "buckets", "bucket_id", buckets, "bucket"));
  WriteObjectRows(tx, ns, objects, /*upsert=*/true);
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
  LockCollectionWrites(tx, ns, {collections.begin(), collections.end()});
  WriteDocumentRows(tx, ns, docs);
  return Status::Ok();
}

// Advisory locks in the two-key space (class, hash of namespace and collection), apart
// from the one-key locks of schema upgrades. A hash collision only makes a reader wait for
// another collection's writers too.
constexpr const char* kCollectionLockKey = "74667, hashtext($1 || chr(31) || c)";

void LockCollectionWrites(pqxx::work& tx, const std::string& ns,
                          const std::vector<std::string>& collection_ids) {
  if (collection_ids.empty()) return;
  tx.exec_params(Sql({"SELECT pg_advisory_xact_lock_shared(", kCollectionLockKey,
                      ") FROM unnest($2::text[]) AS c ORDER BY c"}),
                 ns, TextArray(collection_ids));
}

void AwaitCollectionWrites(pqxx::work& tx, const std::string& ns,
                           const std::string& collection_id) {
  tx.exec_params(Sql({"SELECT pg_advisory_xact_lock(", kCollectionLockKey,
                      ") FROM (SELECT $2::text) AS t(c)"}),
                 ns, collection_id);
}

}  // namespace ferry::storage::postgres
