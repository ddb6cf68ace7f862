#include "migration/run_lease_keeper.h"

#include <chrono>
#include <vector>

#include "common/contain.h"

namespace ferry::migration {

RunLeaseKeeper::RunLeaseKeeper(storage::MigrationRunStore& catalog, const Clock& clock,
                               const Logger& logger, int64_t ttl_ms)
    : catalog_(catalog), clock_(clock), logger_(logger), ttl_ms_(ttl_ms), renewer_([this] {
        RenewLoop();
      }) {}

RunLeaseKeeper::~RunLeaseKeeper() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  renewer_.join();
}

void RunLeaseKeeper::Hold(const model::RunLease& lease, Callbacks callbacks) {
  std::lock_guard<std::mutex> lock(mu_);
  held_[lease.migration_id] = Held{lease, std::move(callbacks)};
}

void RunLeaseKeeper::Drop(const std::string& migration_id, bool release) {
  model::RunLease lease;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = held_.find(migration_id);
    if (it == held_.end()) return;
    lease = it->second.lease;
    held_.erase(it);
  }
  if (!release) return;
  Status st = catalog_.ReleaseMigrationRun(lease);
  if (!st.ok() && st.code() != StatusCode::kLeaseLost) {
    logger_.Warn("cannot release a migration run; it expires",
                 {{"migration_id", migration_id}, {"error", st.ToString()}});
  }
}

void RunLeaseKeeper::RenewLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, std::chrono::milliseconds(ttl_ms_ / 3), [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    (void)Contain(&logger_, "migration run lease renewal", [this] { RenewAll(); });
    lock.lock();
  }
}

void RunLeaseKeeper::RenewAll() {
  std::vector<model::RunLease> leases;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [id, held] : held_) leases.push_back(held.lease);
  }
  for (const auto& lease : leases) {
    auto renewed = catalog_.RenewMigrationRun(lease, clock_.NowMs(), ttl_ms_);
    std::function<void()> tell;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = held_.find(lease.migration_id);
      if (it == held_.end() || it->second.lease.token != lease.token) continue;  // dropped
      if (renewed.ok()) {
        it->second.lease = *renewed;
        continue;
      }
      const StatusCode code = renewed.status().code();
      if (code == StatusCode::kCancelled) {
        tell = std::move(it->second.callbacks.cancelled);
      } else if (code == StatusCode::kLeaseLost) {
        tell = std::move(it->second.callbacks.lost);
        held_.erase(it);
        logger_.Warn("migration run taken over", {{"migration_id", lease.migration_id}});
      } else {
        continue;  // a failed write: the next renewal tries again before the lease expires
      }
    }
    if (tell) tell();
  }
}

}  // namespace ferry::migration
