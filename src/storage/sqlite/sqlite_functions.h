#pragma once
// SQL functions Ferry registers on its namespace connections, so bulk statements can
// apply a migration's id rule inside the engine (common/ids.h):
//   ferry_map_id(migration_id, id, preserve)      → MapResourceId; NULL for a NULL id
//   ferry_map_path(migration_id, path, preserve)  → MapLineagePath; NULL for NULL
// Both are deterministic.

#include "storage/sqlite/sqlite_db.h"

namespace ferry::storage::sqlite {

// REQUIRES: the connection mutex held.
Status RegisterIdMapping(SqliteDb& db);

}  // namespace ferry::storage::sqlite
