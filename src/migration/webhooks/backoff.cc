#include "migration/webhooks/backoff.h"

#include <algorithm>

namespace ferry::migration::webhooks {

std::chrono::milliseconds BackoffCeiling(const BackoffPolicy& policy, int64_t failed_attempts) {
  int64_t ceiling = policy.base.count();
  const int64_t cap = policy.cap.count();
  // Doubling stops at the cap, so this cannot overflow however many attempts were made.
  for (int64_t i = 1; i < failed_attempts && ceiling < cap; ++i) ceiling *= 2;
  return std::chrono::milliseconds(std::min(ceiling, cap));
}

std::chrono::milliseconds JitteredBackoff::Next(int64_t failed_attempts) {
  const int64_t ceiling = BackoffCeiling(policy_, failed_attempts).count();
  std::uniform_int_distribution<int64_t> draw(0, std::max<int64_t>(ceiling, 0));
  return std::chrono::milliseconds(draw(rng_));
}

}  // namespace ferry::migration::webhooks
