// PgNamespaceStore::CopyItemsFrom: a slice of a bucket or collection copied from another
// namespace inside PostgreSQL — INSERT … SELECT per table, ids mapped by the SQL
// functions ferry_map_id / ferry_map_path (pg_schema.cc), in one transaction that also
// advances the slice's write fence. Nothing is decoded: fields, blobs and vectors move as
// stored bytes.

#include <string>

#include "common/ids.h"
#include "storage/postgres/pg_namespace_store.h"
#include "storage/postgres/pg_params.h"

namespace ferry::storage::postgres {

Status AdvanceWriteFence(pqxx::work& tx, const std::string& ns, const WriteFence& fence);

namespace {

// Parameters of every slice statement: $1 target namespace, $2 source namespace,
// $3 migration id, $4 preserve, $5 the ids (unit-separated), $6 the source resource id.
pqxx::result RunSlice(pqxx::work& tx, const char* sql, const std::string& target_ns,
                      const std::string& source_ns, const BulkCopyRequest& r,
                      const std::string& ids) {
  return tx.exec_params(sql, target_ns, source_ns, r.mapping.migration_id, r.mapping.preserve, ids,
                        r.source_resource_id);
}

int64_t CopyObjectRows(pqxx::work& tx, const std::string& target, const std::string& source,
                       const BulkCopyRequest& r, const std::string& ids) {
  return RunSlice(tx,
                  "INSERT INTO objects (namespace_id, object_id, bucket_id, key_prefix, blobs, "
                  "status, error, created_at, updated_at, size_bytes, blob_hashes) "
                  "SELECT $1, ferry_map_id($3, o.object_id, $4), ferry_map_id($3, $6, $4), "
                  "o.key_prefix, o.blobs, o.status, o.error, o.created_at, o.updated_at, "
                  "o.size_bytes, o.blob_hashes FROM objects o WHERE o.namespace_id = $2 "
                  "AND o.bucket_id = $6 AND o.object_id = ANY (string_to_array($5, chr(31))) "
                  "ON CONFLICT (namespace_id, object_id) DO UPDATE SET "
                  "bucket_id = EXCLUDED.bucket_id, key_prefix = EXCLUDED.key_prefix, "
                  "blobs = EXCLUDED.blobs, status = EXCLUDED.status, error = EXCLUDED.error, "
                  "created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at, "
                  "size_bytes = EXCLUDED.size_bytes, blob_hashes = EXCLUDED.blob_hashes",
                  target, source, r, ids)
      .affected_rows();
}

int64_t CopyDocumentRows(pqxx::work& tx, const std::string& target, const std::string& source,
                         const BulkCopyRequest& r, const std::string& ids) {
  const int64_t copied =
      RunSlice(
          tx,
          "INSERT INTO documents (namespace_id, document_id, collection_id, fields, "
          "source_type, root_object_id, root_bucket_id, source_object_id, source_document_id, "
          "source_collection_id, lineage_path, modality, ingestion_status, error, batch_id, "
          "created_at, updated_at) "
          "SELECT $1, ferry_map_id($3, d.document_id, $4), ferry_map_id($3, $6, $4), d.fields, "
          "d.source_type, ferry_map_id($3, d.root_object_id, $4), "
          "ferry_map_id($3, d.root_bucket_id, $4), ferry_map_id($3, d.source_object_id, $4), "
          "ferry_map_id($3, d.source_document_id, $4), "
          "ferry_map_id($3, d.source_collection_id, $4), "
          "ferry_map_path($3, d.lineage_path, $4), d.modality, d.ingestion_status, d.error, "
          "d.batch_id, d.created_at, d.updated_at FROM documents d WHERE d.namespace_id = $2 "
          "AND d.collection_id = $6 AND d.document_id = ANY (string_to_array($5, chr(31))) "
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
          target, source, r, ids)
          .affected_rows();
  // Vectors are replaced, as an upsert of the document replaces them.
  tx.exec_params(
      "DELETE FROM vectors WHERE namespace_id = $1 AND document_id IN "
      "(SELECT ferry_map_id($2, i, $3) FROM unnest(string_to_array($4, chr(31))) AS i)",
      target, r.mapping.migration_id, r.mapping.preserve, ids);
  RunSlice(tx,
           "INSERT INTO vectors (namespace_id, document_id, feature_uri, position, dims, data) "
           "SELECT $1, ferry_map_id($3, v.document_id, $4), v.feature_uri, v.position, v.dims, "
           "v.data FROM documents d JOIN vectors v ON v.namespace_id = d.namespace_id "
           "AND v.document_id = d.document_id WHERE d.namespace_id = $2 "
           "AND d.collection_id = $6 AND d.document_id = ANY (string_to_array($5, chr(31)))",
           target, source, r, ids);
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
    if (r.fence.has_value()) FERRY_RETURN_IF_ERROR(AdvanceWriteFence(tx, ns_, *r.fence));
    const std::string target =
        MapResourceId(r.mapping.migration_id, r.source_resource_id, r.mapping.preserve);
    auto exists = tx.exec_params(bucket ? "SELECT 1 FROM buckets WHERE namespace_id = $1 "
                                          "AND bucket_id = $2"
                                        : "SELECT 1 FROM collections WHERE namespace_id = $1 "
                                          "AND collection_id = $2",
                                 ns_, target);
    if (exists.empty()) {
      return Status::NotFound(std::string(bucket ? "bucket" : "collection") +
                              " not found: " + target);
    }
    const std::string ids = JoinUnitSeparated(r.item_ids);
    const int64_t copied = bucket ? CopyObjectRows(tx, ns_, source_namespace_id, r, ids)
                                  : CopyDocumentRows(tx, ns_, source_namespace_id, r, ids);
    return BulkCopyResult{copied};
  });
}

}  // namespace ferry::storage::postgres
