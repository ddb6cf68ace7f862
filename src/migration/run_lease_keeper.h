#pragma once
// RunLeaseKeeper: the run leases this process holds (MigrationRunStore), renewed in the
// background every ttl/3 so a run lease expires only when its holder stops (its process
// died) and another process then takes the migration over. A renewal that finds the
// migration cancelled by another process, or the lease taken over, tells the run through
// the callbacks given with it. Thread-safe.

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "common/clock.h"
#include "common/logging.h"
#include "model/migration_work.h"
#include "storage/migration_run_store.h"

namespace ferry::migration {

class RunLeaseKeeper {
 public:
  struct Callbacks {
    std::function<void()> cancelled;  // the migration was cancelled (by any process)
    std::function<void()> lost;       // another process took the run over
  };

  RunLeaseKeeper(storage::MigrationRunStore& catalog, const Clock& clock, const Logger& logger,
                 int64_t ttl_ms);
  ~RunLeaseKeeper();  // stops renewing

  // Renews `lease` until Drop. Callbacks are called from the renewing thread, at most once.
  void Hold(const model::RunLease& lease, Callbacks callbacks);
  // Stops renewing the run of `migration_id` and, when `release`, gives it up in the
  // catalog so another process may claim it at once (a failed release just expires).
  void Drop(const std::string& migration_id, bool release);

 private:
  struct Held {
    model::RunLease lease;
    Callbacks callbacks;
  };
  void RenewLoop();
  void RenewAll();

  storage::MigrationRunStore& catalog_;
  const Clock& clock_;
  const Logger& logger_;
  const int64_t ttl_ms_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::map<std::string, Held> held_;  // by migration id
  std::thread renewer_;
};

}  // namespace ferry::migration
