#include "common/backoff.h"

#include <algorithm>
#include <cmath>

namespace ferry {
namespace {

// floor(unit * span) for unit in [0, 1], never above `span` (no overflow near INT64_MAX).
int64_t Scale(double unit, int64_t span) {
  const double scaled = unit * static_cast<double>(span);
  if (!(scaled < static_cast<double>(span))) return span;
  return static_cast<int64_t>(scaled);
}

}  // namespace

std::chrono::milliseconds BackoffCeiling(const BackoffPolicy& policy, int64_t retry) {
  const int64_t cap = std::max<int64_t>(policy.max.count(), 0);
  int64_t ceiling = std::clamp<int64_t>(policy.initial.count(), 0, cap);
  // Doubling stops at the cap (and at zero), so this is at most 63 steps.
  for (int64_t i = 0; i < retry && ceiling > 0 && ceiling < cap; ++i) {
    ceiling = ceiling > cap / 2 ? cap : ceiling * 2;
  }
  return std::chrono::milliseconds(ceiling);
}

std::chrono::milliseconds BackoffDelay(const BackoffPolicy& policy, int64_t retry, double unit,
                                       std::optional<std::chrono::milliseconds> at_least) {
  const int64_t ceiling = BackoffCeiling(policy, retry).count();
  unit = std::isnan(unit) ? 0.0 : std::clamp(unit, 0.0, 1.0);
  int64_t delay = ceiling;
  switch (policy.jitter) {
    case Jitter::kNone:
      break;
    case Jitter::kEqual:
      delay = ceiling / 2 + Scale(unit, ceiling - ceiling / 2);
      break;
    case Jitter::kFull:
      delay = Scale(unit, ceiling);
      break;
  }
  if (at_least) delay = std::max<int64_t>(delay, at_least->count());
  return std::chrono::milliseconds(
      std::min<int64_t>(delay, std::max<int64_t>(policy.max.count(), 0)));
}

double UnitFromBits(uint64_t bits) { return static_cast<double>(bits >> 11) * 0x1.0p-53; }

}  // namespace ferry
