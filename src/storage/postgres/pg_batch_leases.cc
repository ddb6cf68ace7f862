// PgCatalogStore: batch leases with fencing tokens, and failed items (catalog_store.h).
// A claim or completion locks the batch's row (FOR UPDATE), so two processes claiming the
// same batch are serialized; tokens come from one sequence and only grow.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/postgres/pg_array_param.h"
#include "storage/postgres/pg_batch_rows.h"
#include "storage/postgres/pg_catalog_store.h"
#include "storage/postgres/pg_params.h"
#include "storage/postgres/pg_records.h"
#include "storage/postgres/pg_rows.h"

namespace ferry::storage::postgres {
namespace {

constexpr char kFailedItemColumns[] =
    "migration_id, resource_id, item_id, resource_type, batch_no, error, attempts, status, "
    "created_at, updated_at";

Status StaleToken(const model::BatchLease& lease) {
  return Status::LeaseLost("stale fencing token " + std::to_string(lease.token) + " for batch " +
                           std::to_string(lease.batch_no) + " of " + lease.migration_id +
                           ": the lease was lost");
}

// Ok when `lease` is still the batch's current lease; locks the batch row.
Status CheckCurrent(pqxx::work& tx, const model::BatchLease& lease) {
  auto r = tx.exec_params(
      "SELECT 1 FROM migration_batches WHERE migration_id = $1 AND batch_no = $2 "
      "AND fencing_token = $3 AND lease_owner = $4 AND status <> 'completed' FOR UPDATE",
      lease.migration_id, lease.batch_no, lease.token, lease.owner);
  return r.empty() ? StaleToken(lease) : Status::Ok();
}

Result<model::MigrationFailedItem> ReadFailedItem(const pqxx::row& row) {
  model::MigrationFailedItem f;
  f.migration_id = ReadText(row[0]);
  f.resource_id = ReadText(row[1]);
  f.item_id = ReadText(row[2]);
  auto type = model::ParseResourceType(ReadText(row[3]));
  if (!type.has_value()) return CorruptField("migration_failed_items.resource_type");
  f.resource_type = *type;
  f.batch_no = ReadInt(row[4]);
  f.error = ReadText(row[5]);
  f.attempts = ReadInt(row[6]);
  f.status = ReadText(row[7]);
  f.created_at = ReadInt(row[8]);
  f.updated_at = ReadInt(row[9]);
  return f;
}

// The batch's items that were failed become resolved (one statement for the batch).
void ResolveItems(pqxx::work& tx, const model::MigrationBatch& batch, TimestampMs now) {
  if (batch.item_ids.empty()) return;
  tx.exec_params(
      "UPDATE migration_failed_items SET status = 'resolved', updated_at = $1 "
      "WHERE migration_id = $2 AND resource_id = $3 AND status = 'failed' "
      "AND item_id = ANY ($4::text[])",
      now, batch.migration_id, batch.resource_id, TextArray(batch.item_ids));
}

void UpsertFailedItem(pqxx::work& tx, const model::MigrationFailedItem& f) {
  std::string sql = "INSERT INTO migration_failed_items (";
  sql.append(kFailedItemColumns)
      .append(
          ") VALUES ($1, $2, $3, $4, $5, $6, $7, 'failed', $8, $9) "
          "ON CONFLICT (migration_id, resource_id, item_id) DO UPDATE SET "
          "batch_no = EXCLUDED.batch_no, error = EXCLUDED.error, "
          "attempts = migration_failed_items.attempts + 1, status = 'failed', "
          "updated_at = EXCLUDED.updated_at");
  tx.exec_params(sql, f.migration_id, f.resource_id, f.item_id,
                 std::string(model::ResourceTypeName(f.resource_type)), f.batch_no, f.error,
                 f.attempts, f.created_at, f.updated_at);
}

}  // namespace

Result<model::BatchLease> PgCatalogStore::ClaimMigrationBatch(const std::string& migration_id,
                                                              int64_t batch_no,
                                                              const std::string& owner,
                                                              TimestampMs now, int64_t ttl_ms) {
  return db_->Run("claim migration batch", [&](pqxx::work& tx) -> Result<model::BatchLease> {
    auto r = tx.exec_params(
        "SELECT status, lease_owner, lease_expires_at FROM migration_batches "
        "WHERE migration_id = $1 AND batch_no = $2 FOR UPDATE",
        migration_id, batch_no);
    std::string what = "batch " + std::to_string(batch_no) + " of " + migration_id;
    if (r.empty()) return Status::NotFound("migration " + what + " not found");
    if (ReadText(r[0][0]) == "completed") return Status::AlreadyCompleted(what + " is completed");
    std::optional<std::string> holder = ReadOptionalText(r[0][1]);
    std::optional<int64_t> expires = ReadOptionalInt(r[0][2]);
    if (holder && *holder != owner && expires && *expires > now) {
      return Status::Unavailable(what + " is leased to " + *holder + " until " +
                                 std::to_string(*expires));
    }
    model::BatchLease lease{migration_id, batch_no, owner, 0, now + ttl_ms};
    lease.token = ReadInt(tx.exec_params(
        "UPDATE migration_batches SET lease_owner = $1, lease_expires_at = $2, "
        "fencing_token = nextval('fencing_tokens') WHERE migration_id = $3 AND batch_no = $4 "
        "RETURNING fencing_token",
        owner, lease.expires_at, migration_id, batch_no)[0][0]);
    return lease;
  });
}

Result<model::BatchLease> PgCatalogStore::RenewBatchLease(const model::BatchLease& lease,
                                                          TimestampMs now, int64_t ttl_ms) {
  return db_->Run("renew batch lease", [&](pqxx::work& tx) -> Result<model::BatchLease> {
    FERRY_RETURN_IF_ERROR(CheckNotCancelled(tx, lease.migration_id));
    model::BatchLease renewed = lease;
    renewed.expires_at = now + ttl_ms;
    auto r = tx.exec_params(
        "UPDATE migration_batches SET lease_expires_at = $1 WHERE migration_id = $2 "
        "AND batch_no = $3 AND fencing_token = $4 AND lease_owner = $5 "
        "AND status <> 'completed'",
        renewed.expires_at, lease.migration_id, lease.batch_no, lease.token, lease.owner);
    if (r.affected_rows() == 0) return StaleToken(lease);
    return renewed;
  });
}

Status PgCatalogStore::ReleaseBatchLease(const model::BatchLease& lease) {
  return db_->Run("release batch lease", [&](pqxx::work& tx) -> Status {
    auto r = tx.exec_params(
        "UPDATE migration_batches SET lease_owner = NULL, lease_expires_at = NULL "
        "WHERE migration_id = $1 AND batch_no = $2 AND fencing_token = $3 AND lease_owner = $4",
        lease.migration_id, lease.batch_no, lease.token, lease.owner);
    return r.affected_rows() == 0 ? StaleToken(lease) : Status::Ok();
  });
}

Status PgCatalogStore::CompleteMigrationBatch(const model::BatchLease& lease,
                                              const model::MigrationBatch& batch,
                                              const std::vector<model::MigrationFailedItem>& failed,
                                              TimestampMs now) {
  return db_->Run("complete migration batch", [&](pqxx::work& tx) -> Status {
    FERRY_RETURN_IF_ERROR(CheckCurrent(tx, lease));
    tx.exec_params(
        "UPDATE migration_batches SET status = $1, attempts = $2, items_failed = $3, "
        "error = $4, completed_by = $5, checksums = $8, lease_owner = NULL, "
        "lease_expires_at = NULL WHERE migration_id = $6 AND batch_no = $7",
        batch.status, batch.attempts, batch.items_failed, batch.error, lease.owner,
        lease.migration_id, lease.batch_no,
        batch.checksums
            ? std::optional<std::string>(HexBytes(EncodeBatchChecksums(*batch.checksums)))
            : std::nullopt);
    ResolveItems(tx, batch, now);
    for (const auto& f : failed) UpsertFailedItem(tx, f);
    return Status::Ok();
  });
}

Result<std::vector<model::MigrationFailedItem>> PgCatalogStore::ListMigrationFailedItems(
    const std::string& migration_id, const std::string& status, const model::Page& page) {
  if (page.limit <= 0) return std::vector<model::MigrationFailedItem>{};
  return db_->Run("list failed items",
                  [&](pqxx::work& tx) -> Result<std::vector<model::MigrationFailedItem>> {
                    std::string sql = "SELECT ";
                    sql.append(kFailedItemColumns)
                        .append(
                            " FROM migration_failed_items WHERE migration_id = $1 "
                            "AND ($2 = '' OR status = $2) "
                            "ORDER BY resource_id, item_id LIMIT $3 OFFSET $4");
                    auto r = tx.exec_params(sql, migration_id, status, page.limit, page.offset);
                    return ReadAll<model::MigrationFailedItem>(r, ReadFailedItem);
                  });
}

Status PgCatalogStore::ImportMigrationFailedItems(
    const std::vector<model::MigrationFailedItem>& items) {
  std::string sql = "INSERT INTO migration_failed_items (";
  sql.append(kFailedItemColumns).append(") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)");
  return db_->Run("import failed items", [&](pqxx::work& tx) -> Status {
    for (const auto& f : items) {
      tx.exec_params(sql, f.migration_id, f.resource_id, f.item_id,
                     std::string(model::ResourceTypeName(f.resource_type)), f.batch_no, f.error,
                     f.attempts, f.status, f.created_at, f.updated_at);
    }
    return Status::Ok();
  });
}

Result<int64_t> PgCatalogStore::CountMigrationFailedItems(
    const std::string& migration_id, const std::string& status,
    const std::optional<std::string>& resource_id) {
  return db_->Run("count failed items", [&](pqxx::work& tx) -> Result<int64_t> {
    return ReadInt(
        tx.exec_params("SELECT COUNT(*) FROM migration_failed_items WHERE migration_id = $1 "
                       "AND ($2 = '' OR status = $2) AND ($3::text IS NULL OR resource_id = $3)",
                       migration_id, status, resource_id)[0][0]);
  });
}

}  // namespace ferry::storage::postgres
