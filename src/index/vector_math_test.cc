#include "index/vector_math.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "index/random_vectors.h"

namespace ferry::index {
namespace {

TEST(VectorMathTest, MatchesDoublePrecisionReferenceForEveryTailLength) {
  for (size_t n = 0; n <= 40; ++n) {
    const std::vector<float> v = RandomUnitVectors(2, n == 0 ? 1 : n, n);
    std::span<const float> a(v.data(), n);
    std::span<const float> b(v.data() + (n == 0 ? 1 : n), n);
    double dot = 0.0;
    double l2 = 0.0;
    for (size_t i = 0; i < n; ++i) {
      dot += double{a[i]} * b[i];
      l2 += (double{a[i]} - b[i]) * (double{a[i]} - b[i]);
    }
    EXPECT_NEAR(Dot(a, b), dot, 1e-5) << n;
    EXPECT_NEAR(SquaredL2(a, b), l2, 1e-5) << n;
    EXPECT_NEAR(CosineOfUnit(a, b), dot, 1e-5) << n;
  }
}

TEST(VectorMathTest, NormalizeScalesToUnitLength) {
  std::vector<float> v = {3.0f, 4.0f};
  ASSERT_TRUE(Normalize(v));
  EXPECT_FLOAT_EQ(v[0], 0.6f);
  EXPECT_FLOAT_EQ(v[1], 0.8f);
  EXPECT_NEAR(SquaredNorm(v), 1.0f, 1e-6);
}

TEST(VectorMathTest, NormalizeRejectsZeroAndNonFinite) {
  std::vector<float> zero = {0.0f, 0.0f, 0.0f};
  EXPECT_FALSE(Normalize(zero));
  EXPECT_EQ(zero, std::vector<float>(3, 0.0f));
  std::vector<float> nan = {1.0f, std::nanf("")};
  EXPECT_FALSE(Normalize(nan));
  std::vector<float> inf = {1.0f, INFINITY};
  EXPECT_FALSE(Normalize(inf));
}

}  // namespace
}  // namespace ferry::index
