#include "index/vector_index.h"

#include <string>
#include <utility>

#include "index/exact_index.h"
#include "index/hnsw_index.h"
#include "index/vector_math.h"

namespace ferry::index {

Result<std::vector<float>> VectorIndex::UnitCopy(std::span<const float> vector,
                                                 const char* what) const {
  if (vector.size() != dimension_) {
    return Status::InvalidArgument(std::string(what) + " has " + std::to_string(vector.size()) +
                                   " values, the index expects " + std::to_string(dimension_));
  }
  std::vector<float> unit(vector.begin(), vector.end());
  if (!Normalize(unit)) {
    return Status::InvalidArgument(std::string(what) + " has zero or non-finite norm");
  }
  return unit;
}

Status VectorIndex::Add(std::string_view id, std::span<const float> vector) {
  if (id.empty()) return Status::InvalidArgument("vector id is empty");
  FERRY_ASSIGN_OR_RETURN(std::vector<float> unit, UnitCopy(vector, "vector"));
  return Write(id, std::move(unit), WriteMode::kInsertOnly);
}

Status VectorIndex::Upsert(std::string_view id, std::span<const float> vector) {
  if (id.empty()) return Status::InvalidArgument("vector id is empty");
  FERRY_ASSIGN_OR_RETURN(std::vector<float> unit, UnitCopy(vector, "vector"));
  return Write(id, std::move(unit), WriteMode::kUpsert);
}

Result<std::vector<Hit>> VectorIndex::Search(std::span<const float> query, size_t k,
                                             const IdFilter& filter) const {
  FERRY_ASSIGN_OR_RETURN(std::vector<float> unit, UnitCopy(query, "query"));
  if (k == 0) return std::vector<Hit>{};
  return SearchUnit(unit, k, filter);
}

Result<std::unique_ptr<VectorIndex>> MakeIndex(size_t expected_count, size_t dimension) {
  if (dimension == 0) return Status::InvalidArgument("vector dimension must be positive");
  if (expected_count < kHnswThreshold) {
    return std::unique_ptr<VectorIndex>(std::make_unique<ExactIndex>(dimension));
  }
  HnswOptions options;
  options.initial_capacity = expected_count;
  FERRY_ASSIGN_OR_RETURN(std::unique_ptr<HnswIndex> hnsw, HnswIndex::Create(dimension, options));
  return std::unique_ptr<VectorIndex>(std::move(hnsw));
}

}  // namespace ferry::index
