#pragma once
// Helpers shared by the index tests: ids for row numbers and a brute-force reference
// search written independently of ExactIndex.

#include <algorithm>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

#include "index/vector_index.h"
#include "index/vector_math.h"

namespace ferry::index::testing {

inline std::string RowId(size_t row) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "doc_%06zu", row);
  return buf;
}

inline std::span<const float> RowOf(const std::vector<float>& rows, size_t dim, size_t row) {
  return std::span<const float>(rows).subspan(row * dim, dim);
}

// Adds every row of `rows` under RowId(row); the first failure.
inline Status AddRows(VectorIndex& index, const std::vector<float>& rows) {
  const size_t dim = index.dimension();
  for (size_t row = 0; row < rows.size() / dim; ++row) {
    FERRY_RETURN_IF_ERROR(index.Add(RowId(row), RowOf(rows, dim, row)));
  }
  return Status::Ok();
}

// The k best rows for `query` by cosine, scored exactly as the indexes score (both sides
// normalised with Normalize, compared with Dot), ranked with RanksBefore.
inline std::vector<Hit> BruteForce(const std::vector<float>& rows, size_t dim,
                                   std::span<const float> query, size_t k) {
  std::vector<float> q(query.begin(), query.end());
  Normalize(q);
  std::vector<Hit> all;
  for (size_t row = 0; row < rows.size() / dim; ++row) {
    std::vector<float> v(RowOf(rows, dim, row).begin(), RowOf(rows, dim, row).end());
    Normalize(v);
    all.push_back(Hit{RowId(row), Dot(q, v)});
  }
  std::sort(all.begin(), all.end(), RanksBefore);
  all.resize(std::min(k, all.size()));
  return all;
}

// Fraction of `expected` ids that also appear in `actual`.
inline double Recall(const std::vector<Hit>& expected, const std::vector<Hit>& actual) {
  if (expected.empty()) return 1.0;
  size_t found = 0;
  for (const Hit& e : expected) {
    found += std::any_of(actual.begin(), actual.end(), [&](const Hit& a) { return a.id == e.id; });
  }
  return static_cast<double>(found) / expected.size();
}

}  // namespace ferry::index::testing
