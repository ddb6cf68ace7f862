#pragma once
// `ferryd move-storage`: moves an embedded data directory into an empty PostgreSQL
// database (storage/transfer/), and the lock that tells it the data directory is in use.

#include <ostream>
#include <string>

#include "common/result.h"

namespace ferry::app {

// Copies everything in the embedded data directory `data_dir` into the PostgreSQL
// database at `url`, which must be empty, and writes a summary of what was copied to
// `out`. The data directory is left as it was. FailedPrecondition when it has no catalog,
// when a ferryd serves it, or when the target is not empty.
Status MoveStorageCommand(const std::string& data_dir, const std::string& url, std::ostream& out);

}  // namespace ferry::app
