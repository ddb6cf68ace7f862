#pragma once
// Rows of `migration_batches` as the catalog reads them (sqlite_migrations.cc), and the
// fencing token counter (sqlite_batch_leases.cc): shared by the plan queries, the leases
// and the claims of the next free batch.

#include "model/migration.h"
#include "storage/sqlite/sqlite_db.h"

namespace ferry::storage::sqlite {

// The columns ReadBatch reads, in its order, for a SELECT list.
extern const char kBatchSelectColumns[];

// A batch from a row selected with kBatchSelectColumns.
Result<model::MigrationBatch> ReadBatch(const Statement& row);

// Cancelled when the migration's status is cancelled (a cancel recorded by any process
// stops the holders of its leases at their next renewal); OK otherwise, also when absent.
Status CheckNotCancelled(SqliteDb& db, const std::string& migration_id);

// The next fencing token, greater than every token issued before.
// REQUIRES: inside a write transaction.
Result<int64_t> NextFencingToken(SqliteDb& db);

}  // namespace ferry::storage::sqlite
