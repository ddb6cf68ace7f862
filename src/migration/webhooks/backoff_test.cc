#include "migration/webhooks/backoff.h"

#include <gtest/gtest.h>

namespace ferry::migration::webhooks {
namespace {

using std::chrono::milliseconds;

TEST(BackoffTest, CeilingDoublesUpToTheCap) {
  const BackoffPolicy policy;  // 1 s doubling, 5 min cap
  EXPECT_EQ(BackoffCeiling(policy, 0), milliseconds(1000));
  EXPECT_EQ(BackoffCeiling(policy, 1), milliseconds(1000));
  EXPECT_EQ(BackoffCeiling(policy, 2), milliseconds(2000));
  EXPECT_EQ(BackoffCeiling(policy, 3), milliseconds(4000));
  EXPECT_EQ(BackoffCeiling(policy, 9), milliseconds(256000));
  EXPECT_EQ(BackoffCeiling(policy, 10), milliseconds(300000));
  EXPECT_EQ(BackoffCeiling(policy, 1000000), milliseconds(300000));  // no overflow
}

TEST(BackoffTest, JitterStaysWithinTheCeilingAndIsRepeatable) {
  const BackoffPolicy policy{milliseconds(100), milliseconds(1000)};
  JitteredBackoff a(policy, 42);
  JitteredBackoff b(policy, 42);
  bool varied = false;
  milliseconds previous{-1};
  for (int64_t attempt = 1; attempt <= 20; ++attempt) {
    const milliseconds delay = a.Next(attempt);
    EXPECT_GE(delay.count(), 0);
    EXPECT_LE(delay, BackoffCeiling(policy, attempt));
    EXPECT_EQ(delay, b.Next(attempt));  // same seed, same delays
    varied = varied || (previous.count() >= 0 && delay != previous);
    previous = delay;
  }
  EXPECT_TRUE(varied);
}

}  // namespace
}  // namespace ferry::migration::webhooks
