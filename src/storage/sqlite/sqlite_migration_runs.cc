// SqliteCatalogStore: run leases of migrations (MigrationRunStore). A claim reads and
// writes in one BEGIN IMMEDIATE transaction, so two claimers never both hold a run.

#include <string>
#include <vector>

#include "storage/sqlite/sqlite_batch_rows.h"
#include "storage/sqlite/sqlite_catalog_store.h"

namespace ferry::storage::sqlite {
namespace {

Status StaleRun(const model::RunLease& lease) {
  return Status::LeaseLost("stale run lease " + std::to_string(lease.token) + " of " +
                           lease.migration_id + ": the run was taken over or released");
}

Result<std::vector<model::MigrationRef>> ReadRefs(Statement& stmt) {
  std::vector<model::MigrationRef> out;
  for (;;) {
    FERRY_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return out;
    out.push_back({stmt.Text(0), stmt.Text(1)});
  }
}

// OK when the migration is pending or in_progress; NotFound or FailedPrecondition.
Status CheckRunnable(SqliteDb& db, const std::string& migration_id) {
  FERRY_ASSIGN_OR_RETURN(Statement stmt,
                         db.Prepare("SELECT status FROM migrations WHERE migration_id = ?"));
  stmt.BindText(1, migration_id);
  FERRY_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Status::NotFound("migration " + migration_id + " not found");
  std::string status = stmt.Text(0);
  if (status != "pending" && status != "in_progress") {
    return Status::FailedPrecondition("migration " + migration_id + " is " + status);
  }
  return Status::Ok();
}

}  // namespace

Status CheckNotCancelled(SqliteDb& db, const std::string& migration_id) {
  FERRY_ASSIGN_OR_RETURN(Statement stmt,
                         db.Prepare("SELECT 1 FROM migrations WHERE migration_id = ? "
                                    "AND status = 'cancelled'"));
  stmt.BindText(1, migration_id);
  FERRY_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (row) return Status::Cancelled("migration " + migration_id + " was cancelled");
  return Status::Ok();
}

Result<model::RunLease> SqliteCatalogStore::ClaimMigrationRun(const std::string& migration_id,
                                                              const std::string& owner,
                                                              TimestampMs now, int64_t ttl_ms) {
  return db_->Locked([&](SqliteDb& db) -> Result<model::RunLease> {
    return InTransaction(db, [&]() -> Result<model::RunLease> {
      FERRY_RETURN_IF_ERROR(CheckRunnable(db, migration_id));
      FERRY_ASSIGN_OR_RETURN(
          Statement held,
          db.Prepare("SELECT owner, expires_at FROM migration_runs WHERE migration_id = ?"));
      held.BindText(1, migration_id);
      FERRY_ASSIGN_OR_RETURN(bool row, held.Step());
      if (row && !held.IsNull(0) && held.Text(0) != owner && held.Int(1) > now) {
        return Status::Unavailable("migration " + migration_id + " is run by " + held.Text(0));
      }
      FERRY_ASSIGN_OR_RETURN(
          Statement claim,
          db.Prepare("INSERT INTO migration_runs (migration_id, owner, token, expires_at) "
                     "VALUES (?1, ?2, 1, ?3) ON CONFLICT (migration_id) DO UPDATE SET "
                     "owner = ?2, token = token + 1, expires_at = ?3 RETURNING token"));
      claim.BindText(1, migration_id);
      claim.BindText(2, owner);
      claim.BindInt(3, now + ttl_ms);
      FERRY_ASSIGN_OR_RETURN(int64_t token, FetchInt(claim));
      return model::RunLease{migration_id, owner, token, now + ttl_ms};
    });
  });
}

Result<model::RunLease> SqliteCatalogStore::RenewMigrationRun(const model::RunLease& lease,
                                                              TimestampMs now, int64_t ttl_ms) {
  return db_->Locked([&](SqliteDb& db) -> Result<model::RunLease> {
    FERRY_RETURN_IF_ERROR(CheckNotCancelled(db, lease.migration_id));
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("UPDATE migration_runs SET expires_at = ? WHERE migration_id = ? "
                   "AND token = ? AND owner = ?"));
    model::RunLease renewed = lease;
    renewed.expires_at = now + ttl_ms;
    stmt.BindInt(1, renewed.expires_at);
    stmt.BindText(2, lease.migration_id);
    stmt.BindInt(3, lease.token);
    stmt.BindText(4, lease.owner);
    FERRY_RETURN_IF_ERROR(stmt.Run());
    if (db.Changes() == 0) return StaleRun(lease);
    return renewed;
  });
}

Status SqliteCatalogStore::ReleaseMigrationRun(const model::RunLease& lease) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt, db.Prepare("UPDATE migration_runs SET owner = NULL, expires_at = 0 WHERE "
                                   "migration_id = ? AND token = ? AND owner = ?"));
    stmt.BindText(1, lease.migration_id);
    stmt.BindInt(2, lease.token);
    stmt.BindText(3, lease.owner);
    FERRY_RETURN_IF_ERROR(stmt.Run());
    return db.Changes() == 0 ? StaleRun(lease) : Status::Ok();
  });
}

Result<std::vector<model::MigrationRef>> SqliteCatalogStore::ListRunnableMigrations(
    const std::string& owner, TimestampMs now, int64_t limit) {
  return db_->Locked([&](SqliteDb& db) -> Result<std::vector<model::MigrationRef>> {
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("SELECT m.org_id, m.migration_id FROM migrations m LEFT JOIN migration_runs r "
                   "ON r.migration_id = m.migration_id WHERE m.status IN ('pending', "
                   "'in_progress') AND (r.owner IS NULL OR r.owner = ?1 OR r.expires_at <= ?2) "
                   "ORDER BY m.created_at, m.migration_id LIMIT ?3"));
    stmt.BindText(1, owner);
    stmt.BindInt(2, now);
    stmt.BindInt(3, limit);
    return ReadRefs(stmt);
  });
}

Result<std::vector<model::MigrationRef>> SqliteCatalogStore::ListJoinableMigrations(
    const std::string& owner, TimestampMs now, int64_t limit) {
  return db_->Locked([&](SqliteDb& db) -> Result<std::vector<model::MigrationRef>> {
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("SELECT m.org_id, m.migration_id FROM migrations m JOIN migration_runs r "
                   "ON r.migration_id = m.migration_id WHERE m.status = 'in_progress' "
                   "AND r.owner IS NOT NULL AND r.owner != ?1 AND r.expires_at > ?2 "
                   "AND EXISTS (SELECT 1 FROM migration_batches b WHERE b.migration_id = "
                   "m.migration_id AND b.status != 'completed' AND (b.lease_owner IS NULL OR "
                   "b.lease_expires_at IS NULL OR b.lease_expires_at <= ?2)) "
                   "ORDER BY m.created_at, m.migration_id LIMIT ?3"));
    stmt.BindText(1, owner);
    stmt.BindInt(2, now);
    stmt.BindInt(3, limit);
    return ReadRefs(stmt);
  });
}

}  // namespace ferry::storage::sqlite
