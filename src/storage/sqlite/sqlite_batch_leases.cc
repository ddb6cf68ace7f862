// SqliteCatalogStore: batch leases with fencing tokens, and failed migration items.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/records/migration_record_codec.h"
#include "storage/records/record_codec.h"
#include "storage/sqlite/sqlite_batch_rows.h"
#include "storage/sqlite/sqlite_catalog_store.h"

namespace ferry::storage::sqlite {
namespace {

constexpr char kFailedItemColumns[] =
    "migration_id, resource_id, item_id, resource_type, batch_no, error, attempts, status, "
    "created_at, updated_at";

Status StaleToken(const model::BatchLease& lease) {
  return Status::LeaseLost("stale fencing token " + std::to_string(lease.token) + " for batch " +
                           std::to_string(lease.batch_no) + " of " + lease.migration_id +
                           ": the lease was lost");
}

// OK when `lease` is the batch's current lease (same token and owner, not released).
Status CheckCurrent(SqliteDb& db, const model::BatchLease& lease) {
  FERRY_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("SELECT 1 FROM migration_batches WHERE migration_id = ? AND batch_no = ? "
                 "AND fencing_token = ? AND lease_owner = ? AND status != 'completed'"));
  stmt.BindText(1, lease.migration_id);
  stmt.BindInt(2, lease.batch_no);
  stmt.BindInt(3, lease.token);
  stmt.BindText(4, lease.owner);
  FERRY_ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row ? Status::Ok() : StaleToken(lease);
}

Result<model::MigrationFailedItem> ReadFailedItem(const Statement& row) {
  model::MigrationFailedItem f;
  f.migration_id = row.Text(0);
  f.resource_id = row.Text(1);
  f.item_id = row.Text(2);
  auto type = model::ParseResourceType(row.Text(3));
  if (!type.has_value()) return records::CorruptField("migration_failed_items.resource_type");
  f.resource_type = *type;
  f.batch_no = row.Int(4);
  f.error = row.Text(5);
  f.attempts = row.Int(6);
  f.status = row.Text(7);
  f.created_at = row.Int(8);
  f.updated_at = row.Int(9);
  return f;
}

// Marks the batch's items that were failed as resolved (skipped when the resource has
// no failed item, the common case).
Status ResolveItems(SqliteDb& db, const model::MigrationBatch& batch, TimestampMs now) {
  FERRY_ASSIGN_OR_RETURN(
      Statement any,
      db.Prepare("SELECT EXISTS (SELECT 1 FROM migration_failed_items WHERE migration_id = ? "
                 "AND status = 'failed' AND resource_id = ?)"));
  any.BindText(1, batch.migration_id);
  any.BindText(2, batch.resource_id);
  FERRY_ASSIGN_OR_RETURN(int64_t exists, FetchInt(any));
  if (exists == 0) return Status::Ok();
  for (const auto& id : batch.item_ids) {
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("UPDATE migration_failed_items SET status = 'resolved', updated_at = ? "
                   "WHERE migration_id = ? AND resource_id = ? AND item_id = ? "
                   "AND status = 'failed'"));
    stmt.BindInt(1, now);
    stmt.BindText(2, batch.migration_id);
    stmt.BindText(3, batch.resource_id);
    stmt.BindText(4, id);
    FERRY_RETURN_IF_ERROR(stmt.Run());
  }
  return Status::Ok();
}

Status UpsertFailedItem(SqliteDb& db, const model::MigrationFailedItem& f) {
  std::string sql = "INSERT INTO migration_failed_items (";
  sql.append(kFailedItemColumns)
      .append(
          ") VALUES (?, ?, ?, ?, ?, ?, ?, 'failed', ?, ?) "
          "ON CONFLICT (migration_id, resource_id, item_id) DO UPDATE SET "
          "batch_no = excluded.batch_no, error = excluded.error, attempts = attempts + 1, "
          "status = 'failed', updated_at = excluded.updated_at");
  FERRY_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(sql));
  stmt.BindText(1, f.migration_id);
  stmt.BindText(2, f.resource_id);
  stmt.BindText(3, f.item_id);
  stmt.BindText(4, model::ResourceTypeName(f.resource_type));
  stmt.BindInt(5, f.batch_no);
  stmt.BindText(6, f.error);
  stmt.BindInt(7, f.attempts);
  stmt.BindInt(8, f.created_at);
  stmt.BindInt(9, f.updated_at);
  return stmt.Run();
}

}  // namespace

Result<int64_t> NextFencingToken(SqliteDb& db) {
  FERRY_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("UPDATE fencing_tokens SET last = last + 1 WHERE id = 1 RETURNING last"));
  return FetchInt(stmt);
}

Result<model::BatchLease> SqliteCatalogStore::ClaimMigrationBatch(const std::string& migration_id,
                                                                  int64_t batch_no,
                                                                  const std::string& owner,
                                                                  TimestampMs now, int64_t ttl_ms) {
  return db_->Locked([&](SqliteDb& db) -> Result<model::BatchLease> {
    return InTransaction(db, [&]() -> Result<model::BatchLease> {
      FERRY_ASSIGN_OR_RETURN(
          Statement stmt,
          db.Prepare("SELECT status, lease_owner, lease_expires_at FROM migration_batches "
                     "WHERE migration_id = ? AND batch_no = ?"));
      stmt.BindText(1, migration_id);
      stmt.BindInt(2, batch_no);
      FERRY_ASSIGN_OR_RETURN(bool row, stmt.Step());
      std::string what = "batch " + std::to_string(batch_no) + " of " + migration_id;
      if (!row) return Status::NotFound("migration " + what + " not found");
      if (stmt.Text(0) == "completed") return Status::AlreadyCompleted(what + " is completed");
      std::optional<std::string> holder = stmt.OptionalText(1);
      std::optional<int64_t> expires = stmt.OptionalInt(2);
      if (holder && *holder != owner && expires && *expires > now) {
        return Status::Unavailable(what + " is leased to " + *holder + " until " +
                                   std::to_string(*expires));
      }
      model::BatchLease lease{migration_id, batch_no, owner, 0, now + ttl_ms};
      FERRY_ASSIGN_OR_RETURN(lease.token, NextFencingToken(db));
      FERRY_ASSIGN_OR_RETURN(
          Statement update,
          db.Prepare("UPDATE migration_batches SET lease_owner = ?, lease_expires_at = ?, "
                     "fencing_token = ? WHERE migration_id = ? AND batch_no = ?"));
      update.BindText(1, owner);
      update.BindInt(2, lease.expires_at);
      update.BindInt(3, lease.token);
      update.BindText(4, migration_id);
      update.BindInt(5, batch_no);
      FERRY_RETURN_IF_ERROR(update.Run());
      return lease;
    });
  });
}

Result<model::BatchLease> SqliteCatalogStore::RenewBatchLease(const model::BatchLease& lease,
                                                              TimestampMs now, int64_t ttl_ms) {
  return db_->Locked([&](SqliteDb& db) -> Result<model::BatchLease> {
    FERRY_RETURN_IF_ERROR(CheckNotCancelled(db, lease.migration_id));
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("UPDATE migration_batches SET lease_expires_at = ? WHERE migration_id = ? "
                   "AND batch_no = ? AND fencing_token = ? AND lease_owner = ? "
                   "AND status != 'completed'"));
    model::BatchLease renewed = lease;
    renewed.expires_at = now + ttl_ms;
    stmt.BindInt(1, renewed.expires_at);
    stmt.BindText(2, lease.migration_id);
    stmt.BindInt(3, lease.batch_no);
    stmt.BindInt(4, lease.token);
    stmt.BindText(5, lease.owner);
    FERRY_RETURN_IF_ERROR(stmt.Run());
    if (db.Changes() == 0) return StaleToken(lease);
    return renewed;
  });
}

Status SqliteCatalogStore::ReleaseBatchLease(const model::BatchLease& lease) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("UPDATE migration_batches SET lease_owner = NULL, lease_expires_at = NULL "
                   "WHERE migration_id = ? AND batch_no = ? AND fencing_token = ? "
                   "AND lease_owner = ?"));
    stmt.BindText(1, lease.migration_id);
    stmt.BindInt(2, lease.batch_no);
    stmt.BindInt(3, lease.token);
    stmt.BindText(4, lease.owner);
    FERRY_RETURN_IF_ERROR(stmt.Run());
    return db.Changes() == 0 ? StaleToken(lease) : Status::Ok();
  });
}

Status SqliteCatalogStore::CompleteMigrationBatch(
    const model::BatchLease& lease, const model::MigrationBatch& batch,
    const std::vector<model::MigrationFailedItem>& failed, TimestampMs now) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    return InTransaction(db, [&]() -> Status {
      FERRY_RETURN_IF_ERROR(CheckCurrent(db, lease));
      FERRY_ASSIGN_OR_RETURN(
          Statement stmt,
          db.Prepare("UPDATE migration_batches SET status = ?, attempts = ?, items_failed = ?, "
                     "error = ?, completed_by = ?, checksums = ?, lease_owner = NULL, "
                     "lease_expires_at = NULL WHERE migration_id = ? AND batch_no = ?"));
      stmt.BindText(1, batch.status);
      stmt.BindInt(2, batch.attempts);
      stmt.BindInt(3, batch.items_failed);
      stmt.BindOptionalText(4, batch.error);
      stmt.BindText(5, lease.owner);
      if (batch.checksums) {
        stmt.BindBlob(6, records::EncodeBatchChecksums(*batch.checksums));
      } else {
        stmt.BindNull(6);
      }
      stmt.BindText(7, lease.migration_id);
      stmt.BindInt(8, lease.batch_no);
      FERRY_RETURN_IF_ERROR(stmt.Run());
      FERRY_RETURN_IF_ERROR(ResolveItems(db, batch, now));
      for (const auto& f : failed) FERRY_RETURN_IF_ERROR(UpsertFailedItem(db, f));
      return Status::Ok();
    });
  });
}

Result<std::vector<model::MigrationFailedItem>> SqliteCatalogStore::ListMigrationFailedItems(
    const std::string& migration_id, const std::string& status, const model::Page& page) {
  if (page.limit <= 0) return std::vector<model::MigrationFailedItem>{};
  return db_->Locked([&](SqliteDb& db) -> Result<std::vector<model::MigrationFailedItem>> {
    std::string sql = "SELECT ";
    sql.append(kFailedItemColumns)
        .append(
            " FROM migration_failed_items WHERE migration_id = ?1 AND (?2 = '' OR status = ?2) "
            "ORDER BY resource_id, item_id LIMIT ?3 OFFSET ?4");
    FERRY_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(sql));
    stmt.BindText(1, migration_id);
    stmt.BindText(2, status);
    stmt.BindInt(3, page.limit);
    stmt.BindInt(4, page.offset);
    return FetchAll(stmt, ReadFailedItem);
  });
}

Status SqliteCatalogStore::ImportMigrationFailedItems(
    const std::vector<model::MigrationFailedItem>& items) {
  std::string sql = "INSERT INTO migration_failed_items (";
  sql.append(kFailedItemColumns).append(") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  return db_->Locked([&](SqliteDb& db) -> Status {
    return InTransaction(db, [&]() -> Status {
      for (const auto& f : items) {
        FERRY_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(sql));
        stmt.BindText(1, f.migration_id);
        stmt.BindText(2, f.resource_id);
        stmt.BindText(3, f.item_id);
        stmt.BindText(4, model::ResourceTypeName(f.resource_type));
        stmt.BindInt(5, f.batch_no);
        stmt.BindText(6, f.error);
        stmt.BindInt(7, f.attempts);
        stmt.BindText(8, f.status);
        stmt.BindInt(9, f.created_at);
        stmt.BindInt(10, f.updated_at);
        FERRY_RETURN_IF_ERROR(stmt.Run());
      }
      return Status::Ok();
    });
  });
}

Result<int64_t> SqliteCatalogStore::CountMigrationFailedItems(
    const std::string& migration_id, const std::string& status,
    const std::optional<std::string>& resource_id) {
  return db_->Locked([&](SqliteDb& db) -> Result<int64_t> {
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("SELECT COUNT(*) FROM migration_failed_items WHERE migration_id = ?1 "
                   "AND (?2 = '' OR status = ?2) AND (?3 IS NULL OR resource_id = ?3)"));
    stmt.BindText(1, migration_id);
    stmt.BindText(2, status);
    stmt.BindOptionalText(3, resource_id);
    return FetchInt(stmt);
  });
}

}  // namespace ferry::storage::sqlite
