// PgNamespaceStore::CopyItemsFrom: a slice of a bucket or collection copied from another
// namespace inside PostgreSQL — one INSERT … SELECT (objects, or documents with their
// vectors in the row), in one transaction that also advances the slice's write fence.
// Nothing is decoded: fields, blobs and vectors move as stored bytes.
//
// Ids are mapped here, in C++ (MapResourceId), not by SQL functions per row: mapping an id
// in SQL (text slicing, hex arithmetic) cost ~10 µs per call, nine calls per document —
// three quarters of a document slice's time. The slice's own ids are known; the ids a
// document's lineage names (root object, sources, path) are read first, mapped, and sent
// back as arrays aligned with the slice's rows, joined to the source rows by primary key.
//
// Asked for checksums (BulkCopyRequest::checksum), each statement also compares what it
// wrote with what it read and digests it (SliceSql), so the slice is never read back.

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/crypto.h"
#include "common/ids.h"
#include "storage/postgres/pg_array_param.h"
#include "storage/postgres/pg_namespace_store.h"
#include "storage/postgres/pg_ns_rows.h"
#include "storage/postgres/pg_params.h"

namespace ferry::storage::postgres {

Status AdvanceWriteFence(pqxx::work& tx, const std::string& ns, const WriteFence& fence,
                         bool* first_write);

namespace {

struct SliceNamespaces {
  const std::string& target;
  const std::string& source;
  bool fresh;  // the slice's first write under its fence: none of its rows were written
};

std::string Map(const BulkCopyRequest& r, const std::string& id) {
  return MapResourceId(r.mapping.migration_id, id, r.mapping.preserve);
}

std::optional<std::string> MapOptional(const BulkCopyRequest& r, const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return Map(r, f.c_str());
}

// The slice's rows as text[] parameters, one per column, in the same row order: ids and
// lineage strings go as they are (an empty path, a control character in a client's
// lineage string), never split out of a joined list.
struct Columns {
  std::vector<ArrayParam> arrays;
  explicit Columns(size_t n) : arrays(n, ArrayParam(ArrayParam::Type::kText)) {}
  void Add(size_t column, const std::optional<std::string>& value) {
    arrays[column].AddOrNull(value);
  }
  pqxx::binarystring Param(size_t column) { return arrays[column].Param(); }
  int32_t rows() const { return arrays.front().size(); }
};

// What a slice's statement returns: rows written, and with checksums, both sides'
// digests (pg_ns_copy's own form: SHA-256 over the slice's row hashes in key order).
struct Written {
  int64_t rows = 0;
  std::optional<std::pair<ItemChecksum, ItemChecksum>> digests;
};

// One statement of a slice: `insert` writes the rows of the CTE `src` (`source`), whose
// columns are `columns` (the first of them the key). With `digest`, the same
// statement hashes every row as read (src) and as written (the insert's RETURNING, which
// sees the stored row), compares the two hashes row by row, and digests the written
// rows' hashes; src's own digest is computed only when some row differs (a CASE evaluates
// its subquery lazily), since equal hashes give equal digests.
//
// A row's hash is PostgreSQL's hash_record_extended of all its columns under two seeds
// (128 bits; every column type here has an extended hash of its bytes). It replaced a
// SHA-256 over each value, length-prefixed and concatenated, and a value-by-value
// comparison: those cost twice the insert itself (docs/benchmarks.md, "Session 17").
struct SliceSql {
  std::string source;
  std::string table;
  std::string conflict;  // the insert's ON CONFLICT clause, if any
  std::vector<std::string> columns;
};

std::string Joined(const std::vector<std::string>& parts, const std::string& sep,
                   const std::string& before = "", const std::string& after = "") {
  std::string out;
  for (const auto& p : parts) {
    if (!out.empty()) out += sep;
    out.append(before).append(p).append(after);
  }
  return out;
}

std::string RowHash(const std::string& columns) {
  const std::string row = "ROW(" + columns + ")";
  return "int8send(hash_record_extended(" + row + ", 0)) || int8send(hash_record_extended(" + row +
         ", 1))";
}

std::string StatementOf(const SliceSql& q, bool digest) {
  const std::string columns = Joined(q.columns, ", ");
  const std::string insert = "INSERT INTO " + q.table + " (namespace_id, " + columns +
                             ") SELECT $1, " + columns + " FROM src " + q.conflict;
  if (!digest) return "WITH src AS (" + q.source + ") " + insert;
  const std::string& key = q.columns.front();
  const std::string agg = "sha256(string_agg(h, ''::bytea ORDER BY " + key + "))";
  return "WITH src AS MATERIALIZED (SELECT x.*, " + RowHash(columns) + " AS h FROM (" + q.source +
         ") x), ins AS (" + insert + " RETURNING " + key + ", " + RowHash(columns) +
         " AS h), n AS MATERIALIZED (SELECT (SELECT COUNT(*) FROM src) AS src, "
         "(SELECT COUNT(*) FROM ins) AS ins, (SELECT COUNT(*) FROM src s JOIN ins i ON " +
         "s." + key + " = i." + key + " AND s.h = i.h) AS same) SELECT n.src, n.ins, (SELECT " +
         agg + " FROM ins), CASE WHEN n.same = n.src AND n.same = n.ins THEN NULL ELSE (SELECT " +
         agg + " FROM src) END FROM n";
}

ItemChecksum SideOf(int64_t count, const pqxx::field& digest) {
  ItemChecksum out;
  if (digest.is_null()) return out;  // no rows
  const std::string bytes = ReadBytes(digest);
  if (bytes.size() != kSha256Bytes) return out;  // not sha256's: the sides will differ
  unsigned char raw[kSha256Bytes];
  std::copy(bytes.begin(), bytes.begin() + kSha256Bytes, raw);
  out.count = count;
  out.checksum.AddDigest(raw, count);
  return out;
}

template <typename... Args>
Written ExecIn(pqxx::transaction_base& tx, const SliceSql& q, bool digest, const Args&... args) {
  auto r = tx.exec_params(StatementOf(q, digest), args...);
  Written w;
  if (!digest) {
    w.rows = r.affected_rows();
    return w;
  }
  const int64_t source_rows = ReadInt(r[0][0]);
  w.rows = ReadInt(r[0][1]);
  ItemChecksum written = SideOf(w.rows, r[0][2]);
  ItemChecksum read = r[0][3].is_null() ? written : SideOf(source_rows, r[0][3]);
  if (r[0][3].is_null()) read.count = source_rows;
  w.digests = std::make_pair(std::move(read), std::move(written));
  return w;
}

// Runs a slice's statement. On a slice's first write under its fence (`fresh`) no earlier
// attempt wrote its rows, so it tries a plain INSERT first — an upsert checks the primary
// key before every row, a third of the statement — in a savepoint, and upserts only when
// some row exists after all (written by something else than this slice).
template <typename... Args>
Written Exec(pqxx::work& tx, SliceSql q, bool digest, bool fresh, const Args&... args) {
  if (fresh && !q.conflict.empty()) {
    SliceSql plain = q;
    plain.conflict.clear();
    tx.exec("SAVEPOINT fresh_slice");
    try {
      Written w = ExecIn(tx, plain, digest, args...);
      tx.exec("RELEASE SAVEPOINT fresh_slice");
      return w;
    } catch (const pqxx::unique_violation&) {
      tx.exec("ROLLBACK TO SAVEPOINT fresh_slice");  // and upsert below
    }
  }
  return ExecIn(tx, q, digest, args...);
}

Written CopyObjectRows(pqxx::work& tx, SliceNamespaces ns, const BulkCopyRequest& r,
                       const std::string& target_bucket) {
  std::vector<std::string> mapped;
  mapped.reserve(r.item_ids.size());
  for (const auto& id : r.item_ids) mapped.push_back(Map(r, id));
  SliceSql q;
  q.source =
      "SELECT u.dst AS object_id, $4::text AS bucket_id, o.key_prefix, o.status, o.error, "
      "o.created_at, o.updated_at, o.size_bytes, o.blob_hashes, o.blobs "
      "FROM unnest($5::text[], $6::text[]) AS u(src, dst) " +
      ProbeEach("objects", "o", "$2", "object_id", "u.src") + " WHERE o.bucket_id = $3";
  q.table = "objects";
  q.conflict =
      "ON CONFLICT (namespace_id, object_id) DO UPDATE SET "
      "bucket_id = EXCLUDED.bucket_id, key_prefix = EXCLUDED.key_prefix, "
      "blobs = EXCLUDED.blobs, status = EXCLUDED.status, error = EXCLUDED.error, "
      "created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at, "
      "size_bytes = EXCLUDED.size_bytes, blob_hashes = EXCLUDED.blob_hashes";
  q.columns = {"object_id",  "bucket_id",  "key_prefix", "status",      "error",
               "created_at", "updated_at", "size_bytes", "blob_hashes", "blobs"};
  return Exec(tx, q, r.checksum, ns.fresh, ns.target, ns.source, r.source_resource_id,
              target_bucket, TextArray(r.item_ids), TextArray(mapped));
}

// The lineage of the slice's documents (those of the collection), mapped: columns
// 0 source id, 1 target id, 2 root object, 3 root bucket, 4 source object, 5 source
// document, 6 source collection, 7 lineage path.
Columns MappedLineage(pqxx::work& tx, SliceNamespaces ns, const BulkCopyRequest& r) {
  auto rows = tx.exec_params(
      "SELECT d.document_id, d.root_object_id, d.root_bucket_id, d.source_object_id, "
      "d.source_document_id, d.source_collection_id, d.lineage_path "
      "FROM unnest($2::text[]) AS u(src) " +
          ProbeEach("documents", "d", "$1", "document_id", "u.src") + " WHERE d.collection_id = $3",
      ns.source, TextArray(r.item_ids), r.source_resource_id);
  Columns c(8);
  for (const auto& row : rows) {
    const std::string id = row[0].c_str();
    c.Add(0, id);
    c.Add(1, Map(r, id));
    c.Add(2, Map(r, row[1].c_str()));
    c.Add(3, Map(r, row[2].c_str()));
    c.Add(4, MapOptional(r, row[3]));
    c.Add(5, MapOptional(r, row[4]));
    c.Add(6, MapOptional(r, row[5]));
    c.Add(7, MapLineagePath(r.mapping.migration_id, row[6].c_str(), r.mapping.preserve));
  }
  return c;
}

// A document's vectors are in its row (records/packed_vectors.h): they move with it.
Written CopyDocumentRows(pqxx::work& tx, SliceNamespaces ns, const BulkCopyRequest& r,
                         const std::string& target_collection) {
  Columns c = MappedLineage(tx, ns, r);
  if (c.rows() == 0) return {};
  LockCollectionWrites(tx, ns.target, {target_collection});
  SliceSql q;
  q.source =
      "SELECT u.dst AS document_id, $3::text AS collection_id, d.source_type, "
      "u.root AS root_object_id, u.bucket AS root_bucket_id, u.sobj AS source_object_id, "
      "u.sdoc AS source_document_id, u.scoll AS source_collection_id, u.path AS lineage_path, "
      "d.modality, d.ingestion_status, d.error, d.batch_id, d.created_at, d.updated_at, "
      "d.fields, d.vectors "
      "FROM unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], "
      "$10::text[], $11::text[]) "
      "AS u(src, dst, root, bucket, sobj, sdoc, scoll, path) " +
      ProbeEach("documents", "d", "$2", "document_id", "u.src") + " WHERE d.collection_id = $12";
  q.table = "documents";
  q.conflict =
      "ON CONFLICT (namespace_id, document_id) DO UPDATE SET "
      "collection_id = EXCLUDED.collection_id, fields = EXCLUDED.fields, "
      "source_type = EXCLUDED.source_type, root_object_id = EXCLUDED.root_object_id, "
      "root_bucket_id = EXCLUDED.root_bucket_id, "
      "source_object_id = EXCLUDED.source_object_id, "
      "source_document_id = EXCLUDED.source_document_id, "
      "source_collection_id = EXCLUDED.source_collection_id, "
      "lineage_path = EXCLUDED.lineage_path, modality = EXCLUDED.modality, "
      "ingestion_status = EXCLUDED.ingestion_status, error = EXCLUDED.error, "
      "batch_id = EXCLUDED.batch_id, created_at = EXCLUDED.created_at, "
      "updated_at = EXCLUDED.updated_at, vectors = EXCLUDED.vectors, "
      "write_seq = nextval('document_writes')";
  q.columns = {"document_id",    "collection_id",    "source_type",        "root_object_id",
               "root_bucket_id", "source_object_id", "source_document_id", "source_collection_id",
               "lineage_path",   "modality",         "ingestion_status",   "error",
               "batch_id",       "created_at",       "updated_at",         "fields",
               "vectors"};
  return Exec(tx, q, r.checksum, ns.fresh, ns.target, ns.source, target_collection, c.Param(0),
              c.Param(1), c.Param(2), c.Param(3), c.Param(4), c.Param(5), c.Param(6), c.Param(7),
              r.source_resource_id);
}

}  // namespace

Result<BulkCopyResult> PgNamespaceStore::CopyItemsFrom(const std::string& source_namespace_id,
                                                       const BulkCopyRequest& r) {
  const bool bucket = r.resource_type == model::ResourceType::kBucket;
  if (!bucket && r.resource_type != model::ResourceType::kCollection) {
    return Status::InvalidArgument("bulk copy moves buckets' objects or collections' documents");
  }
  if (r.item_ids.empty()) return BulkCopyResult{};
  return Run("bulk copy", [&](pqxx::work& tx) -> Result<BulkCopyResult> {
    // The source, like the target (Run), is held against a drop until the copy ends.
    if (tx.exec_params("SELECT 1 FROM namespace_data WHERE namespace_id = $1 FOR KEY SHARE",
                       source_namespace_id)
            .empty()) {
      return Status::NotFound("namespace data not found: " + source_namespace_id);
    }
    // Without a fence every write may replace an earlier one.
    bool first_write = false;
    if (r.fence.has_value()) {
      FERRY_RETURN_IF_ERROR(AdvanceWriteFence(tx, ns_, *r.fence, &first_write));
    }
    const std::string target = Map(r, r.source_resource_id);
    auto exists = tx.exec_params(bucket ? "SELECT 1 FROM buckets WHERE namespace_id = $1 "
                                          "AND bucket_id = $2"
                                        : "SELECT 1 FROM collections WHERE namespace_id = $1 "
                                          "AND collection_id = $2",
                                 ns_, target);
    if (exists.empty()) {
      return Status::NotFound(std::string(bucket ? "bucket" : "collection") +
                              " not found: " + target);
    }
    const SliceNamespaces ns{ns_, source_namespace_id, first_write};
    Written w = bucket ? CopyObjectRows(tx, ns, r, target) : CopyDocumentRows(tx, ns, r, target);
    ReachedCrashPoint("bulk_copy.before_commit");
    return BulkCopyResult{w.rows, std::move(w.digests)};
  });
}

}  // namespace ferry::storage::postgres
