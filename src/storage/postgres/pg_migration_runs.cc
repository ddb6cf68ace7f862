// PgCatalogStore: run leases of migrations (MigrationRunStore). A claim locks the
// migration's row (FOR UPDATE) before it reads the lease, so two processes claiming the
// same run are serialized and exactly one wins.

#include <string>
#include <vector>

#include "storage/postgres/pg_batch_rows.h"
#include "storage/postgres/pg_catalog_store.h"
#include "storage/postgres/pg_params.h"
#include "storage/postgres/pg_rows.h"

namespace ferry::storage::postgres {
namespace {

Status StaleRun(const model::RunLease& lease) {
  return Status::LeaseLost("stale run lease " + std::to_string(lease.token) + " of " +
                           lease.migration_id + ": the run was taken over or released");
}

std::vector<model::MigrationRef> ReadRefs(const pqxx::result& r) {
  std::vector<model::MigrationRef> out;
  out.reserve(r.size());
  for (const auto& row : r) out.push_back({ReadText(row[0]), ReadText(row[1])});
  return out;
}

}  // namespace

Status CheckNotCancelled(pqxx::work& tx, const std::string& migration_id) {
  auto r = tx.exec_params(
      "SELECT 1 FROM migrations WHERE migration_id = $1 AND status = 'cancelled'", migration_id);
  if (!r.empty()) return Status::Cancelled("migration " + migration_id + " was cancelled");
  return Status::Ok();
}

Result<model::RunLease> PgCatalogStore::ClaimMigrationRun(const std::string& migration_id,
                                                          const std::string& owner, TimestampMs now,
                                                          int64_t ttl_ms) {
  return db_->Run("claim migration run", [&](pqxx::work& tx) -> Result<model::RunLease> {
    auto m = tx.exec_params("SELECT status FROM migrations WHERE migration_id = $1 FOR UPDATE",
                            migration_id);
    if (m.empty()) return Status::NotFound("migration " + migration_id + " not found");
    std::string status = ReadText(m[0][0]);
    if (status != "pending" && status != "in_progress") {
      return Status::FailedPrecondition("migration " + migration_id + " is " + status);
    }
    auto held = tx.exec_params(
        "SELECT owner, expires_at FROM migration_runs WHERE migration_id = $1", migration_id);
    if (!held.empty() && !held[0][0].is_null() && ReadText(held[0][0]) != owner &&
        ReadInt(held[0][1]) > now) {
      return Status::Unavailable("migration " + migration_id + " is run by " +
                                 ReadText(held[0][0]));
    }
    auto r = tx.exec_params(
        "INSERT INTO migration_runs (migration_id, owner, token, expires_at) "
        "VALUES ($1, $2, 1, $3) ON CONFLICT (migration_id) DO UPDATE SET "
        "owner = EXCLUDED.owner, token = migration_runs.token + 1, "
        "expires_at = EXCLUDED.expires_at RETURNING token",
        migration_id, owner, now + ttl_ms);
    return model::RunLease{migration_id, owner, ReadInt(r[0][0]), now + ttl_ms};
  });
}

Result<model::RunLease> PgCatalogStore::RenewMigrationRun(const model::RunLease& lease,
                                                          TimestampMs now, int64_t ttl_ms) {
  return db_->Run("renew migration run", [&](pqxx::work& tx) -> Result<model::RunLease> {
    FERRY_RETURN_IF_ERROR(CheckNotCancelled(tx, lease.migration_id));
    model::RunLease renewed = lease;
    renewed.expires_at = now + ttl_ms;
    auto r = tx.exec_params(
        "UPDATE migration_runs SET expires_at = $1 WHERE migration_id = $2 AND token = $3 "
        "AND owner = $4",
        renewed.expires_at, lease.migration_id, lease.token, lease.owner);
    if (r.affected_rows() == 0) return StaleRun(lease);
    return renewed;
  });
}

Status PgCatalogStore::ReleaseMigrationRun(const model::RunLease& lease) {
  return db_->Run("release migration run", [&](pqxx::work& tx) -> Status {
    auto r = tx.exec_params(
        "UPDATE migration_runs SET owner = NULL, expires_at = 0 WHERE migration_id = $1 "
        "AND token = $2 AND owner = $3",
        lease.migration_id, lease.token, lease.owner);
    return r.affected_rows() == 0 ? StaleRun(lease) : Status::Ok();
  });
}

Result<std::vector<model::MigrationRef>> PgCatalogStore::ListRunnableMigrations(
    const std::string& owner, TimestampMs now, int64_t limit) {
  return db_->Run(
      "list runnable migrations", [&](pqxx::work& tx) -> Result<std::vector<model::MigrationRef>> {
        return ReadRefs(
            tx.exec_params("SELECT m.org_id, m.migration_id FROM migrations m LEFT JOIN "
                           "migration_runs r ON r.migration_id = m.migration_id WHERE m.status IN "
                           "('pending', 'in_progress') AND (r.owner IS NULL OR r.owner = $1 OR "
                           "r.expires_at <= $2) ORDER BY m.created_at, m.migration_id LIMIT $3",
                           owner, now, limit));
      });
}

Result<std::vector<model::MigrationRef>> PgCatalogStore::ListJoinableMigrations(
    const std::string& owner, TimestampMs now, int64_t limit) {
  return db_->Run("list joinable migrations",
                  [&](pqxx::work& tx) -> Result<std::vector<model::MigrationRef>> {
                    return ReadRefs(tx.exec_params(
                        "SELECT m.org_id, m.migration_id FROM migrations m JOIN migration_runs r "
                        "ON r.migration_id = m.migration_id WHERE m.status = 'in_progress' "
                        "AND r.owner IS NOT NULL AND r.owner <> $1 AND r.expires_at > $2 "
                        "AND EXISTS (SELECT 1 FROM migration_batches b WHERE b.migration_id = "
                        "m.migration_id AND b.status <> 'completed' AND (b.lease_owner IS NULL OR "
                        "b.lease_expires_at IS NULL OR b.lease_expires_at <= $2)) "
                        "ORDER BY m.created_at, m.migration_id LIMIT $3",
                        owner, now, limit));
                  });
}

}  // namespace ferry::storage::postgres
