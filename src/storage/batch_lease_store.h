#pragma once
// Batch leases and failed items of migrations: the job/lease store (DESIGN.md §3), part
// of CatalogStore. Implementations are thread-safe.

#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "model/migration_work.h"
#include "model/resources.h"

namespace ferry::storage {

class BatchLeaseStore {
 public:
  virtual ~BatchLeaseStore() = default;

  // Workers hold a batch under a lease (owner, expiry) with a fencing token; every write
  // they make carries the token, and a write with a token older than the batch's current
  // one is refused. The interface serves several processes sharing one database.

  // Claims batch (migration_id, batch_no) for `owner` until now + ttl_ms when it has no
  // lease, its lease expired, or `owner` holds it; issues a new fencing token, greater
  // than every token issued before. NotFound: no such batch. AlreadyCompleted: the
  // batch is completed. Unavailable: another owner holds an unexpired lease.
  virtual Result<model::BatchLease> ClaimMigrationBatch(const std::string& migration_id,
                                                        int64_t batch_no, const std::string& owner,
                                                        TimestampMs now, int64_t ttl_ms) = 0;
  // Claims the next free batch of `tier` of the migration for `owner` until now + ttl_ms,
  // atomically (two claimers never get the same batch): the lowest-numbered batch of that
  // tier that is not completed and has no unexpired lease (never leased, released, or
  // expired, whoever held it), with a new fencing token as ClaimMigrationBatch issues.
  // A batch whose status is "failed" (a run exhausted its attempts) is not completed, so
  // it is free again: the run that failed it stops claiming, and the next run (a resume
  // or a retry) claims it as a pending one; its `attempts` keep counting. nullopt when the
  // tier has no free batch (every batch completed or leased). Batches of one tier run only
  // after every lower tier is done: callers claim from LowestOpenMigrationTier.
  virtual Result<std::optional<model::ClaimedBatch>> ClaimNextMigrationBatch(
      const std::string& migration_id, int tier, const std::string& owner, TimestampMs now,
      int64_t ttl_ms) = 0;
  // The lowest tier of the migration with a batch that is not completed; nullopt when
  // every batch is completed (or there are none).
  virtual Result<std::optional<int>> LowestOpenMigrationTier(const std::string& migration_id) = 0;
  // Extends a held lease to now + ttl_ms (also after expiry, if nobody reclaimed it).
  // LeaseLost ("stale fencing token") when lease.token is no longer the batch's
  // token, the lease was released, or the batch is completed.
  virtual Result<model::BatchLease> RenewBatchLease(const model::BatchLease& lease, TimestampMs now,
                                                    int64_t ttl_ms) = 0;
  // Gives the batch up so it can be claimed at once. LeaseLost when stale.
  virtual Status ReleaseBatchLease(const model::BatchLease& lease) = 0;
  // Records a processed batch under its lease, in one transaction: the batch's status,
  // attempts, items_failed and error; its items that were failed and are not in `failed`
  // become resolved; `failed` is upserted (attempts + 1 for an item already known); the
  // lease is released and its owner recorded as the batch's completed_by; `now` stamps
  // the resolved items. LeaseLost when the
  // lease is stale (nothing is written).
  virtual Status CompleteMigrationBatch(const model::BatchLease& lease,
                                        const model::MigrationBatch& batch,
                                        const std::vector<model::MigrationFailedItem>& failed,
                                        TimestampMs now) = 0;
  // A migration's failed items with `status` ("" = any), ordered by resource_id, item_id.
  virtual Result<std::vector<model::MigrationFailedItem>> ListMigrationFailedItems(
      const std::string& migration_id, const std::string& status, const model::Page& page) = 0;
  // Inserts failed items exactly as given (status, attempts, timestamps included), all in
  // one transaction: a storage move copies them. AlreadyExists when one is present.
  virtual Status ImportMigrationFailedItems(
      const std::vector<model::MigrationFailedItem>& items) = 0;
  // How many of them there are, optionally only of one source resource.
  virtual Result<int64_t> CountMigrationFailedItems(
      const std::string& migration_id, const std::string& status,
      const std::optional<std::string>& resource_id) = 0;
};

}  // namespace ferry::storage
