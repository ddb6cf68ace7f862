#pragma once
// Migrations and their batch plans (part of CatalogStore). Implementations are
// thread-safe.

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "model/migration.h"
#include "model/migration_work.h"
#include "model/resources.h"

namespace ferry::storage {

// Batches per page when a whole plan is read (ListMigrationBatches).
inline constexpr int64_t kMigrationBatchPage = 8;

class MigrationStore {
 public:
  virtual ~MigrationStore() = default;

  // Migrations. Insert: AlreadyExists on id. Update replaces the whole row (NotFound
  // when absent). Every field of model::Migration round-trips. A stored cancelled status
  // is final: Update to any other status is refused with Cancelled and writes nothing (a
  // cancel recorded by one process is never undone by another still running the
  // migration; writing a cancelled state over it is allowed). A cancelled state never
  // replaces completed or failed (a cancel that raced the migration's end): refused with
  // FailedPrecondition, nothing written.
  virtual Status InsertMigration(const model::Migration& migration) = 0;
  virtual Status UpdateMigration(const model::Migration& migration) = 0;
  // Optimistic concurrency: replaces the row with `migration` only when its stored status
  // and additional_data are still `expected`'s (what the caller read and changed), and
  // inserts `batches` in the same transaction (a retry's plan; AlreadyExists on a
  // (migration_id, batch_no) already present). FailedPrecondition, nothing written, when
  // another write came between (read again and redo); NotFound when absent. Leaving the
  // unfinished states releases the target claim, as UpdateMigration does.
  virtual Status UpdateMigrationIf(const model::Migration& migration,
                                   const model::Migration& expected,
                                   const std::vector<model::MigrationBatch>& batches) = 0;
  virtual Result<model::Migration> GetMigration(const std::string& org_id,
                                                const std::string& migration_id) = 0;
  // Newest first (created_at descending, then id), filtered.
  virtual Result<std::vector<model::Migration>> ListMigrations(
      const std::string& org_id, const model::MigrationListFilter& filter,
      const model::Page& page) = 0;
  virtual Result<int64_t> CountMigrations(const std::string& org_id,
                                          const model::MigrationListFilter& filter) = 0;
  // Also deletes its batch plan. NotFound when absent.
  virtual Status DeleteMigration(const std::string& org_id, const std::string& migration_id) = 0;
  // Migrations in validating, pending or in_progress (for recovery after a restart).
  virtual Result<std::vector<model::Migration>> ListUnfinishedMigrations() = 0;

  // A migration's batch plan. Insert is one transaction for the whole vector
  // (AlreadyExists on a (migration_id, batch_no) already present).
  virtual Status InsertMigrationBatches(const std::vector<model::MigrationBatch>& batches) = 0;
  // The same, keeping completed_by as given (InsertMigrationBatches leaves it unset): a
  // storage move copies plans exactly as they were.
  virtual Status ImportMigrationBatches(const std::vector<model::MigrationBatch>& batches) = 0;
  // Batches with batch_no > after_batch_no, ascending, at most `limit`. Each carries its
  // item ids (batch_size of them): read a plan kMigrationBatchPage batches at a time, so
  // what a reader holds does not grow with the plan.
  virtual Result<std::vector<model::MigrationBatch>> ListMigrationBatches(
      const std::string& migration_id, int64_t after_batch_no, int64_t limit) = 0;
  // Replaces status, attempts, items_failed and error of (migration_id, batch_no).
  virtual Status UpdateMigrationBatch(const model::MigrationBatch& batch) = 0;
  virtual Status DeleteMigrationBatches(const std::string& migration_id) = 0;
};

}  // namespace ferry::storage
