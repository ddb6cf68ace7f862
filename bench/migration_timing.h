#pragma once
// Runs one migration in-process, exactly as the API would (MigrationService::Create, then
// Start), waits for it with MigrationRunner::WaitIdle and reports what it moved, how
// long it took and the process's resident memory during it.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "migration/migration_service.h"

namespace ferry::bench {

struct MigrationRun {
  std::string migration_id;
  double seconds = 0;           // from Start until the runner is idle
  int64_t items_completed = 0;  // batch_processing: objects + documents moved
  int64_t items_failed = 0;
  int64_t target_objects = 0;
  int64_t target_documents = 0;
  std::string target_namespace_id;
  int64_t rss_before_kib = 0;                 // VmRSS when the migration started
  std::optional<int64_t> phase_peak_rss_kib;  // VmHWM over the migration (after a reset)
  // Wall seconds of each of the seven stages (started_at → completed_at, ms resolution).
  std::vector<std::pair<std::string, double>> stage_seconds;
};

// Starts `config` (force: a re_extract start carries a cost warning) and waits for it.
// Internal unless it completed.
Result<MigrationRun> RunMigration(const service::ServiceDeps& deps,
                                  migration::MigrationService& migrations,
                                  migration::MigrationRunner& runner, const service::Caller& caller,
                                  const model::MigrationConfig& config);

}  // namespace ferry::bench
