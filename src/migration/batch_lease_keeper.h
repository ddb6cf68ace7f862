#pragma once
// BatchLeaseKeeper: the leases one batch_processing run holds on its batches. It claims
// the next free batch of a tier (BatchLeaseStore::ClaimNextMigrationBatch) and renews the
// leases it holds in the background every ttl/3, so a lease expires only when its holder
// stops (e.g. its process died) and another worker can then claim the batch.
// Thread-safe.

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
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
  // `on_cancelled` (may be empty) is called, from the renewing thread, when a renewal
  // finds the migration cancelled (by any process sharing the catalog).
  BatchLeaseKeeper(storage::BatchLeaseStore& catalog, const Clock& clock, const Logger& logger,
                   std::string owner, int64_t ttl_ms, std::function<void()> on_cancelled = {});
  ~BatchLeaseKeeper();  // stops renewing (held leases then expire or are released)

  // Claims the next free batch of `tier` of the migration and renews its lease until
  // Forget. nullopt when the tier has no free batch; errors from the catalog.
  Result<std::optional<model::ClaimedBatch>> ClaimNext(const std::string& migration_id, int tier);
  // The batch's outcome is being recorded (CompleteMigrationBatch): its lease is still
  // renewed until Forget, but a renewal that finds it gone (the completion committed
  // first) is the batch's end, not a lost lease.
  void Finishing(int64_t batch_no);
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
  const std::function<void()> on_cancelled_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::map<int64_t, model::BatchLease> held_;  // by batch_no
  std::map<int64_t, bool> lost_;
  std::set<int64_t> finishing_;  // held batches whose completion is being recorded
  std::thread renewer_;
};

}  // namespace ferry::migration
