// SqliteCatalogStore: migrations and their batch plans.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/records/migration_record_codec.h"
#include "storage/records/record_codec.h"
#include "storage/sqlite/sqlite_batch_rows.h"
#include "storage/sqlite/sqlite_catalog_store.h"
#include "storage/sqlite/sqlite_target_claims.h"

namespace ferry::storage::sqlite {
namespace {

// Bind order of BindMigration; the UPDATE below addresses them by number.
constexpr char kMigrationColumns[] =
    "migration_id, org_id, status, migration_type, source_namespace_id, created_at, config, "
    "progress, validation_result, dependency_graph, task_id, started_at, completed_at, "
    "error_message, additional_data";

// The columns of a batch row written by InsertBatchRow (kBatchSelectColumns, read by
// ReadBatch, adds those the catalog sets).
constexpr char kBatchColumns[] =
    "migration_id, batch_no, resource_id, resource_type, tier, item_ids, status, attempts, "
    "items_failed, error";

std::string SelectMigrations(const char* rest) {
  std::string sql = "SELECT ";
  sql.append(kMigrationColumns).append(" FROM migrations ").append(rest);
  return sql;
}

// Binds encode(*value), or NULL when the optional is unset.
template <typename T, typename Encode>
void BindOptionalBlob(Statement& stmt, int index, const std::optional<T>& value, Encode encode) {
  if (value.has_value()) {
    stmt.BindBlob(index, encode(*value));
  } else {
    stmt.BindNull(index);
  }
}

void BindMigration(Statement& stmt, const model::Migration& m) {
  stmt.BindText(1, m.migration_id);
  stmt.BindText(2, m.org_id);
  stmt.BindText(3, model::MigrationStatusName(m.status));
  stmt.BindText(4, model::MigrationTypeName(m.config.migration_type));
  stmt.BindText(5, m.config.source_namespace_id);
  stmt.BindInt(6, m.created_at);
  stmt.BindBlob(7, records::EncodeMigrationConfig(m.config));
  stmt.BindBlob(8, records::EncodeMigrationProgress(m.progress));
  BindOptionalBlob(stmt, 9, m.validation_result, records::EncodeValidationResult);
  BindOptionalBlob(stmt, 10, m.dependency_graph, records::EncodeDependencyGraph);
  stmt.BindOptionalText(11, m.task_id);
  stmt.BindOptionalInt(12, m.started_at);
  stmt.BindOptionalInt(13, m.completed_at);
  stmt.BindOptionalText(14, m.error_message);
  stmt.BindBlob(15, records::EncodeValueBlob(m.additional_data));
}

// Decodes the optional BLOB in `column` into *out (nullopt when NULL).
template <typename T, typename Decode>
bool ReadOptionalBlob(const Statement& row, int column, Decode decode, std::optional<T>* out) {
  out->reset();
  if (row.IsNull(column)) return true;
  out->emplace();
  return decode(row.Blob(column), &**out);
}

// validating, pending or in_progress: the states that hold a target claim.
bool IsActive(model::MigrationStatus s) {
  return s == model::MigrationStatus::kValidating || s == model::MigrationStatus::kPending ||
         s == model::MigrationStatus::kInProgress;
}

// After an UPDATE of `m` changed no row: NotFound when the row is absent; Cancelled when
// its status is cancelled, which only a cancelled state may replace (a cancel recorded by
// one process is never undone by another still running the migration); else a cancel
// came after the migration completed or failed, which it never replaces.
Status WhyNotUpdated(SqliteDb& db, const model::Migration& m) {
  auto stmt = db.Prepare("SELECT status FROM migrations WHERE migration_id = ? AND org_id = ?");
  if (!stmt.ok()) return stmt.status();
  stmt->BindText(1, m.migration_id);
  stmt->BindText(2, m.org_id);
  auto row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("migration " + m.migration_id + " not found");
  const std::string status = stmt->Text(0);
  if (status == "cancelled") {
    return Status::Cancelled("migration " + m.migration_id + " was cancelled");
  }
  return Status::FailedPrecondition("cannot cancel a migration in status " + status);
}

Result<model::Migration> ReadMigration(const Statement& row) {
  model::Migration m;
  m.migration_id = row.Text(0);
  m.org_id = row.Text(1);
  auto status = model::ParseMigrationStatus(row.Text(2));
  if (!status.has_value()) return records::CorruptField("migrations.status");
  m.status = *status;
  m.created_at = row.Int(5);
  // Columns 3 and 4 are copies of config fields, for filtering only.
  if (!records::DecodeMigrationConfig(row.Blob(6), &m.config))
    return records::CorruptField("migrations.config");
  if (!records::DecodeMigrationProgress(row.Blob(7), &m.progress)) {
    return records::CorruptField("migrations.progress");
  }
  if (!ReadOptionalBlob(row, 8, records::DecodeValidationResult, &m.validation_result)) {
    return records::CorruptField("migrations.validation_result");
  }
  if (!ReadOptionalBlob(row, 9, records::DecodeDependencyGraph, &m.dependency_graph)) {
    return records::CorruptField("migrations.dependency_graph");
  }
  m.task_id = row.OptionalText(10);
  m.started_at = row.OptionalInt(11);
  m.completed_at = row.OptionalInt(12);
  m.error_message = row.OptionalText(13);
  if (!records::DecodeValueBlob(row.Blob(14), &m.additional_data)) {
    return records::CorruptField("migrations.additional_data");
  }
  return m;
}

// Binds org and filter as parameters 1–4 of a statement using kFilterWhere.
constexpr char kFilterWhere[] =
    "WHERE org_id = ?1 AND (?2 IS NULL OR status = ?2) AND (?3 IS NULL OR migration_type = ?3) "
    "AND (?4 IS NULL OR source_namespace_id = ?4)";

void BindFilter(Statement& stmt, const std::string& org_id,
                const model::MigrationListFilter& filter) {
  stmt.BindText(1, org_id);
  if (filter.status.has_value()) {
    stmt.BindText(2, model::MigrationStatusName(*filter.status));
  } else {
    stmt.BindNull(2);
  }
  if (filter.migration_type.has_value()) {
    stmt.BindText(3, model::MigrationTypeName(*filter.migration_type));
  } else {
    stmt.BindNull(3);
  }
  stmt.BindOptionalText(4, filter.source_namespace_id);
}

Status InsertBatchRow(SqliteDb& db, const model::MigrationBatch& b) {
  std::string sql = "INSERT INTO migration_batches (";
  sql.append(kBatchColumns).append(") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  FERRY_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(sql));
  stmt.BindText(1, b.migration_id);
  stmt.BindInt(2, b.batch_no);
  stmt.BindText(3, b.resource_id);
  stmt.BindText(4, model::ResourceTypeName(b.resource_type));
  stmt.BindInt(5, b.tier);
  stmt.BindBlob(6, records::EncodeStrings(b.item_ids));
  stmt.BindText(7, b.status);
  stmt.BindInt(8, b.attempts);
  stmt.BindInt(9, b.items_failed);
  stmt.BindOptionalText(10, b.error);
  return stmt.Run();
}

Status DeleteBatchRows(SqliteDb& db, const std::string& migration_id) {
  FERRY_ASSIGN_OR_RETURN(Statement stmt,
                         db.Prepare("DELETE FROM migration_batches WHERE migration_id = ?"));
  stmt.BindText(1, migration_id);
  return stmt.Run();
}

Status DeleteFailedItemRows(SqliteDb& db, const std::string& migration_id) {
  FERRY_ASSIGN_OR_RETURN(Statement stmt,
                         db.Prepare("DELETE FROM migration_failed_items WHERE migration_id = ?"));
  stmt.BindText(1, migration_id);
  return stmt.Run();
}

Status NotFoundMigration(const std::string& migration_id) {
  std::string message = "migration not found: ";
  return Status::NotFound(message.append(migration_id));
}

}  // namespace

const char kBatchSelectColumns[] =
    "migration_id, batch_no, resource_id, resource_type, tier, item_ids, status, attempts, "
    "items_failed, error, completed_by, checksums";

Result<model::MigrationBatch> ReadBatch(const Statement& row) {
  model::MigrationBatch b;
  b.migration_id = row.Text(0);
  b.batch_no = row.Int(1);
  b.resource_id = row.Text(2);
  auto type = model::ParseResourceType(row.Text(3));
  if (!type.has_value()) return records::CorruptField("migration_batches.resource_type");
  b.resource_type = *type;
  b.tier = static_cast<int>(row.Int(4));
  if (!records::DecodeStrings(row.Blob(5), &b.item_ids)) {
    return records::CorruptField("migration_batches.item_ids");
  }
  b.status = row.Text(6);
  b.attempts = row.Int(7);
  b.items_failed = row.Int(8);
  b.error = row.OptionalText(9);
  b.completed_by = row.OptionalText(10);
  if (!row.IsNull(11)) {
    b.checksums.emplace();
    if (!records::DecodeBatchChecksums(row.Blob(11), &*b.checksums)) {
      return records::CorruptField("migration_batches.checksums");
    }
  }
  return b;
}

// ---- migrations ----

Status SqliteCatalogStore::InsertMigration(const model::Migration& migration) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    std::string sql = "INSERT INTO migrations (";
    sql.append(kMigrationColumns).append(") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    FERRY_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(sql));
    BindMigration(stmt, migration);
    return stmt.Run();
  });
}

// Replaces a migration row (?1, ?2: its key; ?3..?15: the other columns, BindMigration).
constexpr char kUpdateMigration[] =
    "UPDATE migrations SET status = ?3, migration_type = ?4, source_namespace_id = ?5, "
    "created_at = ?6, config = ?7, progress = ?8, validation_result = ?9, "
    "dependency_graph = ?10, task_id = ?11, started_at = ?12, completed_at = ?13, "
    "error_message = ?14, additional_data = ?15 WHERE migration_id = ?1 AND org_id = ?2 ";

Status SqliteCatalogStore::UpdateMigration(const model::Migration& migration) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare(std::string(kUpdateMigration) +
                   "AND (status != 'cancelled' OR ?3 = 'cancelled') "
                   "AND NOT (?3 = 'cancelled' AND status IN ('completed', 'failed'))"));
    BindMigration(stmt, migration);
    if (IsActive(migration.status)) {
      FERRY_RETURN_IF_ERROR(stmt.Run());
      if (db.Changes() == 0) return WhyNotUpdated(db, migration);
      return Status::Ok();
    }
    // Leaving the unfinished states releases the target claim, in the same transaction.
    return InTransaction(db, [&]() -> Status {
      FERRY_RETURN_IF_ERROR(stmt.Run());
      if (db.Changes() == 0) return WhyNotUpdated(db, migration);
      return ReleaseTargetClaim(db, migration.migration_id);
    });
  });
}

Status SqliteCatalogStore::UpdateMigrationIf(const model::Migration& migration,
                                             const model::Migration& expected,
                                             const std::vector<model::MigrationBatch>& batches) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    return InTransaction(db, [&]() -> Status {
      std::string status;
      model::Value stored;
      {
        FERRY_ASSIGN_OR_RETURN(Statement read,
                               db.Prepare("SELECT status, additional_data FROM migrations "
                                          "WHERE migration_id = ? AND org_id = ?"));
        read.BindText(1, migration.migration_id);
        read.BindText(2, migration.org_id);
        FERRY_ASSIGN_OR_RETURN(bool found, read.Step());
        if (!found) return NotFoundMigration(migration.migration_id);
        status = read.Text(0);
        if (!records::DecodeValueBlob(read.Blob(1), &stored)) {
          return records::CorruptField("migrations.additional_data");
        }
      }
      if (status != model::MigrationStatusName(expected.status) ||
          !(stored == expected.additional_data)) {
        return Status::FailedPrecondition("migration " + migration.migration_id +
                                          " was written meanwhile");
      }
      FERRY_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(kUpdateMigration));
      BindMigration(stmt, migration);
      FERRY_RETURN_IF_ERROR(stmt.Run());
      for (const auto& batch : batches) FERRY_RETURN_IF_ERROR(InsertBatchRow(db, batch));
      if (!IsActive(migration.status)) return ReleaseTargetClaim(db, migration.migration_id);
      return Status::Ok();
    });
  });
}

Result<model::Migration> SqliteCatalogStore::GetMigration(const std::string& org_id,
                                                          const std::string& migration_id) {
  return db_->Locked([&](SqliteDb& db) -> Result<model::Migration> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare(SelectMigrations("WHERE org_id = ? AND migration_id = ?")));
    stmt.BindText(1, org_id);
    stmt.BindText(2, migration_id);
    FERRY_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return NotFoundMigration(migration_id);
    return ReadMigration(stmt);
  });
}

Result<std::vector<model::Migration>> SqliteCatalogStore::ListMigrations(
    const std::string& org_id, const model::MigrationListFilter& filter, const model::Page& page) {
  return db_->Locked([&](SqliteDb& db) -> Result<std::vector<model::Migration>> {
    std::string rest = kFilterWhere;
    rest.append(" ORDER BY created_at DESC, migration_id LIMIT ?5 OFFSET ?6");
    FERRY_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(SelectMigrations(rest.c_str())));
    BindFilter(stmt, org_id, filter);
    stmt.BindInt(5, page.limit);
    stmt.BindInt(6, page.offset);
    return FetchAll(stmt, ReadMigration);
  });
}

Result<int64_t> SqliteCatalogStore::CountMigrations(const std::string& org_id,
                                                    const model::MigrationListFilter& filter) {
  return db_->Locked([&](SqliteDb& db) -> Result<int64_t> {
    std::string sql = "SELECT COUNT(*) FROM migrations ";
    FERRY_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(sql.append(kFilterWhere)));
    BindFilter(stmt, org_id, filter);
    return FetchInt(stmt);
  });
}

Status SqliteCatalogStore::DeleteMigration(const std::string& org_id,
                                           const std::string& migration_id) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    return InTransaction(db, [&]() -> Status {
      FERRY_ASSIGN_OR_RETURN(
          Statement stmt,
          db.Prepare("DELETE FROM migrations WHERE org_id = ? AND migration_id = ?"));
      stmt.BindText(1, org_id);
      stmt.BindText(2, migration_id);
      FERRY_RETURN_IF_ERROR(stmt.Run());
      if (db.Changes() == 0) return NotFoundMigration(migration_id);
      FERRY_RETURN_IF_ERROR(DeleteFailedItemRows(db, migration_id));
      FERRY_RETURN_IF_ERROR(ReleaseTargetClaim(db, migration_id));
      return DeleteBatchRows(db, migration_id);
    });
  });
}

Result<std::vector<model::Migration>> SqliteCatalogStore::ListUnfinishedMigrations() {
  return db_->Locked([&](SqliteDb& db) -> Result<std::vector<model::Migration>> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare(SelectMigrations(
                               "WHERE status IN (?, ?, ?) ORDER BY created_at, migration_id")));
    stmt.BindText(1, model::MigrationStatusName(model::MigrationStatus::kValidating));
    stmt.BindText(2, model::MigrationStatusName(model::MigrationStatus::kPending));
    stmt.BindText(3, model::MigrationStatusName(model::MigrationStatus::kInProgress));
    return FetchAll(stmt, ReadMigration);
  });
}

// ---- batch plans ----

Status SqliteCatalogStore::InsertMigrationBatches(
    const std::vector<model::MigrationBatch>& batches) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    return InTransaction(db, [&]() -> Status {
      for (const auto& batch : batches) FERRY_RETURN_IF_ERROR(InsertBatchRow(db, batch));
      return Status::Ok();
    });
  });
}

Status SqliteCatalogStore::ImportMigrationBatches(
    const std::vector<model::MigrationBatch>& batches) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    return InTransaction(db, [&]() -> Status {
      for (const auto& batch : batches) {
        FERRY_RETURN_IF_ERROR(InsertBatchRow(db, batch));
        if (!batch.completed_by) continue;
        FERRY_ASSIGN_OR_RETURN(Statement stmt,
                               db.Prepare("UPDATE migration_batches SET completed_by = ? "
                                          "WHERE migration_id = ? AND batch_no = ?"));
        stmt.BindText(1, *batch.completed_by);
        stmt.BindText(2, batch.migration_id);
        stmt.BindInt(3, batch.batch_no);
        FERRY_RETURN_IF_ERROR(stmt.Run());
      }
      return Status::Ok();
    });
  });
}

Result<std::vector<model::MigrationBatch>> SqliteCatalogStore::ListMigrationBatches(
    const std::string& migration_id, int64_t after_batch_no, int64_t limit) {
  if (limit <= 0) return std::vector<model::MigrationBatch>{};  // SQLite: negative = no limit
  return db_->Locked([&](SqliteDb& db) -> Result<std::vector<model::MigrationBatch>> {
    std::string sql = "SELECT ";
    sql.append(kBatchSelectColumns)
        .append(
            " FROM migration_batches WHERE migration_id = ? AND batch_no > ? "
            "ORDER BY batch_no LIMIT ?");
    FERRY_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(sql));
    stmt.BindText(1, migration_id);
    stmt.BindInt(2, after_batch_no);
    stmt.BindInt(3, limit);
    return FetchAll(stmt, ReadBatch);
  });
}

Status SqliteCatalogStore::UpdateMigrationBatch(const model::MigrationBatch& batch) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("UPDATE migration_batches SET status = ?, attempts = ?, items_failed = ?, "
                   "error = ? WHERE migration_id = ? AND batch_no = ?"));
    stmt.BindText(1, batch.status);
    stmt.BindInt(2, batch.attempts);
    stmt.BindInt(3, batch.items_failed);
    stmt.BindOptionalText(4, batch.error);
    stmt.BindText(5, batch.migration_id);
    stmt.BindInt(6, batch.batch_no);
    FERRY_RETURN_IF_ERROR(stmt.Run());
    if (db.Changes() == 0) {
      std::string message = "migration batch not found: ";
      message.append(batch.migration_id).append("/").append(std::to_string(batch.batch_no));
      return Status::NotFound(std::move(message));
    }
    return Status::Ok();
  });
}

Status SqliteCatalogStore::DeleteMigrationBatches(const std::string& migration_id) {
  return db_->Locked([&](SqliteDb& db) -> Status { return DeleteBatchRows(db, migration_id); });
}

}  // namespace ferry::storage::sqlite
