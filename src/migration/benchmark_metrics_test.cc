#include "migration/benchmark_metrics.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ferry::migration {
namespace {

TEST(BenchmarkMetricsTest, OverlapCountsSharedTopKIgnoringOrder) {
  EXPECT_DOUBLE_EQ(OverlapAtK({"a", "b", "c"}, {"c", "b", "a"}, 10), 1.0);
  EXPECT_DOUBLE_EQ(OverlapAtK({"a", "b", "c", "d"}, {"a", "x", "c", "y"}, 10), 0.5);
  // Only the top k count.
  EXPECT_DOUBLE_EQ(OverlapAtK({"a", "b", "z"}, {"z", "b", "a"}, 2), 0.5);
  EXPECT_DOUBLE_EQ(OverlapAtK({"a", "b", "z"}, {"z", "y", "a"}, 2), 0.0);
  EXPECT_DOUBLE_EQ(OverlapAtK({}, {}, 10), 1.0);
  EXPECT_DOUBLE_EQ(OverlapAtK({"a"}, {}, 10), 0.0);
}

TEST(BenchmarkMetricsTest, NdcgByHand) {
  // Relevant {a, c}; ranked a, b, c: DCG = 1 + 1/log2(4) = 1.5; ideal = 1 + 1/log2(3).
  const double ideal = 1.0 + 1.0 / std::log2(3.0);
  EXPECT_NEAR(NdcgAtK({"a", "b", "c"}, {"a", "c"}, 10), 1.5 / ideal, 1e-12);
  EXPECT_DOUBLE_EQ(NdcgAtK({"a", "c"}, {"a", "c"}, 10), 1.0);
  EXPECT_DOUBLE_EQ(NdcgAtK({"x", "y"}, {"a"}, 10), 0.0);
  // Beyond k does not count.
  EXPECT_DOUBLE_EQ(NdcgAtK({"x", "a"}, {"a"}, 1), 0.0);
}

TEST(BenchmarkMetricsTest, ReciprocalRankAndMedian) {
  EXPECT_DOUBLE_EQ(ReciprocalRank({"x", "y", "a"}, {"a", "y"}), 0.5);
  EXPECT_DOUBLE_EQ(ReciprocalRank({"x"}, {"a"}), 0.0);
  EXPECT_DOUBLE_EQ(Median({3, 1, 2}), 2);
  EXPECT_DOUBLE_EQ(Median({4, 1, 2, 3}), 2.5);
  EXPECT_DOUBLE_EQ(Median({}), 0);
}

}  // namespace
}  // namespace ferry::migration
