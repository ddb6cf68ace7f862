#pragma once
// Rows of `migration_batches` as the catalog reads them (pg_migrations.cc), shared by the
// plan queries and the claims of the next free batch.

#include <pqxx/pqxx>
#include <string>

#include "common/result.h"
#include "model/migration.h"

namespace ferry::storage::postgres {

// The columns ReadBatch reads, in its order, for a SELECT list.
extern const char kBatchSelectColumns[];

// A batch from a row selected with kBatchSelectColumns (its first 11 columns).
Result<model::MigrationBatch> ReadBatch(const pqxx::row& row);

// Cancelled when the migration's status is cancelled (a cancel recorded by any process
// stops the holders of its leases at their next renewal); OK otherwise, also when absent.
Status CheckNotCancelled(pqxx::work& tx, const std::string& migration_id);

}  // namespace ferry::storage::postgres
