#include "common/backoff.h"

#include <gtest/gtest.h>

#include <limits>

namespace ferry {
namespace {

using std::chrono::milliseconds;

TEST(BackoffTest, CeilingDoublesFromInitialUpToMax) {
  const BackoffPolicy p{milliseconds(100), milliseconds(1000), Jitter::kNone};
  EXPECT_EQ(BackoffCeiling(p, -3), milliseconds(100));
  EXPECT_EQ(BackoffCeiling(p, 0), milliseconds(100));
  EXPECT_EQ(BackoffCeiling(p, 1), milliseconds(200));
  EXPECT_EQ(BackoffCeiling(p, 2), milliseconds(400));
  EXPECT_EQ(BackoffCeiling(p, 3), milliseconds(800));
  EXPECT_EQ(BackoffCeiling(p, 4), milliseconds(1000));
  EXPECT_EQ(BackoffCeiling({milliseconds(5000), milliseconds(1000)}, 0), milliseconds(1000));
}

TEST(BackoffTest, HugeAttemptCountsStayAtTheCapWithoutOverflow) {
  const BackoffPolicy p{milliseconds(1000), milliseconds(300000), Jitter::kFull};
  const int64_t huge = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(BackoffCeiling(p, huge), milliseconds(300000));
  EXPECT_LE(BackoffDelay(p, huge, 0.999999), milliseconds(300000));
  const BackoffPolicy widest{milliseconds(3), milliseconds::max(), Jitter::kEqual};
  EXPECT_EQ(BackoffCeiling(widest, huge), milliseconds::max());
  EXPECT_EQ(BackoffDelay(widest, huge, 1.0), milliseconds::max());
  EXPECT_GE(BackoffDelay(widest, huge, 0.0), milliseconds::max() / 2);
  // A zero initial delay stays zero (and does not loop `huge` times).
  EXPECT_EQ(BackoffCeiling({milliseconds(0), milliseconds(1000)}, huge), milliseconds(0));
}

TEST(BackoffTest, NoJitterIsTheCeiling) {
  const BackoffPolicy p{milliseconds(100), milliseconds(10000), Jitter::kNone};
  EXPECT_EQ(BackoffDelay(p, 0, 0.7), milliseconds(100));
  EXPECT_EQ(BackoffDelay(p, 1, 0.0), milliseconds(200));
}

TEST(BackoffTest, EqualJitterSpreadsOverTheUpperHalf) {
  const BackoffPolicy p{milliseconds(400), milliseconds(10000), Jitter::kEqual};
  EXPECT_EQ(BackoffDelay(p, 1, 0.0), milliseconds(400));
  EXPECT_EQ(BackoffDelay(p, 1, 0.5), milliseconds(600));
  EXPECT_EQ(BackoffDelay(p, 1, 0.999999), milliseconds(799));
  EXPECT_EQ(BackoffDelay(p, 1, 7.0), milliseconds(800));   // clamped
  EXPECT_EQ(BackoffDelay(p, 1, -1.0), milliseconds(400));  // clamped
}

TEST(BackoffTest, FullJitterSpreadsFromZeroToTheCeiling) {
  const BackoffPolicy p{milliseconds(1000), milliseconds(300000), Jitter::kFull};
  EXPECT_EQ(BackoffDelay(p, 2, 0.0), milliseconds(0));
  EXPECT_EQ(BackoffDelay(p, 2, 0.25), milliseconds(1000));
  EXPECT_EQ(BackoffDelay(p, 2, 0.999999), milliseconds(3999));
}

TEST(BackoffTest, AtLeastRaisesTheDelayButNotPastMax) {
  const BackoffPolicy p{milliseconds(100), milliseconds(3000), Jitter::kEqual};
  EXPECT_EQ(BackoffDelay(p, 0, 0.0, milliseconds(2000)), milliseconds(2000));
  EXPECT_EQ(BackoffDelay(p, 0, 0.0, milliseconds(60000)), milliseconds(3000));
  EXPECT_EQ(BackoffDelay(p, 0, 0.0, milliseconds(10)), milliseconds(50));
}

TEST(BackoffTest, SeededDelaysAreRepeatableVariedAndWithinBounds) {
  const BackoffPolicy p{milliseconds(100), milliseconds(1000), Jitter::kFull};
  Backoff a(p, 42);
  Backoff b(p, 42);
  Backoff other(p, 43);
  bool varied = false;
  bool seeds_differ = false;
  milliseconds previous{-1};
  for (int64_t retry = 0; retry < 20; ++retry) {
    const milliseconds delay = a.Next(retry);
    EXPECT_GE(delay.count(), 0);
    EXPECT_LE(delay, BackoffCeiling(p, retry));
    EXPECT_EQ(delay, b.Next(retry)) << retry;  // same seed, same delays
    seeds_differ = seeds_differ || other.Next(retry) != delay;
    varied = varied || (previous.count() >= 0 && delay != previous);
    previous = delay;
  }
  EXPECT_TRUE(varied);
  EXPECT_TRUE(seeds_differ);
}

TEST(BackoffTest, UnitFromBitsCoversZeroToJustBelowOne) {
  EXPECT_EQ(UnitFromBits(0), 0.0);
  EXPECT_LT(UnitFromBits(~uint64_t{0}), 1.0);
  EXPECT_GT(UnitFromBits(~uint64_t{0}), 0.999999);
  EXPECT_EQ(UnitFromBits(uint64_t{1} << 63), 0.5);
}

}  // namespace
}  // namespace ferry
