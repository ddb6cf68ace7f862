#include "extract/http/backoff.h"

#include <gtest/gtest.h>

namespace ferry::extract::http {
namespace {

using std::chrono::milliseconds;

TEST(BackoffTest, DoublesFromInitialUpToMax) {
  BackoffPolicy p{milliseconds(100), milliseconds(1000)};
  // unit → 1: the full base delay; unit 0: half of it.
  EXPECT_EQ(BackoffDelay(p, 0, 0.999999, std::nullopt).count(), 99);
  EXPECT_EQ(BackoffDelay(p, 0, 0.0, std::nullopt).count(), 50);
  EXPECT_EQ(BackoffDelay(p, 1, 0.0, std::nullopt).count(), 100);
  EXPECT_EQ(BackoffDelay(p, 2, 0.0, std::nullopt).count(), 200);
  EXPECT_EQ(BackoffDelay(p, 3, 0.0, std::nullopt).count(), 400);
  EXPECT_EQ(BackoffDelay(p, 4, 0.0, std::nullopt).count(), 500);   // base capped at 1000
  EXPECT_EQ(BackoffDelay(p, 60, 0.5, std::nullopt).count(), 750);  // no overflow
}

TEST(BackoffTest, JitterSpreadsWithinTheUpperHalf) {
  BackoffPolicy p{milliseconds(400), milliseconds(10000)};
  int64_t lo = BackoffDelay(p, 1, 0.0, std::nullopt).count();
  int64_t mid = BackoffDelay(p, 1, 0.5, std::nullopt).count();
  int64_t hi = BackoffDelay(p, 1, 0.99, std::nullopt).count();
  EXPECT_EQ(lo, 400);
  EXPECT_EQ(mid, 600);
  EXPECT_GT(hi, mid);
  EXPECT_LE(hi, 800);
}

TEST(BackoffTest, RetryAfterRaisesTheDelayButNotPastMax) {
  BackoffPolicy p{milliseconds(100), milliseconds(3000)};
  EXPECT_EQ(BackoffDelay(p, 0, 0.0, milliseconds(2000)).count(), 2000);
  EXPECT_EQ(BackoffDelay(p, 0, 0.0, milliseconds(60000)).count(), 3000);
  EXPECT_EQ(BackoffDelay(p, 0, 0.0, milliseconds(10)).count(), 50);
}

}  // namespace
}  // namespace ferry::extract::http
