#pragma once
// What every resource service needs, built once by app/ and passed by reference.

#include <chrono>

#include "common/clock.h"
#include "common/logging.h"
#include "extract/extractor.h"
#include "storage/storage_engine.h"

namespace ferry::metrics {
class Metrics;
}  // namespace ferry::metrics

namespace ferry::service {

struct ServiceDeps {
  storage::StorageEngine& storage;
  const extract::ExtractorRegistry& extractors;
  const Clock& clock;
  const Logger& logger;
  // Longest one item's extraction may take before it fails with DeadlineExceeded
  // (config item_timeout_seconds; default 60 s).
  std::chrono::milliseconds item_timeout{60'000};
  // Where migrations record items and batch leases (metrics/metrics.h); null (tests,
  // tools): nothing is recorded. Built by app/.
  metrics::Metrics* metrics = nullptr;
};

// The authenticated caller of an operation.
struct Caller {
  std::string org_id;
};

}  // namespace ferry::service
