#pragma once
// Verification of what a migration copied (DESIGN.md §2 "finalization"): per copied
// resource, the item counts of source and target and an order-independent content
// checksum of each side. The source side is fingerprinted as the target should hold it
// (ids, collection and lineage mapped, MapDocument); the target side as it is.
//
// Fingerprints and checksums are defined in storage/fingerprint.h. Each side's checksum
// is streamed inside the storage engine (NamespaceStore::ChecksumItems), without loading
// items one by one; only a mismatch reads the items again, to name the differences. A
// resource copied in bulk slices is checksummed slice by slice, by the worker that copied
// each slice right after it (ChecksumCopiedSlice, on every worker and in parallel with
// the other slices' writes); finalization then only adds the slices' checksums up.

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "migration/run_context.h"
#include "storage/fingerprint.h"

namespace ferry::migration {

using storage::ContentChecksum;
using storage::DocumentFingerprint;
using storage::FingerprintScope;
using storage::ObjectFingerprint;

struct ResourceVerification {
  std::string resource_id;
  std::string target_resource_id;
  model::ResourceType resource_type = model::ResourceType::kBucket;
  int64_t source_count = 0;
  int64_t target_count = 0;
  std::string source_checksum;
  std::string target_checksum;
  bool match = true;
  // The first differences, e.g. "document doc_… differs (fields or vectors)".
  std::vector<std::string> differences;
  // Items a client wrote in the source while the migration ran (its change log after
  // additional_data.live.source_seq_at_start): not compared — a sync carries them.
  int64_t changed_since_start = 0;
};

// The source ids of a resource's items that clients wrote while the migration ran.
using ChangedItems = std::function<Result<std::set<std::string>>()>;

// What a copied resource's checksum leaves out: nothing of a bucket's objects; of a
// collection's documents, the vectors an extend adds and the fields cluster_execution and
// taxonomy enrichment rewrite.
FingerprintScope ScopeOf(const RunContext& ctx, const model::DependencyNode& node);

// A slice copied inside the storage engine, read back on both sides: the source items as
// the target should hold them, and the target's copies (NamespaceStore::ChecksumItems of
// the batch's ids). The worker that copied the slice records them with its completion.
Result<model::BatchChecksums> ChecksumCopiedSlice(const RunContext& ctx,
                                                  const model::MigrationBatch& batch);

// A copied resource verified from the checksums its slices recorded, without reading it
// again: when every batch of the resource recorded them, nothing failed, no client wrote
// to it in the source since the migration started (`changed` is empty), and the items
// counted now on each side are the slices' items, the verification is their sum.
// nullopt when any of that does not hold or the sums differ: the caller then reads both
// sides in full (VerifyCopiedResource), which also names the differences.
Result<std::optional<ResourceVerification>> VerifyFromSlices(const RunContext& ctx,
                                                             const model::DependencyNode& node,
                                                             const ChangedItems& changed);

// Compares a copied bucket's objects or a copied collection's documents (source items
// limited to the migration's date range), leaving out the items `changed` names. It is
// asked only on a mismatch, after both sides were read, so every write the reads saw is
// in its answer. REQUIRES: !ctx.dry_run().
Result<ResourceVerification> VerifyCopiedResource(const RunContext& ctx,
                                                  const model::DependencyNode& node,
                                                  const FingerprintScope& scope,
                                                  const ChangedItems& changed = nullptr);

}  // namespace ferry::migration
