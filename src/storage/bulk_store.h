#pragma once
// What a migration does to a namespace in bulk (part of NamespaceStore): fenced writes
// under a batch lease, bulk loads, and content checksums streamed inside the engine.
// Implementations are thread-safe; each call is atomic.

#include <vector>

#include "common/result.h"
#include "model/resources.h"
#include "storage/bulk_data.h"

namespace ferry::storage {

class BulkStore {
 public:
  virtual ~BulkStore() = default;

  // ---- Fenced writes (migration workers holding a batch lease) ---------------------
  // UpsertObjects / UpsertDocuments in one transaction with a check of the fence:
  // LeaseLost ("stale fencing token") and nothing written when a write with a
  // higher token for fence.key was made here before; otherwise fence.key records
  // fence.token and the rows are written.
  virtual Status UpsertObjectsFenced(const WriteFence& fence,
                                     const std::vector<model::Object>& objects) = 0;
  virtual Status UpsertDocumentsFenced(const WriteFence& fence,
                                       const std::vector<model::Document>& docs) = 0;

  // ---- Bulk load -------------------------------------------------------------------
  // While a bulk load is on, the backend may suspend the upkeep of secondary indexes of
  // objects and documents (SQLite drops its non-unique ones and builds them again, by
  // sorting, at the end), so each written item costs fewer random page writes. Reads stay
  // correct but may scan. EndBulkLoad restores every index (idempotent, also without a
  // Begin); a crash in between is repaired when the namespace is opened again. Meant for
  // a namespace only its loader uses: a migration's target while a tier is copied.
  virtual Status BeginBulkLoad() = 0;
  virtual Status EndBulkLoad() = 0;

  // ---- Bulk reads ------------------------------------------------------------------
  // The count and content checksum of a bucket's objects or a collection's documents
  // (bulk_data.h), streamed inside the engine. A missing resource has count 0.
  virtual Result<ItemChecksum> ChecksumItems(const ChecksumRequest& request) = 0;
};

}  // namespace ferry::storage
