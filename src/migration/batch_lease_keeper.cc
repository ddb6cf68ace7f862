#include "migration/batch_lease_keeper.h"

#include <chrono>
#include <optional>
#include <vector>

#include "common/contain.h"

namespace ferry::migration {

BatchLeaseKeeper::BatchLeaseKeeper(storage::BatchLeaseStore& catalog, const Clock& clock,
                                   const Logger& logger, std::string owner, int64_t ttl_ms,
                                   std::function<void()> on_cancelled)
    : catalog_(catalog),
      clock_(clock),
      logger_(logger),
      owner_(std::move(owner)),
      ttl_ms_(ttl_ms),
      on_cancelled_(std::move(on_cancelled)),
      renewer_([this] { RenewLoop(); }) {}

BatchLeaseKeeper::~BatchLeaseKeeper() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  renewer_.join();
}

Result<std::optional<model::ClaimedBatch>> BatchLeaseKeeper::ClaimNext(
    const std::string& migration_id, int tier) {
  FERRY_ASSIGN_OR_RETURN(auto claimed, catalog_.ClaimNextMigrationBatch(migration_id, tier, owner_,
                                                                        clock_.NowMs(), ttl_ms_));
  if (claimed) {
    std::lock_guard<std::mutex> lock(mu_);
    held_[claimed->lease.batch_no] = claimed->lease;
    lost_.erase(claimed->lease.batch_no);
  }
  return claimed;
}

void BatchLeaseKeeper::Finishing(int64_t batch_no) {
  std::lock_guard<std::mutex> lock(mu_);
  if (held_.count(batch_no) > 0) finishing_.insert(batch_no);
}

void BatchLeaseKeeper::Forget(int64_t batch_no) {
  std::lock_guard<std::mutex> lock(mu_);
  held_.erase(batch_no);
  lost_.erase(batch_no);
  finishing_.erase(batch_no);
}

bool BatchLeaseKeeper::Lost(int64_t batch_no) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = lost_.find(batch_no);
  return it != lost_.end() && it->second;
}

void BatchLeaseKeeper::RenewLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, std::chrono::milliseconds(ttl_ms_ / 3), [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    (void)Contain(&logger_, "batch lease renewal", [this] { RenewAll(); });
    lock.lock();
  }
}

void BatchLeaseKeeper::RenewAll() {
  std::vector<model::BatchLease> leases;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [no, lease] : held_) leases.push_back(lease);
  }
  for (const auto& lease : leases) {
    auto renewed = catalog_.RenewBatchLease(lease, clock_.NowMs(), ttl_ms_);
    if (renewed.status().code() == StatusCode::kCancelled) {
      // The lease stays held until its batch stops (at its next item) and releases it.
      if (on_cancelled_) on_cancelled_();
      continue;
    }
    std::lock_guard<std::mutex> lock(mu_);
    auto it = held_.find(lease.batch_no);
    if (it == held_.end() || it->second.token != lease.token) continue;  // forgotten meanwhile
    if (renewed.ok()) {
      it->second = *renewed;
    } else if (renewed.status().code() == StatusCode::kLeaseLost) {
      held_.erase(it);
      if (finishing_.erase(lease.batch_no) > 0) continue;  // completed meanwhile
      lost_[lease.batch_no] = true;
      logger_.Warn("batch lease lost", {{"migration_id", lease.migration_id},
                                        {"batch_no", std::to_string(lease.batch_no)}});
    }
    // Other errors (database busy …): the next round tries again before expiry.
  }
}

}  // namespace ferry::migration
