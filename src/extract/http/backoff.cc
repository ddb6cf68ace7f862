#include "extract/http/backoff.h"

#include <algorithm>

namespace ferry::extract::http {

std::chrono::milliseconds BackoffDelay(const BackoffPolicy& policy, int retry, double unit,
                                       std::optional<std::chrono::milliseconds> retry_after) {
  const int64_t cap = std::max<int64_t>(policy.max.count(), 0);
  int64_t base = std::max<int64_t>(policy.initial.count(), 0);
  for (int i = 0; i < retry && base < cap; ++i) base *= 2;
  base = std::min(base, cap);
  unit = std::clamp(unit, 0.0, 1.0);
  int64_t delay = base / 2 + static_cast<int64_t>(unit * static_cast<double>(base - base / 2));
  if (retry_after) delay = std::max<int64_t>(delay, retry_after->count());
  return std::chrono::milliseconds(std::min(delay, cap));
}

}  // namespace ferry::extract::http
