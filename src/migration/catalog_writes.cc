#include "migration/catalog_writes.h"

#include <chrono>
#include <thread>

#include "common/backoff.h"

namespace ferry::migration {

namespace {

// Between attempts: 50 ms, 100 ms (no jitter: one run's writes are not a crowd).
constexpr BackoffPolicy kCatalogWriteBackoff{std::chrono::milliseconds(50), std::chrono::seconds(1),
                                             Jitter::kNone};

}  // namespace

Status RetryCatalogWrite(const std::function<Status()>& write) {
  Status st = write();
  for (int attempt = 1; attempt < kCatalogWriteAttempts && IsRetryable(st.code()); ++attempt) {
    // A pause before the next attempt, not a synchronization.
    std::this_thread::sleep_for(BackoffDelay(kCatalogWriteBackoff, attempt - 1, 0.0));
    st = write();
  }
  return st;
}

}  // namespace ferry::migration
