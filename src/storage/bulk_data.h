#pragma once
// Bulk data operations that backends run inside their engine (DESIGN.md §3 "Data path"):
// a copied slice of a bucket or collection, and a streaming content checksum. The
// migration layer orchestrates them; it never shuttles the rows itself.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "model/migration.h"
#include "model/resources.h"
#include "storage/fingerprint.h"

namespace ferry::storage {

// Guards a write made under a batch lease (CatalogStore::ClaimMigrationBatch): `key`
// names the fenced work (e.g. "mig_…/12"), `token` is the lease's fencing token. Every
// backend refuses a token older than one already written under the key (LeaseLost). When
// the lease's batch is named (migration_id not empty), a backend whose catalog shares the
// write's transaction (PostgreSQL) also checks the lease itself there: a write whose
// token is no longer the batch's is refused even before the new holder wrote anything.
struct WriteFence {
  std::string key;
  int64_t token = 0;
  std::string migration_id{};
  int64_t batch_no = 0;
};

// The id rule of a migration (common/ids.h MapResourceId): every id of a copied item —
// its own, its parent's, its lineage's — is mapped with it.
struct IdMapping {
  std::string migration_id;
  bool preserve = false;  // ids kept as they are (preserve_resource_ids)
};

// "Copy these items of this resource from that namespace with this id mapping."
struct BulkCopyRequest {
  // kBucket: objects (with their blob hash references); kCollection: documents with
  // their vectors. Other types are InvalidArgument.
  model::ResourceType resource_type = model::ResourceType::kBucket;
  std::string source_resource_id;
  // The source item ids (object or document ids of the resource). Ids absent from the
  // source resource are skipped. The target resource is the mapped source resource id.
  std::vector<std::string> item_ids;
  IdMapping mapping;
  // When set, the slice is fenced like UpsertObjectsFenced: LeaseLost and
  // nothing written when a higher token wrote under fence->key.
  std::optional<WriteFence> fence;
  // When true, a backend that can checksum the slice in the pass that writes it returns
  // both sides' checksums (BulkCopyResult::checksums); others return none.
  bool checksum = false;
};

// A streaming, order-independent checksum of a bucket's objects or a collection's
// documents (fingerprint.h), computed inside the engine in one scan without loading
// items one at a time.
struct ChecksumRequest {
  model::ResourceType resource_type = model::ResourceType::kBucket;
  std::string resource_id;
  // When set, items are fingerprinted as a copy under this mapping would hold them (the
  // source side of a verification); unset: as stored (the target side).
  std::optional<IdMapping> mapping;
  FingerprintScope scope;  // documents only
  // Only items with created_at in [created_after, created_before) (either optional).
  std::optional<TimestampMs> created_after;
  std::optional<TimestampMs> created_before;
  // When set, only the items with these ids (as stored; missing ones are skipped): the
  // checksum of one copied slice, read back by the worker that wrote it.
  std::optional<std::vector<std::string>> item_ids;
};

struct ItemChecksum {
  int64_t count = 0;
  ContentChecksum checksum;
};

struct BulkCopyResult {
  int64_t copied = 0;  // items written (upserted) into the target
  // With BulkCopyRequest::checksum, where the backend computes them while it writes: the
  // slice's source rows as the copy should hold them (ids mapped), and the rows as written
  // (read back from the write itself), each as one digest of the slice in a form of the
  // backend's own: the two are comparable with each other only, and differ when the
  // write did not store what was read. nullopt: checksum the slice with ChecksumItems.
  std::optional<std::pair<ItemChecksum, ItemChecksum>> checksums;
};

}  // namespace ferry::storage
