#pragma once
// Retry delays for webhook deliveries: exponential growth with "full jitter" (a uniform
// draw between zero and the exponential ceiling), so receivers that come back are not hit
// by every sender at once.

#include <chrono>
#include <cstdint>
#include <random>

namespace ferry::migration::webhooks {

struct BackoffPolicy {
  // The ceiling after the first failed attempt (default: 1 s).
  std::chrono::milliseconds base{1000};
  // The ceiling never grows beyond this (default: 5 min).
  std::chrono::milliseconds cap{300000};
};

// min(cap, base * 2^(failed_attempts - 1)); base for failed_attempts <= 1.
std::chrono::milliseconds BackoffCeiling(const BackoffPolicy& policy, int64_t failed_attempts);

// Draws delays uniformly from [0, BackoffCeiling]. Deterministic for a given seed.
// Not thread-safe.
class JitteredBackoff {
 public:
  JitteredBackoff(BackoffPolicy policy, uint64_t seed) : policy_(policy), rng_(seed) {}

  std::chrono::milliseconds Next(int64_t failed_attempts);

 private:
  BackoffPolicy policy_;
  std::mt19937_64 rng_;
};

}  // namespace ferry::migration::webhooks
