#pragma once
// A document's vectors packed into one value, for a backend that keeps them in the
// document's own row (SQLite's documents.vectors) rather than one row per vector: a copy
// or a rewrite of a document is then one row, one B-tree entry. For each vector, in
// position order: the feature URI's byte length (LEB128), the URI, the number of
// dimensions (LEB128), then the float32 values little-endian (records::EncodeFloats). No
// vectors: empty. A document's feature URIs are distinct (the writer checks).

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/resources.h"

namespace ferry::storage::records {

std::string EncodePackedVectors(const std::vector<model::FeatureVector>& vectors);
// Appends one vector to a packing under construction (as EncodePackedVectors does).
void AppendPackedVector(std::string_view feature_uri, std::string_view float_bytes,
                        std::string* packed);
// False when `packed` is malformed (then `out` is unspecified).
bool DecodePackedVectors(std::string_view packed, std::vector<model::FeatureVector>* out);

// Walks a packing without copying: views of each vector's URI and value bytes.
class PackedVectorReader {
 public:
  explicit PackedVectorReader(std::string_view packed) : rest_(packed) {}
  // The next vector; false at the end or on malformed bytes (then ok() is false).
  bool Next(std::string_view* feature_uri, std::string_view* float_bytes);
  bool ok() const { return ok_; }

 private:
  bool ReadLength(uint64_t* out);
  std::string_view rest_;
  bool ok_ = true;
};

}  // namespace ferry::storage::records
