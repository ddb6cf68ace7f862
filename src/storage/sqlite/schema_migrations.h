#pragma once
// Versioned schemas that upgrade themselves. `PRAGMA user_version` records how many
// migration steps a database has applied; opening a database applies the missing steps
// in one transaction. Steps are append-only: never edit a released step, add a new one.

#include <span>
#include <string>

#include "common/status.h"
#include "storage/sqlite/sqlite_db.h"

namespace ferry::storage::sqlite {

// One schema change. `version` is the user_version after applying `sql`, then `after`
// (a step that moves data in C++; null for most) in the same transaction.
struct Migration {
  int version;
  const char* sql;
  Status (*after)(SqliteDb& db) = nullptr;
};

enum class SchemaKind { kCatalog, kNamespace };

// The ordered steps of a kind of database (versions 1, 2, … without gaps).
std::span<const Migration> MigrationsFor(SchemaKind kind);
// The version a fully migrated database of this kind has.
int LatestSchemaVersion(SchemaKind kind);

// Brings `db` to the last of `steps`. FailedPrecondition when the database is newer than
// the last step (written by a newer Ferry; opening it could corrupt it).
// REQUIRES: the connection mutex held.
Status ApplyMigrations(SqliteDb& db, std::span<const Migration> steps);
Status MigrateSchema(SqliteDb& db, SchemaKind kind);

// The database's current user_version. REQUIRES: the connection mutex held.
Result<int> SchemaVersion(SqliteDb& db);

}  // namespace ferry::storage::sqlite
