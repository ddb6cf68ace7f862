#pragma once
// VectorIndex: nearest-neighbour search by cosine similarity over (id, vector) pairs of
// one fixed dimension. Implementations: ExactIndex (brute force, exact) and HnswIndex
// (approximate graph search); MakeIndex picks one by expected size.
//
// Every vector is stored and every query is searched as its unit-length copy, so scores
// are cosine similarities whether or not callers pass unit vectors (documents already
// carry unit vectors, see model::FeatureVector).
//
// Thread safety: all methods may be called concurrently; searches run in parallel with
// each other, writes are exclusive.

#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/status.h"

namespace ferry::index {

// One search result: a stored id and its cosine similarity to the query.
struct Hit {
  std::string id;
  float score = 0.0f;

  friend bool operator==(const Hit&, const Hit&) = default;
};

// True when `a` ranks before `b`: higher score first, ties by ascending id.
inline bool RanksBefore(const Hit& a, const Hit& b) {
  return a.score != b.score ? a.score > b.score : a.id < b.id;
}

// Accepts or rejects a stored id during a search (e.g. a retriever's metadata filter).
// An empty IdFilter accepts everything. Called under the index's shared lock: it must not
// call back into the same index's write methods.
using IdFilter = std::function<bool(const std::string& id)>;

class VectorIndex {
 public:
  VectorIndex(const VectorIndex&) = delete;
  VectorIndex& operator=(const VectorIndex&) = delete;
  virtual ~VectorIndex() = default;

  // Length of every stored vector and query.
  size_t dimension() const { return dimension_; }

  // Number of live (searchable) ids.
  virtual size_t Size() const = 0;

  // Inserts `id`. AlreadyExists if it is present; InvalidArgument for an empty id, a
  // vector whose size is not dimension(), or one with zero or non-finite norm.
  Status Add(std::string_view id, std::span<const float> vector);

  // Inserts `id`, or replaces its vector: later searches never see the old vector.
  // Same InvalidArgument cases as Add.
  Status Upsert(std::string_view id, std::span<const float> vector);

  // Removes `id` from all later searches. NotFound if it is not present.
  virtual Status Remove(std::string_view id) = 0;

  // At most `k` live ids accepted by `filter`, best first (RanksBefore). InvalidArgument
  // for a query of the wrong size or with zero or non-finite norm. k == 0 yields nothing.
  Result<std::vector<Hit>> Search(std::span<const float> query, size_t k,
                                  const IdFilter& filter = nullptr) const;

 protected:
  // REQUIRES: dimension > 0.
  explicit VectorIndex(size_t dimension) : dimension_(dimension) {}

  enum class WriteMode { kInsertOnly, kUpsert };

  // Stores `unit` (validated: unit length, dimension() floats) under `id`.
  virtual Status Write(std::string_view id, std::vector<float> unit, WriteMode mode) = 0;

  // Search with a validated unit query and k >= 1.
  virtual Result<std::vector<Hit>> SearchUnit(std::span<const float> unit_query, size_t k,
                                              const IdFilter& filter) const = 0;

 private:
  // The unit-length copy of `vector`, or InvalidArgument naming `what`.
  Result<std::vector<float>> UnitCopy(std::span<const float> vector, const char* what) const;

  const size_t dimension_;
};

// Expected collection size from which MakeIndex chooses HNSW. Below it brute force is
// exact and still fast (10k × 384 floats is ~4M multiply-adds, about a millisecond per
// query) and costs no graph memory or build time.
inline constexpr size_t kHnswThreshold = 10'000;

// An empty index for about `expected_count` vectors of `dimension` floats: ExactIndex
// below kHnswThreshold, HnswIndex with default options (capacity expected_count) at or
// above it. InvalidArgument when dimension == 0.
Result<std::unique_ptr<VectorIndex>> MakeIndex(size_t expected_count, size_t dimension);

}  // namespace ferry::index
