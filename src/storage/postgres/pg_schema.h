#pragma once
// Versioned schema of the postgres backend, applied at open: each version's SQL runs in
// one transaction with its version number, under an advisory lock, so several ferryd
// processes starting at once apply each step exactly once.

#include "common/result.h"
#include "storage/postgres/pg_db.h"

namespace ferry::storage::postgres {

// The newest schema version this build knows.
int LatestSchemaVersion();

// Brings the schema up to LatestSchemaVersion(). FailedPrecondition when the database
// was written by a newer Ferry (its version is higher than this build knows).
Status MigrateSchema(PgDb& db);
// The same, up to `version` only (upgrade tests start from an older schema).
Status MigrateSchemaTo(PgDb& db, int version);

}  // namespace ferry::storage::postgres
