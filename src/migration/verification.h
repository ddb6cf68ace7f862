#pragma once
// Verification of what a migration copied (DESIGN.md §2 "finalization"): per copied
// resource, the item counts of source and target and an order-independent content
// checksum of each side. The source side is fingerprinted as the target should hold it
// (ids, collection and lineage mapped, MapDocument); the target side as it is.
//
// A document's fingerprint is SHA-256 over its id, collection, lineage, modality,
// ingestion status, its fields in a canonical encoding (object keys sorted) and its
// vectors (by feature URI, raw float32 bytes). An object's covers its id, bucket, key
// prefix and blobs (property, type, inline data, content hash, size, mime type,
// filename, metadata). Timestamps and batch ids are not covered. A side's checksum adds
// its fingerprints lane-wise modulo 2^64 (4 lanes of 64 bits), so it does not depend on
// order but does on multiplicity.

#include <array>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "migration/run_context.h"

namespace ferry::migration {

class ContentChecksum {
 public:
  void Add(const std::string& sha256_hex);
  std::string Hex() const;
  int64_t count() const { return count_; }
  bool operator==(const ContentChecksum& o) const {
    return lanes_ == o.lanes_ && count_ == o.count_;
  }

 private:
  std::array<uint64_t, 4> lanes_{};
  int64_t count_ = 0;
};

// What a collection's fingerprints leave out: fields a later stage legitimately rewrites
// (taxonomy and cluster enrichment), and the vectors the migration adds (extend).
struct FingerprintScope {
  std::set<std::string> excluded_fields;
  std::set<std::string> excluded_field_prefixes;  // e.g. "_taxonomy_"
  std::set<std::string> excluded_vector_uris;
  // Leave out the document's error: an extend records there why an added extractor
  // failed on it (a failed item, listed apart), the rest of the document still a copy.
  bool ignore_error = false;
};

std::string DocumentFingerprint(const model::Document& d, const FingerprintScope& scope);
std::string ObjectFingerprint(const model::Object& o);

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
};

// Compares a copied bucket's objects or a copied collection's documents (source items
// limited to the migration's date range). REQUIRES: !ctx.dry_run().
Result<ResourceVerification> VerifyCopiedResource(const RunContext& ctx,
                                                  const model::DependencyNode& node,
                                                  const FingerprintScope& scope);

}  // namespace ferry::migration
