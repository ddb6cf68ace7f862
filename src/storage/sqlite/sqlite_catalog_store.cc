#include "storage/sqlite/sqlite_catalog_store.h"

#include <utility>

#include "storage/records/record_codec.h"
#include "storage/sqlite/schema_migrations.h"
#include "storage/sqlite/sqlite_target_claims.h"

namespace ferry::storage::sqlite {
namespace {

constexpr char kNamespaceColumns[] =
    "namespace_id, org_id, namespace_name, namespace_type, description, feature_extractors, "
    "payload_indexes, auto_create_indexes, created_at, updated_at";

constexpr char kTaskColumns[] =
    "task_id, org_id, namespace_id, task_type, status, inputs, outputs, additional_data, "
    "error, created_at, updated_at";

Result<model::Namespace> ReadNamespace(const Statement& row) {
  model::Namespace ns;
  ns.namespace_id = row.Text(0);
  ns.org_id = row.Text(1);
  ns.namespace_name = row.Text(2);
  ns.namespace_type = row.Text(3);
  ns.description = row.OptionalText(4);
  if (!records::DecodeExtractorRefs(row.Blob(5), &ns.feature_extractors)) {
    return records::CorruptField("namespaces.feature_extractors");
  }
  if (!records::DecodeValueBlob(row.Blob(6), &ns.payload_indexes)) {
    return records::CorruptField("namespaces.payload_indexes");
  }
  ns.auto_create_indexes = row.Int(7) != 0;
  ns.created_at = row.Int(8);
  ns.updated_at = row.Int(9);
  return ns;
}

// Binds every namespace column but namespace_id/org_id, starting at parameter `first`.
void BindNamespaceBody(Statement& stmt, int first, const model::Namespace& ns) {
  stmt.BindText(first, ns.namespace_name);
  stmt.BindText(first + 1, ns.namespace_type);
  stmt.BindOptionalText(first + 2, ns.description);
  stmt.BindBlob(first + 3, records::EncodeExtractorRefs(ns.feature_extractors));
  stmt.BindBlob(first + 4, records::EncodeValueBlob(ns.payload_indexes));
  stmt.BindInt(first + 5, ns.auto_create_indexes ? 1 : 0);
  stmt.BindInt(first + 6, ns.created_at);
  stmt.BindInt(first + 7, ns.updated_at);
}

Result<model::Task> ReadTask(const Statement& row) {
  model::Task task;
  task.task_id = row.Text(0);
  task.org_id = row.Text(1);
  task.namespace_id = row.Text(2);
  task.task_type = row.Text(3);
  auto status = model::ParseTaskStatus(row.Text(4));
  if (!status.has_value()) return records::CorruptField("tasks.status");
  task.status = *status;
  if (!records::DecodeValueBlob(row.Blob(5), &task.inputs) ||
      !records::DecodeValueBlob(row.Blob(6), &task.outputs) ||
      !records::DecodeValueBlob(row.Blob(7), &task.additional_data)) {
    return records::CorruptField("tasks.inputs/outputs/additional_data");
  }
  task.error = row.OptionalText(8);
  task.created_at = row.Int(9);
  task.updated_at = row.Int(10);
  return task;
}

}  // namespace

Result<std::unique_ptr<SqliteCatalogStore>> SqliteCatalogStore::Open(const std::string& path,
                                                                     std::string secret_key) {
  FERRY_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> db, SqliteDb::Open(path, {}));
  FERRY_RETURN_IF_ERROR(db->Locked([&](SqliteDb& d) -> Status {
    FERRY_RETURN_IF_ERROR(MigrateSchema(d, SchemaKind::kCatalog));
    return SealPlaintextWebhookSecrets(d, secret_key);
  }));
  return std::unique_ptr<SqliteCatalogStore>(
      new SqliteCatalogStore(std::move(db), std::move(secret_key)));
}

// ---- organizations and keys ----

Status SqliteCatalogStore::InsertOrganization(const model::Organization& org) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("INSERT INTO organizations (org_id, name, created_at) VALUES (?, ?, ?)"));
    stmt.BindText(1, org.org_id);
    stmt.BindText(2, org.name);
    stmt.BindInt(3, org.created_at);
    return stmt.Run();
  });
}

Result<model::Organization> SqliteCatalogStore::GetOrganizationByName(const std::string& name) {
  return db_->Locked([&](SqliteDb& db) -> Result<model::Organization> {
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("SELECT org_id, name, created_at FROM organizations WHERE name = ?"));
    stmt.BindText(1, name);
    return FetchOne(
        stmt,
        [](const Statement& row) -> Result<model::Organization> {
          return model::Organization{row.Text(0), row.Text(1), row.Int(2)};
        },
        "organization not found: " + name);
  });
}

Result<int64_t> SqliteCatalogStore::CountOrganizations() {
  return db_->Locked([](SqliteDb& db) -> Result<int64_t> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt, db.Prepare("SELECT COUNT(*) FROM organizations"));
    return FetchInt(stmt);
  });
}

Status SqliteCatalogStore::InsertApiKey(const model::ApiKey& key) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare(
            "INSERT INTO api_keys (key_hash, org_id, name, created_at) VALUES (?, ?, ?, ?)"));
    stmt.BindText(1, key.key_hash);
    stmt.BindText(2, key.org_id);
    stmt.BindText(3, key.name);
    stmt.BindInt(4, key.created_at);
    return stmt.Run();
  });
}

Result<model::ApiKey> SqliteCatalogStore::GetApiKeyByHash(const std::string& key_hash) {
  return db_->Locked([&](SqliteDb& db) -> Result<model::ApiKey> {
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("SELECT key_hash, org_id, name, created_at FROM api_keys WHERE key_hash = ?"));
    stmt.BindText(1, key_hash);
    // The hash is a credential derivative; keep it out of the message.
    return FetchOne(
        stmt,
        [](const Statement& row) -> Result<model::ApiKey> {
          return model::ApiKey{row.Text(0), row.Text(1), row.Text(2), row.Int(3)};
        },
        "api key not found");
  });
}

Result<std::vector<model::Organization>> SqliteCatalogStore::ListOrganizations() {
  return db_->Locked([](SqliteDb& db) -> Result<std::vector<model::Organization>> {
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare(
            "SELECT org_id, name, created_at FROM organizations ORDER BY created_at, org_id"));
    return FetchAll(stmt, [](const Statement& row) -> Result<model::Organization> {
      return model::Organization{row.Text(0), row.Text(1), row.Int(2)};
    });
  });
}

Result<std::vector<model::ApiKey>> SqliteCatalogStore::ListApiKeys(const std::string& org_id) {
  return db_->Locked([&](SqliteDb& db) -> Result<std::vector<model::ApiKey>> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("SELECT key_hash, org_id, name, created_at FROM api_keys "
                                      "WHERE org_id = ? ORDER BY created_at, key_hash"));
    stmt.BindText(1, org_id);
    return FetchAll(stmt, [](const Statement& row) -> Result<model::ApiKey> {
      return model::ApiKey{row.Text(0), row.Text(1), row.Text(2), row.Int(3)};
    });
  });
}

// ---- namespaces ----

Status SqliteCatalogStore::InsertNamespace(const model::Namespace& ns) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    // A migration's claimed target: only that namespace (its id and name) may be inserted.
    FERRY_ASSIGN_OR_RETURN(
        Statement claimed,
        db.Prepare("SELECT 1 FROM migration_target_claims WHERE (org_id = ?1 AND "
                   "namespace_name = ?2 AND namespace_id != ?3) OR (namespace_id = ?3 AND "
                   "(org_id != ?1 OR namespace_name != ?2))"));
    claimed.BindText(1, ns.org_id);
    claimed.BindText(2, ns.namespace_name);
    claimed.BindText(3, ns.namespace_id);
    FERRY_ASSIGN_OR_RETURN(bool taken, claimed.Step());
    if (taken) return Status::AlreadyExists("namespace '" + ns.namespace_name + "' already exists");
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare(std::string("INSERT INTO namespaces (") + kNamespaceColumns +
                                      ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    stmt.BindText(1, ns.namespace_id);
    stmt.BindText(2, ns.org_id);
    BindNamespaceBody(stmt, 3, ns);
    return stmt.Run();
  });
}

Result<model::Namespace> SqliteCatalogStore::GetNamespace(const std::string& org_id,
                                                          const std::string& namespace_id) {
  return db_->Locked([&](SqliteDb& db) -> Result<model::Namespace> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare(std::string("SELECT ") + kNamespaceColumns +
                                      " FROM namespaces WHERE org_id = ? AND namespace_id = ?"));
    stmt.BindText(1, org_id);
    stmt.BindText(2, namespace_id);
    return FetchOne(stmt, ReadNamespace, "namespace not found: " + namespace_id);
  });
}

Result<model::Namespace> SqliteCatalogStore::GetNamespaceByName(const std::string& org_id,
                                                                const std::string& name) {
  return db_->Locked([&](SqliteDb& db) -> Result<model::Namespace> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare(std::string("SELECT ") + kNamespaceColumns +
                                      " FROM namespaces WHERE org_id = ? AND namespace_name = ?"));
    stmt.BindText(1, org_id);
    stmt.BindText(2, name);
    return FetchOne(stmt, ReadNamespace, "namespace not found: " + name);
  });
}

Result<std::vector<model::Namespace>> SqliteCatalogStore::ListNamespaces(const std::string& org_id,
                                                                         const model::Page& page) {
  return db_->Locked([&](SqliteDb& db) -> Result<std::vector<model::Namespace>> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare(std::string("SELECT ") + kNamespaceColumns +
                                      " FROM namespaces WHERE org_id = ?"
                                      " ORDER BY created_at, namespace_id LIMIT ? OFFSET ?"));
    stmt.BindText(1, org_id);
    stmt.BindInt(2, page.limit);
    stmt.BindInt(3, page.offset);
    return FetchAll(stmt, ReadNamespace);
  });
}

Result<int64_t> SqliteCatalogStore::CountNamespaces(const std::string& org_id) {
  return db_->Locked([&](SqliteDb& db) -> Result<int64_t> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("SELECT COUNT(*) FROM namespaces WHERE org_id = ?"));
    stmt.BindText(1, org_id);
    return FetchInt(stmt);
  });
}

Status SqliteCatalogStore::UpdateNamespace(const model::Namespace& ns) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt, db.Prepare("UPDATE namespaces SET namespace_name = ?, namespace_type = ?, "
                                   "description = ?, feature_extractors = ?, payload_indexes = ?, "
                                   "auto_create_indexes = ?, created_at = ?, updated_at = ? "
                                   "WHERE namespace_id = ? AND org_id = ?"));
    BindNamespaceBody(stmt, 1, ns);
    stmt.BindText(9, ns.namespace_id);
    stmt.BindText(10, ns.org_id);
    FERRY_RETURN_IF_ERROR(stmt.Run());
    if (db.Changes() == 0) return Status::NotFound("namespace not found: " + ns.namespace_id);
    return Status::Ok();
  });
}

Status SqliteCatalogStore::RenameNamespaces(
    const std::string& org_id, const std::vector<std::pair<std::string, std::string>>& renames,
    TimestampMs now) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    return InTransaction(db, [&]() -> Status {
      // First out of the way (a name no client can give: it has a control character),
      // then to the new names, so names can be swapped under the unique index.
      for (int pass = 0; pass < 2; ++pass) {
        for (const auto& [id, name] : renames) {
          FERRY_ASSIGN_OR_RETURN(
              Statement stmt, db.Prepare("UPDATE namespaces SET namespace_name = ?, updated_at = ? "
                                         "WHERE namespace_id = ? AND org_id = ?"));
          stmt.BindText(1, pass == 0 ? "\x01" + id : name);
          stmt.BindInt(2, now);
          stmt.BindText(3, id);
          stmt.BindText(4, org_id);
          FERRY_RETURN_IF_ERROR(stmt.Run());
          if (db.Changes() == 0) return Status::NotFound("namespace not found: " + id);
        }
      }
      return Status::Ok();
    });
  });
}

Status SqliteCatalogStore::DeleteNamespace(const std::string& org_id,
                                           const std::string& namespace_id) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    return InTransaction(db, [&]() -> Status {
      FERRY_RETURN_IF_ERROR(CheckNamespaceUnused(db, org_id, namespace_id));
      FERRY_ASSIGN_OR_RETURN(
          Statement stmt,
          db.Prepare("DELETE FROM namespaces WHERE org_id = ? AND namespace_id = ?"));
      stmt.BindText(1, org_id);
      stmt.BindText(2, namespace_id);
      FERRY_RETURN_IF_ERROR(stmt.Run());
      if (db.Changes() == 0) return Status::NotFound("namespace not found: " + namespace_id);
      return Status::Ok();
    });
  });
}

// ---- tasks ----

Status SqliteCatalogStore::UpsertTask(const model::Task& task) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare(std::string("INSERT OR REPLACE INTO tasks (") + kTaskColumns +
                                      ", terminal) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    stmt.BindText(1, task.task_id);
    stmt.BindText(2, task.org_id);
    stmt.BindText(3, task.namespace_id);
    stmt.BindText(4, task.task_type);
    stmt.BindText(5, model::TaskStatusName(task.status));
    stmt.BindBlob(6, records::EncodeValueBlob(task.inputs));
    stmt.BindBlob(7, records::EncodeValueBlob(task.outputs));
    stmt.BindBlob(8, records::EncodeValueBlob(task.additional_data));
    stmt.BindOptionalText(9, task.error);
    stmt.BindInt(10, task.created_at);
    stmt.BindInt(11, task.updated_at);
    // Stored so recovery does not need the list of terminal states in SQL.
    stmt.BindInt(12, model::IsTerminal(task.status) ? 1 : 0);
    return stmt.Run();
  });
}

Result<model::Task> SqliteCatalogStore::GetTask(const std::string& org_id,
                                                const std::string& task_id) {
  return db_->Locked([&](SqliteDb& db) -> Result<model::Task> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare(std::string("SELECT ") + kTaskColumns +
                                      " FROM tasks WHERE org_id = ? AND task_id = ?"));
    stmt.BindText(1, org_id);
    stmt.BindText(2, task_id);
    return FetchOne(stmt, ReadTask, "task not found: " + task_id);
  });
}

Result<std::vector<model::Task>> SqliteCatalogStore::ListUnfinishedTasks() {
  return db_->Locked([&](SqliteDb& db) -> Result<std::vector<model::Task>> {
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt, db.Prepare(std::string("SELECT ") + kTaskColumns +
                                   " FROM tasks WHERE terminal = 0 ORDER BY created_at, task_id"));
    return FetchAll(stmt, ReadTask);
  });
}

Result<std::vector<model::Task>> SqliteCatalogStore::ListTasks(const std::string& org_id,
                                                               const model::Page& page) {
  return db_->Locked([&](SqliteDb& db) -> Result<std::vector<model::Task>> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare(std::string("SELECT ") + kTaskColumns +
                                      " FROM tasks WHERE org_id = ?"
                                      " ORDER BY created_at, task_id LIMIT ? OFFSET ?"));
    stmt.BindText(1, org_id);
    stmt.BindInt(2, page.limit);
    stmt.BindInt(3, page.offset);
    return FetchAll(stmt, ReadTask);
  });
}

}  // namespace ferry::storage::sqlite
