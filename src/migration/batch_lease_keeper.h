#pragma once
// BatchLeaseKeeper: the leases one batch_processing run holds on its batches
// (BatchLeaseStore::ClaimMigrationBatch). Claims wait while another worker holds a batch
// (until its lease expires, e.g. after that worker's process died); held leases are
// renewed in the background every ttl/3, so a lease expires only when its holder stops.
// Thread-safe.

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "common/clock.h"
#include "common/logging.h"
#include "model/migration_work.h"
#include "storage/batch_lease_store.h"

namespace ferry::migration {

class BatchLeaseKeeper {
 public:
  // `owner` names this worker in leases; `ttl_ms` is how long a lease lasts unrenewed.
  BatchLeaseKeeper(storage::BatchLeaseStore& catalog, const Clock& clock, const Logger& logger,
                   std::string owner, int64_t ttl_ms);
  ~BatchLeaseKeeper();  // stops renewing (held leases then expire or are released)

  // Claims a batch and renews it until Forget. Waits while another owner holds it.
  // Cancelled when `stop` is set while waiting; AlreadyCompleted when the batch is
  // completed; other errors from the catalog.
  Result<model::BatchLease> Claim(const std::string& migration_id, int64_t batch_no,
                                  const std::atomic<bool>& stop);
  // Stops renewing the batch's lease (it was completed or released).
  void Forget(int64_t batch_no);
  // True when a renewal found the lease taken over (its token is stale).
  bool Lost(int64_t batch_no) const;

  const std::string& owner() const { return owner_; }

 private:
  void RenewLoop();
  void RenewAll();

  storage::BatchLeaseStore& catalog_;
  const Clock& clock_;
  const Logger& logger_;
  const std::string owner_;
  const int64_t ttl_ms_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::map<int64_t, model::BatchLease> held_;  // by batch_no
  std::map<int64_t, bool> lost_;
  std::thread renewer_;
};

}  // namespace ferry::migration
