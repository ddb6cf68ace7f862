// PgNamespaceStore::CopyItemsFrom: a slice of a bucket or collection copied from another
// namespace inside PostgreSQL — INSERT … SELECT per table, in one transaction that also
// advances the slice's write fence. Nothing is decoded: fields, blobs and vectors move as
// stored bytes.
//
// Ids are mapped here, in C++ (MapResourceId), not by SQL functions per row: mapping an id
// in SQL (text slicing, hex arithmetic) cost ~10 µs per call, nine calls per document —
// three quarters of a document slice's time. The slice's own ids are known; the ids a
// document's lineage names (root object, sources, path) are read first, mapped, and sent
// back as arrays aligned with the slice's rows, joined to the source rows by primary key.

#include <string>
#include <vector>

#include "common/ids.h"
#include "storage/postgres/pg_namespace_store.h"
#include "storage/postgres/pg_params.h"

namespace ferry::storage::postgres {

Status AdvanceWriteFence(pqxx::work& tx, const std::string& ns, const WriteFence& fence,
                         bool* first_write);

namespace {

// An absent id in a unit-separated list: string_to_array($n, chr(31), chr(30)) reads the
// element "\x1e" as NULL (ids never hold control characters).
constexpr char kNullElement[] = "\x1e";

struct SliceNamespaces {
  const std::string& target;
  const std::string& source;
};

std::string Map(const BulkCopyRequest& r, const std::string& id) {
  return MapResourceId(r.mapping.migration_id, id, r.mapping.preserve);
}

std::string MapOptional(const BulkCopyRequest& r, const pqxx::field& f) {
  return f.is_null() ? std::string(kNullElement) : Map(r, f.c_str());
}

// Unit-separated lists of the slice's rows, one per column, in the same row order.
struct Columns {
  std::vector<std::vector<std::string>> lists;
  explicit Columns(size_t n) : lists(n) {}
  void Add(size_t column, std::string value) { lists[column].push_back(std::move(value)); }
  std::string Joined(size_t column) const { return JoinUnitSeparated(lists[column]); }
};

int64_t CopyObjectRows(pqxx::work& tx, SliceNamespaces ns, const BulkCopyRequest& r,
                       const std::string& target_bucket) {
  std::vector<std::string> mapped;
  mapped.reserve(r.item_ids.size());
  for (const auto& id : r.item_ids) mapped.push_back(Map(r, id));
  return tx
      .exec_params(
          "INSERT INTO objects (namespace_id, object_id, bucket_id, key_prefix, blobs, "
          "status, error, created_at, updated_at, size_bytes, blob_hashes) "
          "SELECT $1, u.dst, $4, o.key_prefix, o.blobs, o.status, o.error, o.created_at, "
          "o.updated_at, o.size_bytes, o.blob_hashes "
          "FROM unnest(string_to_array($5, chr(31)), string_to_array($6, chr(31))) AS u(src, "
          "dst) " +
              ProbeEach("objects", "o", "$2", "object_id", "u.src", "p.bucket_id = $3") +
              " WHERE o.bucket_id = $3 "
              "ON CONFLICT (namespace_id, object_id) DO UPDATE SET "
              "bucket_id = EXCLUDED.bucket_id, key_prefix = EXCLUDED.key_prefix, "
              "blobs = EXCLUDED.blobs, status = EXCLUDED.status, error = EXCLUDED.error, "
              "created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at, "
              "size_bytes = EXCLUDED.size_bytes, blob_hashes = EXCLUDED.blob_hashes",
          ns.target, ns.source, r.source_resource_id, target_bucket, JoinUnitSeparated(r.item_ids),
          JoinUnitSeparated(mapped))
      .affected_rows();
}

// The lineage of the slice's documents (those of the collection), mapped: columns
// 0 source id, 1 target id, 2 root object, 3 root bucket, 4 source object, 5 source
// document, 6 source collection, 7 lineage path.
Columns MappedLineage(pqxx::work& tx, SliceNamespaces ns, const BulkCopyRequest& r) {
  auto rows = tx.exec_params(
      "SELECT d.document_id, d.root_object_id, d.root_bucket_id, d.source_object_id, "
      "d.source_document_id, d.source_collection_id, d.lineage_path "
      "FROM unnest(string_to_array($2, chr(31))) AS u(src) " +
          ProbeEach("documents", "d", "$1", "document_id", "u.src", "p.collection_id = $3") +
          " "
          "WHERE d.collection_id = $3",
      ns.source, JoinUnitSeparated(r.item_ids), r.source_resource_id);
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

int64_t CopyDocumentRows(pqxx::work& tx, SliceNamespaces ns, const BulkCopyRequest& r,
                         const std::string& target_collection, bool first_write) {
  const Columns c = MappedLineage(tx, ns, r);
  if (c.lists[0].empty()) return 0;
  const std::string src = c.Joined(0), dst = c.Joined(1);
  const int64_t copied =
      tx.exec_params(
            "INSERT INTO documents (namespace_id, document_id, collection_id, fields, "
            "source_type, root_object_id, root_bucket_id, source_object_id, source_document_id, "
            "source_collection_id, lineage_path, modality, ingestion_status, error, batch_id, "
            "created_at, updated_at) "
            "SELECT $1, u.dst, $3, d.fields, d.source_type, u.root, u.bucket, u.sobj, u.sdoc, "
            "u.scoll, u.path, d.modality, d.ingestion_status, d.error, d.batch_id, "
            "d.created_at, d.updated_at "
            "FROM unnest(string_to_array($4, chr(31)), string_to_array($5, chr(31)), "
            "string_to_array($6, chr(31)), string_to_array($7, chr(31)), "
            "string_to_array($8, chr(31), chr(30)), string_to_array($9, chr(31), chr(30)), "
            "string_to_array($10, chr(31), chr(30)), string_to_array($11, chr(31))) "
            "AS u(src, dst, root, bucket, sobj, sdoc, scoll, path) " +
                ProbeEach("documents", "d", "$2", "document_id", "u.src", "p.collection_id = $12") +
                " "
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
                "updated_at = EXCLUDED.updated_at, write_seq = nextval('document_writes')",
            ns.target, ns.source, target_collection, src, dst, c.Joined(2), c.Joined(3),
            c.Joined(4), c.Joined(5), c.Joined(6), c.Joined(7), r.source_resource_id)
          .affected_rows();
  // Vectors are replaced, as an upsert of the document replaces them; on the slice's
  // first write under its fence no earlier attempt wrote any, so there is nothing to remove.
  if (!first_write) {
    tx.exec_params(
        "DELETE FROM vectors WHERE namespace_id = $1 "
        "AND document_id = ANY (string_to_array($2, chr(31)))",
        ns.target, dst);
  }
  tx.exec_params(
      "INSERT INTO vectors (namespace_id, document_id, feature_uri, position, dims, data) "
      "SELECT $1, u.dst, v.feature_uri, v.position, v.dims, v.data "
      "FROM unnest(string_to_array($3, chr(31)), string_to_array($4, chr(31))) AS u(src, dst) " +
          ProbeEach("vectors", "v", "$2", "document_id", "u.src"),
      ns.target, ns.source, src, dst);
  return copied;
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
    const SliceNamespaces ns{ns_, source_namespace_id};
    PlanForAnyNamespace(tx);
    const int64_t copied = bucket ? CopyObjectRows(tx, ns, r, target)
                                  : CopyDocumentRows(tx, ns, r, target, first_write);
    return BulkCopyResult{copied};
  });
}

}  // namespace ferry::storage::postgres
