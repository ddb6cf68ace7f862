#include "storage/records/packed_vectors.h"

#include "storage/records/record_codec.h"

namespace ferry::storage::records {
namespace {

void AppendLength(uint64_t n, std::string* out) {
  while (n >= 0x80) {
    out->push_back(static_cast<char>((n & 0x7f) | 0x80));
    n >>= 7;
  }
  out->push_back(static_cast<char>(n));
}

}  // namespace

void AppendPackedVector(std::string_view feature_uri, std::string_view float_bytes,
                        std::string* packed) {
  AppendLength(feature_uri.size(), packed);
  packed->append(feature_uri);
  AppendLength(float_bytes.size() / 4, packed);
  packed->append(float_bytes);
}

std::string EncodePackedVectors(const std::vector<model::FeatureVector>& vectors) {
  std::string packed;
  size_t bytes = 0;
  for (const auto& v : vectors) bytes += v.feature_uri.size() + v.values.size() * 4 + 8;
  packed.reserve(bytes);
  for (const auto& v : vectors) {
    AppendLength(v.feature_uri.size(), &packed);
    packed.append(v.feature_uri);
    AppendLength(v.values.size(), &packed);
    AppendFloats(v.values, &packed);
  }
  return packed;
}

bool PackedVectorReader::ReadLength(uint64_t* out) {
  uint64_t n = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (rest_.empty()) return false;
    const auto byte = static_cast<unsigned char>(rest_.front());
    rest_.remove_prefix(1);
    n |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *out = n;
      return true;
    }
  }
  return false;
}

bool PackedVectorReader::Next(std::string_view* feature_uri, std::string_view* float_bytes) {
  if (!ok_ || rest_.empty()) return false;
  uint64_t uri_size = 0;
  uint64_t dims = 0;
  ok_ = ReadLength(&uri_size) && uri_size <= rest_.size();
  if (!ok_) return false;
  *feature_uri = rest_.substr(0, uri_size);
  rest_.remove_prefix(uri_size);
  ok_ = ReadLength(&dims) && dims <= rest_.size() / 4;
  if (!ok_) return false;
  *float_bytes = rest_.substr(0, dims * 4);
  rest_.remove_prefix(dims * 4);
  return true;
}

bool DecodePackedVectors(std::string_view packed, std::vector<model::FeatureVector>* out) {
  out->clear();
  PackedVectorReader reader(packed);
  std::string_view uri;
  std::string_view bytes;
  while (reader.Next(&uri, &bytes)) {
    model::FeatureVector& v = out->emplace_back();
    v.feature_uri.assign(uri);
    if (!DecodeFloats(bytes, static_cast<int64_t>(bytes.size() / 4), &v.values)) return false;
  }
  return reader.ok();
}

}  // namespace ferry::storage::records
