#pragma once
// Run leases of migrations (part of CatalogStore): which process coordinates each running
// migration, so that several ferryd processes sharing one database run every migration
// exactly once and help each other with its batches. Implementations are thread-safe.

#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "model/migration_work.h"

namespace ferry::storage {

class MigrationRunStore {
 public:
  virtual ~MigrationRunStore() = default;

  // Claims the run of a pending or in_progress migration for `owner` until now + ttl_ms
  // when nobody holds it, its lease expired, or `owner` holds it already (a restarted
  // process under the same owner takes its runs back at once); the token grows with every
  // claim. Unavailable: another owner holds an unexpired lease. FailedPrecondition: the
  // migration is not pending or in_progress. NotFound: no such migration.
  virtual Result<model::RunLease> ClaimMigrationRun(const std::string& migration_id,
                                                    const std::string& owner, TimestampMs now,
                                                    int64_t ttl_ms) = 0;
  // Extends a held run lease to now + ttl_ms. Cancelled when the migration was cancelled
  // (by any process): the holder stops. LeaseLost when lease.token is no longer the run's
  // token (another owner claimed it after expiry) or the lease was released.
  virtual Result<model::RunLease> RenewMigrationRun(const model::RunLease& lease, TimestampMs now,
                                                    int64_t ttl_ms) = 0;
  // Gives the run up so another process claims it at once. LeaseLost when stale.
  virtual Status ReleaseMigrationRun(const model::RunLease& lease) = 0;
  // Pending and in_progress migrations nobody else runs (no lease, an expired one, or one
  // held by `owner`), oldest first, at most `limit`.
  virtual Result<std::vector<model::MigrationRef>> ListRunnableMigrations(const std::string& owner,
                                                                          TimestampMs now,
                                                                          int64_t limit) = 0;
  // In-progress migrations run by another owner (an unexpired lease) whose batch plan has
  // a batch that is not completed and not leased (or whose lease expired): work `owner`
  // can join. Oldest first, at most `limit`.
  virtual Result<std::vector<model::MigrationRef>> ListJoinableMigrations(const std::string& owner,
                                                                          TimestampMs now,
                                                                          int64_t limit) = 0;
};

}  // namespace ferry::storage
