#include "migration/benchmark_metrics.h"

#include <algorithm>
#include <cmath>

namespace ferry::migration {

double OverlapAtK(const std::vector<std::string>& a, const std::vector<std::string>& b, size_t k) {
  const size_t na = std::min(k, a.size()), nb = std::min(k, b.size());
  const size_t denom = std::max(na, nb);
  if (denom == 0) return 1.0;
  std::set<std::string> top_a(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(na));
  size_t common = 0;
  for (size_t i = 0; i < nb; ++i) common += top_a.count(b[i]);
  return static_cast<double>(common) / static_cast<double>(denom);
}

double NdcgAtK(const std::vector<std::string>& ranked, const std::set<std::string>& relevant,
               size_t k) {
  double dcg = 0, ideal = 0;
  for (size_t i = 0; i < std::min(k, ranked.size()); ++i) {
    if (relevant.count(ranked[i]) > 0) dcg += 1.0 / std::log2(static_cast<double>(i) + 2.0);
  }
  for (size_t i = 0; i < std::min(k, relevant.size()); ++i) {
    ideal += 1.0 / std::log2(static_cast<double>(i) + 2.0);
  }
  return ideal > 0 ? dcg / ideal : 0.0;
}

double ReciprocalRank(const std::vector<std::string>& ranked,
                      const std::set<std::string>& relevant) {
  for (size_t i = 0; i < ranked.size(); ++i) {
    if (relevant.count(ranked[i]) > 0) return 1.0 / static_cast<double>(i + 1);
  }
  return 0.0;
}

double Median(std::vector<double> values) {
  if (values.empty()) return 0.0;
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

}  // namespace ferry::migration
