#pragma once
// Encodings of the structured model fields that a backend stores as opaque bytes (a BLOB,
// a bytea) rather than as columns (nothing queries inside them). Each goes through
// model::Value and its binary EncodeValue format, so the bytes are self-describing and
// independent of struct layout. Decode* return false on malformed bytes; callers report
// DataLoss.

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "model/resources.h"

namespace ferry::storage::records {

// DataLoss for a stored field that does not decode.
Status CorruptField(std::string_view field);

std::string EncodeValueBlob(const model::Value& value);
bool DecodeValueBlob(std::string_view bytes, model::Value* out);

std::string EncodeExtractorRefs(const std::vector<model::ExtractorRef>& refs);
bool DecodeExtractorRefs(std::string_view bytes, std::vector<model::ExtractorRef>* out);

std::string EncodeSchema(const model::BucketSchema& schema);
bool DecodeSchema(std::string_view bytes, model::BucketSchema* out);

std::string EncodeBlobs(const std::vector<model::Blob>& blobs);
bool DecodeBlobs(std::string_view bytes, std::vector<model::Blob>* out);

std::string EncodeSource(const model::CollectionSource& source);
bool DecodeSource(std::string_view bytes, model::CollectionSource* out);

std::string EncodeExtractor(const model::CollectionExtractor& extractor);
bool DecodeExtractor(std::string_view bytes, model::CollectionExtractor* out);

std::string EncodeStrings(const std::vector<std::string>& strings);
bool DecodeStrings(std::string_view bytes, std::vector<std::string>* out);

std::string EncodeTiers(const std::vector<std::vector<std::string>>& tiers);
bool DecodeTiers(std::string_view bytes, std::vector<std::vector<std::string>>* out);

std::string EncodeCounts(const std::map<std::string, int64_t>& counts);
bool DecodeCounts(std::string_view bytes, std::map<std::string, int64_t>* out);

// Vectors: float32 little-endian, dims * 4 bytes, independent of the host byte order.
std::string EncodeFloats(const std::vector<float>& values);
// EncodeFloats' bytes appended to `out` (one copy on little-endian hosts).
void AppendFloats(std::span<const float> values, std::string* out);
bool DecodeFloats(std::string_view bytes, int64_t dims, std::vector<float>* out);

}  // namespace ferry::storage::records
