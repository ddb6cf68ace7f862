#pragma once
// ExactIndex: brute-force cosine search. Scores every live vector against the query and
// keeps the best k in a bounded heap, so results are exact (the reference HnswIndex is
// measured against) and a search costs O(Size() × dimension).

#include <cstddef>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "index/vector_index.h"

namespace ferry::index {

class ExactIndex final : public VectorIndex {
 public:
  // An empty index. REQUIRES: dimension > 0.
  explicit ExactIndex(size_t dimension);

  size_t Size() const override;
  Status Remove(std::string_view id) override;

 protected:
  Status Write(std::string_view id, std::vector<float> unit, WriteMode mode) override;
  Result<std::vector<Hit>> SearchUnit(std::span<const float> unit_query, size_t k,
                                      const IdFilter& filter) const override;

 private:
  std::span<const float> Row(size_t row) const;

  mutable std::shared_mutex mu_;
  // Row r holds ids_[r] and rows_[r * dimension(), (r + 1) * dimension()); rows are dense
  // (Remove moves the last row into the hole) so a search is one linear scan.
  std::vector<std::string> ids_;
  std::vector<float> rows_;
  std::unordered_map<std::string, size_t> row_of_;
};

}  // namespace ferry::index
