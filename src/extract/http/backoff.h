#pragma once
// Retry delays for the HTTP extractor: exponential backoff with "equal jitter" (half the
// delay fixed, half random), so many workers retrying together spread out.

#include <chrono>
#include <optional>

namespace ferry::extract::http {

struct BackoffPolicy {
  // Delay before the first retry, before jitter.
  std::chrono::milliseconds initial{250};
  // Upper bound of every delay, Retry-After included.
  std::chrono::milliseconds max{8000};
};

// Delay before retry number `retry` (0 = the first retry):
//   base = min(max, initial * 2^retry); delay = base/2 + unit * base/2
// where `unit` in [0, 1) is the random draw. A server's Retry-After raises the delay to
// at least that much, still capped at `max`.
std::chrono::milliseconds BackoffDelay(const BackoffPolicy& policy, int retry, double unit,
                                       std::optional<std::chrono::milliseconds> retry_after);

}  // namespace ferry::extract::http
