#pragma once
// Content fingerprints of copied items, shared by every backend's streaming checksum
// (NamespaceStore::ChecksumItems) and by migration verification, so both sides of a copy
// are fingerprinted by one definition.
//
// A document's fingerprint is SHA-256 over its id, collection, lineage, modality,
// ingestion status, error, its fields in a canonical encoding (object keys sorted) and
// its vectors (by feature URI, raw float32 little-endian bytes). An object's covers its
// id, bucket, key prefix and blobs (property, type, inline data, content hash, size, mime
// type, filename, metadata). Timestamps and batch ids are not covered. A side's checksum
// adds its fingerprints lane-wise modulo 2^64 (4 lanes of 64 bits), so it does not depend
// on order but does on multiplicity.

#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/crypto.h"
#include "model/resources.h"

namespace ferry::storage {

class ContentChecksum {
 public:
  // Adds one fingerprint (64 lowercase hex digits).
  void Add(std::string_view sha256_hex);
  // Adds one fingerprint given as its raw digest (what Add of its hex adds).
  void AddDigest(const unsigned char (&sha256)[kSha256Bytes]);
  // Adds one digest that stands for `items` items at once (a backend's digest of a whole
  // slice, BulkCopyResult::checksums).
  void AddDigest(const unsigned char (&sha256)[kSha256Bytes], int64_t items);
  std::string Hex() const;
  int64_t count() const { return count_; }
  // Adds another checksum's fingerprints: the checksum of the union of two disjoint sets.
  void Merge(const ContentChecksum& other);
  // The checksum Hex() printed, of `count` fingerprints; nullopt unless `hex` is 64
  // lowercase hex digits.
  static std::optional<ContentChecksum> FromHex(std::string_view hex, int64_t count);
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
  // Whether the fingerprint sees the whole item.
  bool empty() const {
    return excluded_fields.empty() && excluded_field_prefixes.empty() &&
           excluded_vector_uris.empty() && !ignore_error;
  }
};

// A document as its fingerprint sees it: views into a decoded row, so a backend can
// fingerprint rows without building model::Document. `vectors` are (feature URI, raw
// float32 little-endian bytes), in any order.
struct DocumentView {
  std::string_view document_id;
  std::string_view collection_id;
  std::string_view source_type;
  std::string_view root_object_id;
  std::string_view root_bucket_id;
  std::string_view source_object_id;  // "" when absent, likewise below
  std::string_view source_document_id;
  std::string_view source_collection_id;
  std::string_view lineage_path;
  std::string_view modality;
  std::string_view ingestion_status;
  std::string_view error;
  const model::Value* fields = nullptr;
  std::vector<std::pair<std::string_view, std::string_view>> vectors;
};

std::string DocumentFingerprint(const DocumentView& d, const FingerprintScope& scope);

// Fingerprints documents one after another straight from stored rows, with buffers kept
// across documents: the fields as stored (model::EncodeValue's bytes, canonically
// re-encoded without building a Value) and the vectors as each row gives them. The
// digest is DocumentFingerprint's.
class DocumentFingerprinter {
 public:
  explicit DocumentFingerprinter(const FingerprintScope& scope) : scope_(scope) {}
  // Starts a document; `d.fields` and `d.vectors` are ignored. False when
  // `encoded_fields` does not decode.
  bool Begin(const DocumentView& d, std::string_view encoded_fields);
  // One of the document's vectors, in any order; the bytes are copied.
  void AddVector(std::string_view feature_uri, std::string_view bytes);
  void Finish(unsigned char (&digest)[kSha256Bytes]);

 private:
  const FingerprintScope& scope_;
  std::string buffer_;   // the document's fingerprint input so far
  std::string vectors_;  // the bytes of its vectors, each URI followed by its data
  struct VectorSpan {
    size_t at, uri_size, data_size;
  };
  std::vector<VectorSpan> spans_;
};
std::string DocumentFingerprint(const model::Document& d, const FingerprintScope& scope);
std::string ObjectFingerprint(std::string_view object_id, std::string_view bucket_id,
                              std::string_view key_prefix, const std::vector<model::Blob>& blobs);
std::string ObjectFingerprint(const model::Object& o);
// ObjectFingerprint of an object whose blobs are given as stored (records' EncodeBlobs:
// an array of objects, one per blob), read without building model::Blob, its input built
// in `buffer` (reused across objects). False when the blobs would not decode.
bool ObjectFingerprintOfStored(std::string_view object_id, std::string_view bucket_id,
                               std::string_view key_prefix, std::string_view stored_blobs,
                               std::string* buffer, unsigned char (&digest)[kSha256Bytes]);

}  // namespace ferry::storage
