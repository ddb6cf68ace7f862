#pragma once
// The secondary indexes a bulk load suspends (sqlite_bulk_load.cc).

#include "storage/sqlite/sqlite_db.h"

namespace ferry::storage::sqlite {

// Creates any of the non-unique object and document indexes that is missing (after a
// crash during a bulk load). Cheap when all exist. REQUIRES: the connection mutex held,
// outside a transaction.
Status EnsureSecondaryIndexes(SqliteDb& db);

}  // namespace ferry::storage::sqlite
