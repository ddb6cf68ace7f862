#pragma once
// The storage engine a configuration names: the embedded one in data_dir, or PostgreSQL.

#include <memory>

#include "app/config.h"
#include "common/crash_points.h"
#include "common/result.h"
#include "storage/storage_engine.h"

namespace ferry::app {

// Opens (creating when missing) the engine of config.storage. For PostgreSQL, the webhook
// secret key is DATA_DIR/secret.key (created when missing), which every process of a
// cluster must share. `crash_points` (testing; may be null) reaches the embedded engine.
Result<std::unique_ptr<storage::StorageEngine>> OpenStorage(const Config& config,
                                                            const CrashPoints* crash_points);

}  // namespace ferry::app
