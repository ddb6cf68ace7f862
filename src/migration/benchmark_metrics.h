#pragma once
// Retrieval-quality metrics of benchmark_evaluation (pure functions over ranked lists of
// comparable document keys, best first).

#include <set>
#include <string>
#include <vector>

namespace ferry::migration {

// |top-k of a ∩ top-k of b| / k' where k' = min(k, max(|a|, |b|)); 1 when both are empty.
double OverlapAtK(const std::vector<std::string>& a, const std::vector<std::string>& b, size_t k);

// Binary-relevance NDCG@k: DCG of `ranked` over the ideal DCG of |relevant| hits.
// REQUIRES: !relevant.empty().
double NdcgAtK(const std::vector<std::string>& ranked, const std::set<std::string>& relevant,
               size_t k);

// Reciprocal rank of the first relevant document (0 when none is ranked).
double ReciprocalRank(const std::vector<std::string>& ranked,
                      const std::set<std::string>& relevant);

// The median (mean of the middle two for an even count); 0 for an empty list.
double Median(std::vector<double> values);

}  // namespace ferry::migration
