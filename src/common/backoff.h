#pragma once
// The one retry-delay policy of Ferry (HTTP extractor, webhook outbox, migration
// batches): an exponential ceiling, min(max, initial * 2^retry), and a jitter that draws
// the delay below it, so that many clients retrying together spread out.

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>

namespace ferry {

enum class Jitter {
  kNone,   // the delay is the ceiling
  kEqual,  // half the ceiling fixed, half random: [ceiling/2, ceiling]
  kFull,   // uniform below the ceiling: [0, ceiling]
};

struct BackoffPolicy {
  // The ceiling of the first retry (default: 100 ms).
  std::chrono::milliseconds initial{100};
  // No ceiling and no delay exceeds this, a server's Retry-After included (default: 10 s).
  std::chrono::milliseconds max{10000};
  // How the delay is drawn below the ceiling (default: equal jitter).
  Jitter jitter = Jitter::kEqual;
};

// min(max, initial * 2^retry) for retry number `retry` (0 = the first retry; negative
// counts as 0). Never overflows, however large `retry` is; negative bounds count as 0.
std::chrono::milliseconds BackoffCeiling(const BackoffPolicy& policy, int64_t retry);

// The delay before retry `retry`, for a uniform draw `unit` in [0, 1) (clamped):
//   kNone: ceiling; kEqual: c/2 + unit * (c - c/2); kFull: unit * c.
// `at_least` (a server's Retry-After) raises the delay to at least that, still capped at
// `max`.
std::chrono::milliseconds BackoffDelay(
    const BackoffPolicy& policy, int64_t retry, double unit,
    std::optional<std::chrono::milliseconds> at_least = std::nullopt);

// A uniform draw in [0, 1) from the top 53 bits of `bits` (the same on every platform).
double UnitFromBits(uint64_t bits);

// Delays drawn from a generator seeded once: the same seed gives the same delays.
// Not thread-safe.
class Backoff {
 public:
  Backoff(BackoffPolicy policy, uint64_t seed) : policy_(policy), rng_(seed) {}

  std::chrono::milliseconds Next(int64_t retry) {
    return BackoffDelay(policy_, retry, UnitFromBits(rng_()));
  }
  const BackoffPolicy& policy() const { return policy_; }

 private:
  BackoffPolicy policy_;
  std::mt19937_64 rng_;
};

}  // namespace ferry
