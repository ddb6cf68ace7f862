// SqliteCatalogStore: claiming the next free batch of a migration's plan. One BEGIN
// IMMEDIATE transaction finds the batch and leases it, so two claimers (threads, or
// processes sharing catalog.db) never get the same one. Both queries are seeks on the
// partial index `migration_batches_open` (schema step 6).

#include <optional>
#include <string>

#include "storage/sqlite/sqlite_batch_rows.h"
#include "storage/sqlite/sqlite_catalog_store.h"

namespace ferry::storage::sqlite {
namespace {

// The lowest-numbered free batch of the tier: not completed, and no lease or an expired
// one (the same test as ClaimMigrationBatch).
Result<std::optional<int64_t>> FirstFreeBatch(SqliteDb& db, const std::string& migration_id,
                                              int tier, TimestampMs now) {
  FERRY_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("SELECT batch_no FROM migration_batches WHERE migration_id = ? AND tier = ? "
                 "AND status != 'completed' AND (lease_owner IS NULL OR "
                 "lease_expires_at IS NULL OR lease_expires_at <= ?) ORDER BY batch_no LIMIT 1"));
  stmt.BindText(1, migration_id);
  stmt.BindInt(2, tier);
  stmt.BindInt(3, now);
  FERRY_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<int64_t>{};
  return std::optional<int64_t>{stmt.Int(0)};
}

// Leases batch (migration_id, batch_no) to lease.owner under a new token and reads it.
Result<model::ClaimedBatch> Lease(SqliteDb& db, model::BatchLease lease) {
  FERRY_ASSIGN_OR_RETURN(lease.token, NextFencingToken(db));
  std::string sql =
      "UPDATE migration_batches SET lease_owner = ?, lease_expires_at = ?, fencing_token = ? "
      "WHERE migration_id = ? AND batch_no = ? RETURNING ";
  sql.append(kBatchSelectColumns);
  FERRY_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(sql));
  stmt.BindText(1, lease.owner);
  stmt.BindInt(2, lease.expires_at);
  stmt.BindInt(3, lease.token);
  stmt.BindText(4, lease.migration_id);
  stmt.BindInt(5, lease.batch_no);
  FERRY_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Status::Internal("claimed batch vanished: " + lease.migration_id);
  FERRY_ASSIGN_OR_RETURN(model::MigrationBatch batch, ReadBatch(stmt));
  FERRY_RETURN_IF_ERROR(stmt.Run());  // finish the statement before the commit
  return model::ClaimedBatch{std::move(batch), std::move(lease)};
}

}  // namespace

Result<std::optional<model::ClaimedBatch>> SqliteCatalogStore::ClaimNextMigrationBatch(
    const std::string& migration_id, int tier, const std::string& owner, TimestampMs now,
    int64_t ttl_ms) {
  using Claimed = std::optional<model::ClaimedBatch>;
  return db_->Locked([&](SqliteDb& db) -> Result<Claimed> {
    return InTransaction(db, [&]() -> Result<Claimed> {
      FERRY_ASSIGN_OR_RETURN(std::optional<int64_t> batch_no,
                             FirstFreeBatch(db, migration_id, tier, now));
      if (!batch_no) return Claimed{};
      FERRY_ASSIGN_OR_RETURN(
          model::ClaimedBatch claimed,
          Lease(db, model::BatchLease{migration_id, *batch_no, owner, 0, now + ttl_ms}));
      return Claimed{std::move(claimed)};
    });
  });
}

Result<std::optional<int>> SqliteCatalogStore::LowestOpenMigrationTier(
    const std::string& migration_id) {
  return db_->Locked([&](SqliteDb& db) -> Result<std::optional<int>> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("SELECT tier FROM migration_batches WHERE migration_id = ? "
                                      "AND status != 'completed' ORDER BY tier LIMIT 1"));
    stmt.BindText(1, migration_id);
    FERRY_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return std::optional<int>{};
    return std::optional<int>{static_cast<int>(stmt.Int(0))};
  });
}

}  // namespace ferry::storage::sqlite
