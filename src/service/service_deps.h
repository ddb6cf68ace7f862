#pragma once
// What every resource service needs, built once by app/ and passed by reference.

#include "common/clock.h"
#include "common/logging.h"
#include "extract/extractor.h"
#include "storage/storage_engine.h"

namespace ferry::service {

struct ServiceDeps {
  storage::StorageEngine& storage;
  const extract::ExtractorRegistry& extractors;
  const Clock& clock;
  const Logger& logger;
};

// The authenticated caller of an operation.
struct Caller {
  std::string org_id;
};

}  // namespace ferry::service
