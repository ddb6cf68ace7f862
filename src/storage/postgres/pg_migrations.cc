// PgCatalogStore: migrations and their batch plans (catalog_store.h).

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "storage/postgres/pg_array_param.h"
#include "storage/postgres/pg_batch_rows.h"
#include "storage/postgres/pg_catalog_locks.h"
#include "storage/postgres/pg_catalog_store.h"
#include "storage/postgres/pg_params.h"
#include "storage/postgres/pg_records.h"
#include "storage/postgres/pg_rows.h"

namespace ferry::storage::postgres {
namespace {

constexpr char kMigrationColumns[] =
    "migration_id, org_id, status, migration_type, source_namespace_id, created_at, config, "
    "progress, validation_result, dependency_graph, task_id, started_at, completed_at, "
    "error_message, additional_data";

// The columns of a batch row written by InsertMigrationBatches (kBatchSelectColumns, read
// by ReadBatch, adds those the catalog sets).
constexpr char kBatchColumns[] =
    "migration_id, batch_no, resource_id, resource_type, tier, item_ids, status, attempts, "
    "items_failed, error";

constexpr char kFilterWhere[] =
    "WHERE org_id = $1 AND ($2::text IS NULL OR status = $2) "
    "AND ($3::text IS NULL OR migration_type = $3) "
    "AND ($4::text IS NULL OR source_namespace_id = $4)";

std::string SelectMigrations(std::string_view rest) {
  std::string sql = "SELECT ";
  sql.append(kMigrationColumns).append(" FROM migrations ").append(rest);
  return sql;
}

// A nullable bytea parameter, in bytea's hex text form (libpqxx 6.4 cannot send an
// optional binary parameter).
template <typename T, typename Encode>
std::optional<std::string> OptionalBytes(const std::optional<T>& v, Encode encode) {
  if (!v.has_value()) return std::nullopt;
  return HexBytes(encode(*v));
}

template <typename T, typename Decode>
bool ReadOptionalRecord(const pqxx::field& f, Decode decode, std::optional<T>* out) {
  out->reset();
  if (f.is_null()) return true;
  out->emplace();
  return decode(ReadBytes(f), &**out);
}

bool IsActive(model::MigrationStatus s) {
  return s == model::MigrationStatus::kValidating || s == model::MigrationStatus::kPending ||
         s == model::MigrationStatus::kInProgress;
}

Result<model::Migration> ReadMigration(const pqxx::row& row) {
  model::Migration m;
  m.migration_id = ReadText(row[0]);
  m.org_id = ReadText(row[1]);
  auto status = model::ParseMigrationStatus(ReadText(row[2]));
  if (!status.has_value()) return CorruptField("migrations.status");
  m.status = *status;
  m.created_at = ReadInt(row[5]);
  if (!DecodeMigrationConfig(ReadBytes(row[6]), &m.config)) {
    return CorruptField("migrations.config");
  }
  if (!DecodeMigrationProgress(ReadBytes(row[7]), &m.progress)) {
    return CorruptField("migrations.progress");
  }
  if (!ReadOptionalRecord(row[8], DecodeValidationResult, &m.validation_result)) {
    return CorruptField("migrations.validation_result");
  }
  if (!ReadOptionalRecord(row[9], DecodeDependencyGraph, &m.dependency_graph)) {
    return CorruptField("migrations.dependency_graph");
  }
  m.task_id = ReadOptionalText(row[10]);
  m.started_at = ReadOptionalInt(row[11]);
  m.completed_at = ReadOptionalInt(row[12]);
  m.error_message = ReadOptionalText(row[13]);
  if (!DecodeValueBlob(ReadBytes(row[14]), &m.additional_data)) {
    return CorruptField("migrations.additional_data");
  }
  return m;
}

// Runs `sql` with the 15 migration columns bound as $1..$15.
pqxx::result ExecMigration(pqxx::work& tx, const std::string& sql, const model::Migration& m) {
  return tx.exec_params(
      sql, m.migration_id, m.org_id, std::string(model::MigrationStatusName(m.status)),
      std::string(model::MigrationTypeName(m.config.migration_type)), m.config.source_namespace_id,
      m.created_at, Bytes(EncodeMigrationConfig(m.config)),
      Bytes(EncodeMigrationProgress(m.progress)),
      OptionalBytes(m.validation_result, EncodeValidationResult),
      OptionalBytes(m.dependency_graph, EncodeDependencyGraph), m.task_id, m.started_at,
      m.completed_at, m.error_message, Bytes(EncodeValueBlob(m.additional_data)));
}

pqxx::result ExecFiltered(pqxx::work& tx, const std::string& sql, const std::string& org_id,
                          const model::MigrationListFilter& filter, int64_t limit = 0,
                          int64_t offset = 0) {
  std::optional<std::string> status, type;
  if (filter.status) status = model::MigrationStatusName(*filter.status);
  if (filter.migration_type) type = model::MigrationTypeName(*filter.migration_type);
  if (limit > 0) {
    return tx.exec_params(sql, org_id, status, type, filter.source_namespace_id, limit, offset);
  }
  return tx.exec_params(sql, org_id, status, type, filter.source_namespace_id);
}

Status NotFoundMigration(const std::string& migration_id) {
  return Status::NotFound("migration not found: " + migration_id);
}

void ReleaseTargetClaim(pqxx::work& tx, const std::string& migration_id) {
  tx.exec_params("DELETE FROM migration_target_claims WHERE migration_id = $1", migration_id);
}

// The rows of `batches` in one statement, one array per column unnested into rows (a
// plan is written 64 batches at a time: one round trip, not 64). completed_by is written
// by an import only; a new plan leaves it to the completion.
void InsertBatchRows(pqxx::work& tx, const std::vector<model::MigrationBatch>& batches,
                     bool with_completed_by) {
  if (batches.empty()) return;
  using T = ArrayParam::Type;
  ArrayParam migration_id{T::kText}, batch_no{T::kInt8}, resource_id{T::kText},
      resource_type{T::kText}, tier{T::kInt8}, item_ids{T::kBytea}, status{T::kText},
      attempts{T::kInt8}, items_failed{T::kInt8}, error{T::kText}, completed_by{T::kText};
  for (const auto& b : batches) {
    migration_id.Add(b.migration_id);
    batch_no.Add(b.batch_no);
    resource_id.Add(b.resource_id);
    resource_type.Add(model::ResourceTypeName(b.resource_type));
    tier.Add(static_cast<int64_t>(b.tier));
    item_ids.Add(EncodeStrings(b.item_ids));
    status.Add(b.status);
    attempts.Add(b.attempts);
    items_failed.Add(b.items_failed);
    error.AddOrNull(b.error);
    completed_by.AddOrNull(with_completed_by ? b.completed_by : std::nullopt);
  }
  std::string sql = "INSERT INTO migration_batches (";
  sql.append(kBatchColumns)
      .append(
          ", completed_by) SELECT * FROM unnest($1::text[], $2::int8[], $3::text[], $4::text[], "
          "$5::int8[], $6::bytea[], $7::text[], $8::int8[], $9::int8[], $10::text[], "
          "$11::text[])");
  tx.exec_params(sql, migration_id.Param(), batch_no.Param(), resource_id.Param(),
                 resource_type.Param(), tier.Param(), item_ids.Param(), status.Param(),
                 attempts.Param(), items_failed.Param(), error.Param(), completed_by.Param());
}

}  // namespace

const char kBatchSelectColumns[] =
    "migration_id, batch_no, resource_id, resource_type, tier, item_ids, status, attempts, "
    "items_failed, error, completed_by, checksums";

Result<model::MigrationBatch> ReadBatch(const pqxx::row& row) {
  model::MigrationBatch b;
  b.migration_id = ReadText(row[0]);
  b.batch_no = ReadInt(row[1]);
  b.resource_id = ReadText(row[2]);
  auto type = model::ParseResourceType(ReadText(row[3]));
  if (!type.has_value()) return CorruptField("migration_batches.resource_type");
  b.resource_type = *type;
  b.tier = static_cast<int>(ReadInt(row[4]));
  if (!DecodeStrings(ReadBytes(row[5]), &b.item_ids)) {
    return CorruptField("migration_batches.item_ids");
  }
  b.status = ReadText(row[6]);
  b.attempts = ReadInt(row[7]);
  b.items_failed = ReadInt(row[8]);
  b.error = ReadOptionalText(row[9]);
  b.completed_by = ReadOptionalText(row[10]);
  if (!row[11].is_null()) {
    b.checksums.emplace();
    if (!DecodeBatchChecksums(ReadBytes(row[11]), &*b.checksums)) {
      return CorruptField("migration_batches.checksums");
    }
  }
  return b;
}

Status PgCatalogStore::InsertMigration(const model::Migration& migration) {
  return db_->Run("insert migration", [&](pqxx::work& tx) -> Status {
    LockNamespaceNames(tx);  // a namespace delete checks the migrations that use it
    std::string sql = "INSERT INTO migrations (";
    sql.append(kMigrationColumns)
        .append(") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)");
    ExecMigration(tx, sql, migration);
    return Status::Ok();
  });
}

// Replaces a migration row ($1, $2: its key; $3..$15: the other columns).
constexpr char kUpdateMigration[] =
    "UPDATE migrations SET status = $3, migration_type = $4, source_namespace_id = $5, "
    "created_at = $6, config = $7, progress = $8, validation_result = $9, "
    "dependency_graph = $10, task_id = $11, started_at = $12, completed_at = $13, "
    "error_message = $14, additional_data = $15 WHERE migration_id = $1 AND org_id = $2 ";

Status PgCatalogStore::UpdateMigration(const model::Migration& migration) {
  return db_->Run("update migration", [&](pqxx::work& tx) -> Status {
    auto r = ExecMigration(tx,
                           std::string(kUpdateMigration) +
                               "AND (status <> 'cancelled' OR $3 = 'cancelled') "
                               "AND NOT ($3 = 'cancelled' AND status IN ('completed', 'failed'))",
                           migration);
    if (r.affected_rows() == 0) {
      // A stored cancelled status is final (migration_store.h): only a cancelled state
      // replaces it. A cancel never replaces completed or failed.
      auto row =
          tx.exec_params("SELECT status FROM migrations WHERE migration_id = $1 AND org_id = $2",
                         migration.migration_id, migration.org_id);
      if (row.empty()) return NotFoundMigration(migration.migration_id);
      const std::string status = ReadText(row[0][0]);
      if (status == "cancelled") {
        return Status::Cancelled("migration " + migration.migration_id + " was cancelled");
      }
      return Status::FailedPrecondition("cannot cancel a migration in status " + status);
    }
    if (!IsActive(migration.status)) ReleaseTargetClaim(tx, migration.migration_id);
    return Status::Ok();
  });
}

Status PgCatalogStore::UpdateMigrationIf(const model::Migration& migration,
                                         const model::Migration& expected,
                                         const std::vector<model::MigrationBatch>& batches) {
  return db_->Run("update migration if unchanged", [&](pqxx::work& tx) -> Status {
    auto row = tx.exec_params(
        "SELECT status, additional_data FROM migrations WHERE migration_id = $1 AND org_id = $2 "
        "FOR UPDATE",
        migration.migration_id, migration.org_id);
    if (row.empty()) return NotFoundMigration(migration.migration_id);
    model::Value stored;
    if (!DecodeValueBlob(ReadBytes(row[0][1]), &stored)) {
      return CorruptField("migrations.additional_data");
    }
    if (ReadText(row[0][0]) != model::MigrationStatusName(expected.status) ||
        !(stored == expected.additional_data)) {
      return Status::FailedPrecondition("migration " + migration.migration_id +
                                        " was written meanwhile");
    }
    InsertBatchRows(tx, batches, /*with_completed_by=*/false);
    ExecMigration(tx, kUpdateMigration, migration);
    if (!IsActive(migration.status)) ReleaseTargetClaim(tx, migration.migration_id);
    return Status::Ok();
  });
}

Result<model::Migration> PgCatalogStore::GetMigration(const std::string& org_id,
                                                      const std::string& migration_id) {
  return db_->Run("get migration", [&](pqxx::work& tx) -> Result<model::Migration> {
    auto r = tx.exec_params(SelectMigrations("WHERE org_id = $1 AND migration_id = $2"), org_id,
                            migration_id);
    if (r.empty()) return NotFoundMigration(migration_id);
    return ReadMigration(r[0]);
  });
}

Result<std::vector<model::Migration>> PgCatalogStore::ListMigrations(
    const std::string& org_id, const model::MigrationListFilter& filter, const model::Page& page) {
  if (page.limit <= 0) return std::vector<model::Migration>{};
  return db_->Run("list migrations", [&](pqxx::work& tx) -> Result<std::vector<model::Migration>> {
    std::string rest = kFilterWhere;
    rest.append(" ORDER BY created_at DESC, migration_id LIMIT $5 OFFSET $6");
    auto r = ExecFiltered(tx, SelectMigrations(rest), org_id, filter, page.limit, page.offset);
    return ReadAll<model::Migration>(r, ReadMigration);
  });
}

Result<int64_t> PgCatalogStore::CountMigrations(const std::string& org_id,
                                                const model::MigrationListFilter& filter) {
  return db_->Run("count migrations", [&](pqxx::work& tx) -> Result<int64_t> {
    std::string sql = "SELECT COUNT(*) FROM migrations ";
    return ReadInt(ExecFiltered(tx, sql.append(kFilterWhere), org_id, filter)[0][0]);
  });
}

Status PgCatalogStore::DeleteMigration(const std::string& org_id, const std::string& migration_id) {
  return db_->Run("delete migration", [&](pqxx::work& tx) -> Status {
    auto r = tx.exec_params("DELETE FROM migrations WHERE org_id = $1 AND migration_id = $2",
                            org_id, migration_id);
    if (r.affected_rows() == 0) return NotFoundMigration(migration_id);
    tx.exec_params("DELETE FROM migration_failed_items WHERE migration_id = $1", migration_id);
    ReleaseTargetClaim(tx, migration_id);
    tx.exec_params("DELETE FROM migration_batches WHERE migration_id = $1", migration_id);
    return Status::Ok();
  });
}

Result<std::vector<model::Migration>> PgCatalogStore::ListUnfinishedMigrations() {
  return db_->Run(
      "list unfinished migrations", [&](pqxx::work& tx) -> Result<std::vector<model::Migration>> {
        auto r =
            tx.exec(SelectMigrations("WHERE status IN ('validating', 'pending', 'in_progress') "
                                     "ORDER BY created_at, migration_id"));
        return ReadAll<model::Migration>(r, ReadMigration);
      });
}

// ---- batch plans ----

Status PgCatalogStore::InsertMigrationBatches(const std::vector<model::MigrationBatch>& batches) {
  return db_->Run("insert migration batches", [&](pqxx::work& tx) -> Status {
    InsertBatchRows(tx, batches, /*with_completed_by=*/false);
    return Status::Ok();
  });
}

Status PgCatalogStore::ImportMigrationBatches(const std::vector<model::MigrationBatch>& batches) {
  return db_->Run("import migration batches", [&](pqxx::work& tx) -> Status {
    InsertBatchRows(tx, batches, /*with_completed_by=*/true);
    return Status::Ok();
  });
}

Result<std::vector<model::MigrationBatch>> PgCatalogStore::ListMigrationBatches(
    const std::string& migration_id, int64_t after_batch_no, int64_t limit) {
  if (limit <= 0) return std::vector<model::MigrationBatch>{};
  return db_->Run("list migration batches",
                  [&](pqxx::work& tx) -> Result<std::vector<model::MigrationBatch>> {
                    std::string sql = "SELECT ";
                    sql.append(kBatchSelectColumns)
                        .append(
                            " FROM migration_batches WHERE migration_id = $1 AND batch_no > $2 "
                            "ORDER BY batch_no LIMIT $3");
                    auto r = tx.exec_params(sql, migration_id, after_batch_no, limit);
                    return ReadAll<model::MigrationBatch>(r, ReadBatch);
                  });
}

Status PgCatalogStore::UpdateMigrationBatch(const model::MigrationBatch& batch) {
  return db_->Run("update migration batch", [&](pqxx::work& tx) -> Status {
    auto r = tx.exec_params(
        "UPDATE migration_batches SET status = $1, attempts = $2, items_failed = $3, "
        "error = $4 WHERE migration_id = $5 AND batch_no = $6",
        batch.status, batch.attempts, batch.items_failed, batch.error, batch.migration_id,
        batch.batch_no);
    if (r.affected_rows() == 0) {
      return Status::NotFound("migration batch not found: " + batch.migration_id + "/" +
                              std::to_string(batch.batch_no));
    }
    return Status::Ok();
  });
}

Status PgCatalogStore::DeleteMigrationBatches(const std::string& migration_id) {
  return db_->Run("delete migration batches", [&](pqxx::work& tx) -> Status {
    tx.exec_params("DELETE FROM migration_batches WHERE migration_id = $1", migration_id);
    return Status::Ok();
  });
}

}  // namespace ferry::storage::postgres
