// SqliteCatalogStore: migration target claims (catalog_store.h), and the guard that keeps
// a namespace an unfinished migration uses from being deleted.

#include "storage/sqlite/sqlite_target_claims.h"

#include <string>

#include "storage/sqlite/sqlite_catalog_store.h"

namespace ferry::storage::sqlite {
namespace {

// True when `sql` (one bound parameter per entry of `args`) returns a row.
Result<bool> Exists(SqliteDb& db, const std::string& sql, std::initializer_list<std::string> args) {
  FERRY_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(sql));
  int i = 1;
  for (const auto& a : args) stmt.BindText(i++, a);
  return stmt.Step();
}

Result<bool> IdTaken(SqliteDb& db, const std::string& namespace_id,
                     const std::string& migration_id) {
  return Exists(db,
                "SELECT 1 FROM namespaces WHERE namespace_id = ?1 UNION ALL "
                "SELECT 1 FROM migration_target_claims WHERE namespace_id = ?1 "
                "AND migration_id != ?2",
                {namespace_id, migration_id});
}

Result<bool> NameTaken(SqliteDb& db, const std::string& org_id, const std::string& name,
                       const std::string& migration_id) {
  return Exists(db,
                "SELECT 1 FROM namespaces WHERE org_id = ?1 AND namespace_name = ?2 UNION ALL "
                "SELECT 1 FROM migration_target_claims WHERE org_id = ?1 "
                "AND namespace_name = ?2 AND migration_id != ?3",
                {org_id, name, migration_id});
}

constexpr char kActive[] = "('validating', 'pending', 'in_progress')";

}  // namespace

Status ReleaseTargetClaim(SqliteDb& db, const std::string& migration_id) {
  FERRY_ASSIGN_OR_RETURN(Statement stmt,
                         db.Prepare("DELETE FROM migration_target_claims WHERE migration_id = ?"));
  stmt.BindText(1, migration_id);
  return stmt.Run();
}

Status CheckNamespaceUnused(SqliteDb& db, const std::string& org_id,
                            const std::string& namespace_id) {
  FERRY_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare(std::string("SELECT migration_id, status FROM migrations WHERE org_id = ?1 "
                             "AND status IN ") +
                 kActive +
                 " AND (source_namespace_id = ?2 OR migration_id IN (SELECT migration_id FROM "
                 "migration_target_claims WHERE namespace_id = ?2)) "
                 "ORDER BY created_at, migration_id LIMIT 1"));
  stmt.BindText(1, org_id);
  stmt.BindText(2, namespace_id);
  FERRY_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Status::Ok();
  return Status::FailedPrecondition("namespace '" + namespace_id + "' is used by migration '" +
                                    stmt.Text(0) + "' (" + stmt.Text(1) +
                                    "); cancel it or wait for it to finish before deleting");
}

Status SqliteCatalogStore::ClaimMigrationTarget(const std::string& org_id,
                                                const std::string& migration_id,
                                                const std::string& namespace_id,
                                                const std::string& namespace_name) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    return InTransaction(db, [&]() -> Status {
      FERRY_ASSIGN_OR_RETURN(bool id_taken, IdTaken(db, namespace_id, migration_id));
      if (id_taken) return Status::AlreadyExists("target_namespace_id");
      FERRY_ASSIGN_OR_RETURN(bool name_taken, NameTaken(db, org_id, namespace_name, migration_id));
      if (name_taken) return Status::AlreadyExists("target_namespace_name");
      FERRY_ASSIGN_OR_RETURN(
          Statement stmt,
          db.Prepare("INSERT OR REPLACE INTO migration_target_claims "
                     "(migration_id, org_id, namespace_id, namespace_name) VALUES (?, ?, ?, ?)"));
      stmt.BindText(1, migration_id);
      stmt.BindText(2, org_id);
      stmt.BindText(3, namespace_id);
      stmt.BindText(4, namespace_name);
      return stmt.Run();
    });
  });
}

Result<bool> SqliteCatalogStore::NamespaceIdAvailable(const std::string& namespace_id) {
  return db_->Locked([&](SqliteDb& db) -> Result<bool> {
    FERRY_ASSIGN_OR_RETURN(bool taken, IdTaken(db, namespace_id, ""));
    return !taken;
  });
}

Result<bool> SqliteCatalogStore::NamespaceNameAvailable(const std::string& org_id,
                                                        const std::string& name) {
  return db_->Locked([&](SqliteDb& db) -> Result<bool> {
    FERRY_ASSIGN_OR_RETURN(bool taken, NameTaken(db, org_id, name, ""));
    return !taken;
  });
}

}  // namespace ferry::storage::sqlite
