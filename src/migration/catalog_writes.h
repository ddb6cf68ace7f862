#pragma once
// Catalog writes a migration run must not lose to a passing error (a busy database, a
// lock held a moment too long): the end of a run, a task's status, a batch's outcome, a
// released lease. They are retried a few times before their error is handled.

#include <functional>

#include "common/status.h"

namespace ferry::migration {

inline constexpr int kCatalogWriteAttempts = 3;

// Runs `write` until it succeeds, fails with a code that retrying cannot help
// (IsRetryable), or has run kCatalogWriteAttempts times, waiting 50 ms and then 100 ms
// between attempts. Returns its last status.
Status RetryCatalogWrite(const std::function<Status()>& write);

}  // namespace ferry::migration
