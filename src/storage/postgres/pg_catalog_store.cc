#include "storage/postgres/pg_catalog_store.h"

#include <utility>

#include "storage/postgres/pg_catalog_locks.h"
#include "storage/postgres/pg_params.h"
#include "storage/postgres/pg_records.h"
#include "storage/postgres/pg_rows.h"

namespace ferry::storage::postgres {
namespace {

constexpr char kNamespaceColumns[] =
    "namespace_id, org_id, namespace_name, namespace_type, description, feature_extractors, "
    "payload_indexes, auto_create_indexes, created_at, updated_at";

constexpr char kTaskColumns[] =
    "task_id, org_id, namespace_id, task_type, status, inputs, outputs, additional_data, "
    "error, created_at, updated_at";

Result<model::Namespace> ReadNamespace(const pqxx::row& row) {
  model::Namespace ns;
  ns.namespace_id = ReadText(row[0]);
  ns.org_id = ReadText(row[1]);
  ns.namespace_name = ReadText(row[2]);
  ns.namespace_type = ReadText(row[3]);
  ns.description = ReadOptionalText(row[4]);
  if (!DecodeExtractorRefs(ReadBytes(row[5]), &ns.feature_extractors)) {
    return CorruptField("namespaces.feature_extractors");
  }
  if (!DecodeValueBlob(ReadBytes(row[6]), &ns.payload_indexes)) {
    return CorruptField("namespaces.payload_indexes");
  }
  ns.auto_create_indexes = row[7].as<bool>();
  ns.created_at = ReadInt(row[8]);
  ns.updated_at = ReadInt(row[9]);
  return ns;
}

Result<model::Task> ReadTask(const pqxx::row& row) {
  model::Task task;
  task.task_id = ReadText(row[0]);
  task.org_id = ReadText(row[1]);
  task.namespace_id = ReadText(row[2]);
  task.task_type = ReadText(row[3]);
  auto status = model::ParseTaskStatus(ReadText(row[4]));
  if (!status.has_value()) return CorruptField("tasks.status");
  task.status = *status;
  if (!DecodeValueBlob(ReadBytes(row[5]), &task.inputs) ||
      !DecodeValueBlob(ReadBytes(row[6]), &task.outputs) ||
      !DecodeValueBlob(ReadBytes(row[7]), &task.additional_data)) {
    return CorruptField("tasks.inputs/outputs/additional_data");
  }
  task.error = ReadOptionalText(row[8]);
  task.created_at = ReadInt(row[9]);
  task.updated_at = ReadInt(row[10]);
  return task;
}

// True when a namespace of any organization, or another migration's claim, has the id.
bool IdTaken(pqxx::work& tx, const std::string& namespace_id, const std::string& migration_id) {
  return !tx.exec_params(
                "SELECT 1 FROM namespaces WHERE namespace_id = $1 UNION ALL "
                "SELECT 1 FROM migration_target_claims WHERE namespace_id = $1 "
                "AND migration_id <> $2",
                namespace_id, migration_id)
              .empty();
}

bool NameTaken(pqxx::work& tx, const std::string& org_id, const std::string& name,
               const std::string& migration_id) {
  return !tx.exec_params(
                "SELECT 1 FROM namespaces WHERE org_id = $1 AND namespace_name = $2 UNION ALL "
                "SELECT 1 FROM migration_target_claims WHERE org_id = $1 "
                "AND namespace_name = $2 AND migration_id <> $3",
                org_id, name, migration_id)
              .empty();
}

// FailedPrecondition naming the first unfinished migration that reads the namespace as
// its source or holds it as its claimed target.
Status CheckNamespaceUnused(pqxx::work& tx, const std::string& org_id,
                            const std::string& namespace_id) {
  auto r = tx.exec_params(
      "SELECT migration_id, status FROM migrations WHERE org_id = $1 "
      "AND status IN ('validating', 'pending', 'in_progress') "
      "AND (source_namespace_id = $2 OR migration_id IN (SELECT migration_id FROM "
      "migration_target_claims WHERE namespace_id = $2)) "
      "ORDER BY created_at, migration_id LIMIT 1",
      org_id, namespace_id);
  if (r.empty()) return Status::Ok();
  return Status::FailedPrecondition("namespace '" + namespace_id + "' is used by migration '" +
                                    ReadText(r[0][0]) + "' (" + ReadText(r[0][1]) +
                                    "); cancel it or wait for it to finish before deleting");
}

}  // namespace

// ---- organizations and keys ----

Status PgCatalogStore::InsertOrganization(const model::Organization& org) {
  return db_->Run("insert organization", [&](pqxx::work& tx) -> Status {
    tx.exec_params("INSERT INTO organizations (org_id, name, created_at) VALUES ($1, $2, $3)",
                   org.org_id, org.name, org.created_at);
    return Status::Ok();
  });
}

Result<model::Organization> PgCatalogStore::GetOrganizationByName(const std::string& name) {
  return db_->Run("get organization", [&](pqxx::work& tx) -> Result<model::Organization> {
    auto r =
        tx.exec_params("SELECT org_id, name, created_at FROM organizations WHERE name = $1", name);
    if (r.empty()) return Status::NotFound("organization not found: " + name);
    return model::Organization{ReadText(r[0][0]), ReadText(r[0][1]), ReadInt(r[0][2])};
  });
}

Result<int64_t> PgCatalogStore::CountOrganizations() {
  return db_->Run("count organizations", [&](pqxx::work& tx) -> Result<int64_t> {
    return ReadInt(tx.exec("SELECT COUNT(*) FROM organizations")[0][0]);
  });
}

Status PgCatalogStore::InsertApiKey(const model::ApiKey& key) {
  return db_->Run("insert api key", [&](pqxx::work& tx) -> Status {
    tx.exec_params(
        "INSERT INTO api_keys (key_hash, org_id, name, created_at) VALUES ($1, $2, $3, $4)",
        key.key_hash, key.org_id, key.name, key.created_at);
    return Status::Ok();
  });
}

Result<model::ApiKey> PgCatalogStore::GetApiKeyByHash(const std::string& key_hash) {
  return db_->Run("get api key", [&](pqxx::work& tx) -> Result<model::ApiKey> {
    auto r = tx.exec_params(
        "SELECT key_hash, org_id, name, created_at FROM api_keys WHERE key_hash = $1", key_hash);
    // The hash is a credential derivative; keep it out of the message.
    if (r.empty()) return Status::NotFound("api key not found");
    return model::ApiKey{ReadText(r[0][0]), ReadText(r[0][1]), ReadText(r[0][2]), ReadInt(r[0][3])};
  });
}

Result<std::vector<model::Organization>> PgCatalogStore::ListOrganizations() {
  return db_->Run(
      "list organizations", [&](pqxx::work& tx) -> Result<std::vector<model::Organization>> {
        auto r = tx.exec(
            "SELECT org_id, name, created_at FROM organizations "
            "ORDER BY created_at, org_id");
        return ReadAll<model::Organization>(
            r, [](const pqxx::row& row) -> Result<model::Organization> {
              return model::Organization{ReadText(row[0]), ReadText(row[1]), ReadInt(row[2])};
            });
      });
}

Result<std::vector<model::ApiKey>> PgCatalogStore::ListApiKeys(const std::string& org_id) {
  return db_->Run("list api keys", [&](pqxx::work& tx) -> Result<std::vector<model::ApiKey>> {
    auto r = tx.exec_params(
        "SELECT key_hash, org_id, name, created_at FROM api_keys WHERE org_id = $1 "
        "ORDER BY created_at, key_hash",
        org_id);
    return ReadAll<model::ApiKey>(r, [](const pqxx::row& row) -> Result<model::ApiKey> {
      return model::ApiKey{ReadText(row[0]), ReadText(row[1]), ReadText(row[2]), ReadInt(row[3])};
    });
  });
}

// ---- namespaces ----

Status PgCatalogStore::InsertNamespace(const model::Namespace& ns) {
  return db_->Run("insert namespace", [&](pqxx::work& tx) -> Status {
    LockNamespaceNames(tx);
    // A migration's claimed target: only that namespace (its id and name) may be inserted.
    if (!tx.exec_params("SELECT 1 FROM migration_target_claims WHERE (org_id = $1 AND "
                        "namespace_name = $2 AND namespace_id <> $3) OR (namespace_id = $3 AND "
                        "(org_id <> $1 OR namespace_name <> $2))",
                        ns.org_id, ns.namespace_name, ns.namespace_id)
             .empty()) {
      return Status::AlreadyExists("namespace '" + ns.namespace_name + "' already exists");
    }
    tx.exec_params(Sql({"INSERT INTO namespaces (", kNamespaceColumns,
                        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"}),
                   ns.namespace_id, ns.org_id, ns.namespace_name, ns.namespace_type, ns.description,
                   Bytes(EncodeExtractorRefs(ns.feature_extractors)),
                   Bytes(EncodeValueBlob(ns.payload_indexes)), ns.auto_create_indexes,
                   ns.created_at, ns.updated_at);
    return Status::Ok();
  });
}

Result<model::Namespace> PgCatalogStore::GetNamespace(const std::string& org_id,
                                                      const std::string& namespace_id) {
  return db_->Run("get namespace", [&](pqxx::work& tx) -> Result<model::Namespace> {
    auto r = tx.exec_params(Sql({"SELECT ", kNamespaceColumns,
                                 " FROM namespaces WHERE org_id = $1 AND namespace_id = $2"}),
                            org_id, namespace_id);
    if (r.empty()) return Status::NotFound("namespace not found: " + namespace_id);
    return ReadNamespace(r[0]);
  });
}

Result<model::Namespace> PgCatalogStore::GetNamespaceByName(const std::string& org_id,
                                                            const std::string& name) {
  return db_->Run("get namespace", [&](pqxx::work& tx) -> Result<model::Namespace> {
    auto r = tx.exec_params(Sql({"SELECT ", kNamespaceColumns,
                                 " FROM namespaces WHERE org_id = $1 AND namespace_name = $2"}),
                            org_id, name);
    if (r.empty()) return Status::NotFound("namespace not found: " + name);
    return ReadNamespace(r[0]);
  });
}

Result<std::vector<model::Namespace>> PgCatalogStore::ListNamespaces(const std::string& org_id,
                                                                     const model::Page& page) {
  return db_->Run("list namespaces", [&](pqxx::work& tx) -> Result<std::vector<model::Namespace>> {
    auto r = tx.exec_params(Sql({"SELECT ", kNamespaceColumns,
                                 " FROM namespaces WHERE org_id = $1"
                                 " ORDER BY created_at, namespace_id LIMIT $2 OFFSET $3"}),
                            org_id, page.limit, page.offset);
    return ReadAll<model::Namespace>(r, ReadNamespace);
  });
}

Result<int64_t> PgCatalogStore::CountNamespaces(const std::string& org_id) {
  return db_->Run("count namespaces", [&](pqxx::work& tx) -> Result<int64_t> {
    return ReadInt(
        tx.exec_params("SELECT COUNT(*) FROM namespaces WHERE org_id = $1", org_id)[0][0]);
  });
}

Status PgCatalogStore::UpdateNamespace(const model::Namespace& ns) {
  return db_->Run("update namespace", [&](pqxx::work& tx) -> Status {
    auto r = tx.exec_params(
        "UPDATE namespaces SET namespace_name = $1, namespace_type = $2, description = $3, "
        "feature_extractors = $4, payload_indexes = $5, auto_create_indexes = $6, "
        "created_at = $7, updated_at = $8 WHERE namespace_id = $9 AND org_id = $10",
        ns.namespace_name, ns.namespace_type, ns.description,
        Bytes(EncodeExtractorRefs(ns.feature_extractors)),
        Bytes(EncodeValueBlob(ns.payload_indexes)), ns.auto_create_indexes, ns.created_at,
        ns.updated_at, ns.namespace_id, ns.org_id);
    if (r.affected_rows() == 0) return Status::NotFound("namespace not found: " + ns.namespace_id);
    return Status::Ok();
  });
}

Status PgCatalogStore::RenameNamespaces(
    const std::string& org_id, const std::vector<std::pair<std::string, std::string>>& renames,
    TimestampMs now) {
  return db_->Run("rename namespaces", [&](pqxx::work& tx) -> Status {
    LockNamespaceNames(tx);
    // First out of the way (a name no client can give: it has a control character),
    // then to the new names, so names can be swapped under the unique index.
    for (int pass = 0; pass < 2; ++pass) {
      for (const auto& [id, name] : renames) {
        auto r = tx.exec_params(
            "UPDATE namespaces SET namespace_name = $1, updated_at = $2 "
            "WHERE namespace_id = $3 AND org_id = $4",
            pass == 0 ? "\x01" + id : name, now, id, org_id);
        if (r.affected_rows() == 0) return Status::NotFound("namespace not found: " + id);
      }
    }
    return Status::Ok();
  });
}

Status PgCatalogStore::DeleteNamespace(const std::string& org_id, const std::string& namespace_id) {
  return db_->Run("delete namespace", [&](pqxx::work& tx) -> Status {
    LockNamespaceNames(tx);
    FERRY_RETURN_IF_ERROR(CheckNamespaceUnused(tx, org_id, namespace_id));
    auto r = tx.exec_params("DELETE FROM namespaces WHERE org_id = $1 AND namespace_id = $2",
                            org_id, namespace_id);
    if (r.affected_rows() == 0) return Status::NotFound("namespace not found: " + namespace_id);
    return Status::Ok();
  });
}

// ---- target claims ----

Status PgCatalogStore::ClaimMigrationTarget(const std::string& org_id,
                                            const std::string& migration_id,
                                            const std::string& namespace_id,
                                            const std::string& namespace_name) {
  return db_->Run("claim migration target", [&](pqxx::work& tx) -> Status {
    LockNamespaceNames(tx);
    if (IdTaken(tx, namespace_id, migration_id)) {
      return Status::AlreadyExists("target_namespace_id");
    }
    if (NameTaken(tx, org_id, namespace_name, migration_id)) {
      return Status::AlreadyExists("target_namespace_name");
    }
    tx.exec_params(
        "INSERT INTO migration_target_claims (migration_id, org_id, namespace_id, "
        "namespace_name) VALUES ($1, $2, $3, $4) ON CONFLICT (migration_id) DO UPDATE SET "
        "org_id = EXCLUDED.org_id, namespace_id = EXCLUDED.namespace_id, "
        "namespace_name = EXCLUDED.namespace_name",
        migration_id, org_id, namespace_id, namespace_name);
    return Status::Ok();
  });
}

Result<bool> PgCatalogStore::NamespaceIdAvailable(const std::string& namespace_id) {
  return db_->Run("check namespace id",
                  [&](pqxx::work& tx) -> Result<bool> { return !IdTaken(tx, namespace_id, ""); });
}

Result<bool> PgCatalogStore::NamespaceNameAvailable(const std::string& org_id,
                                                    const std::string& name) {
  return db_->Run("check namespace name",
                  [&](pqxx::work& tx) -> Result<bool> { return !NameTaken(tx, org_id, name, ""); });
}

// ---- tasks ----

Status PgCatalogStore::UpsertTask(const model::Task& task) {
  return db_->Run("upsert task", [&](pqxx::work& tx) -> Status {
    tx.exec_params(
        Sql({"INSERT INTO tasks (", kTaskColumns,
             ", terminal) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
             "ON CONFLICT (task_id) DO UPDATE SET org_id = EXCLUDED.org_id, "
             "namespace_id = EXCLUDED.namespace_id, task_type = EXCLUDED.task_type, "
             "status = EXCLUDED.status, inputs = EXCLUDED.inputs, outputs = EXCLUDED.outputs, "
             "additional_data = EXCLUDED.additional_data, error = EXCLUDED.error, "
             "created_at = EXCLUDED.created_at, updated_at = EXCLUDED.updated_at, "
             "terminal = EXCLUDED.terminal"}),
        task.task_id, task.org_id, task.namespace_id, task.task_type,
        std::string(model::TaskStatusName(task.status)), Bytes(EncodeValueBlob(task.inputs)),
        Bytes(EncodeValueBlob(task.outputs)), Bytes(EncodeValueBlob(task.additional_data)),
        task.error, task.created_at, task.updated_at, model::IsTerminal(task.status));
    return Status::Ok();
  });
}

Result<model::Task> PgCatalogStore::GetTask(const std::string& org_id, const std::string& task_id) {
  return db_->Run("get task", [&](pqxx::work& tx) -> Result<model::Task> {
    auto r = tx.exec_params(
        Sql({"SELECT ", kTaskColumns, " FROM tasks WHERE org_id = $1 AND task_id = $2"}), org_id,
        task_id);
    if (r.empty()) return Status::NotFound("task not found: " + task_id);
    return ReadTask(r[0]);
  });
}

Result<std::vector<model::Task>> PgCatalogStore::ListUnfinishedTasks() {
  return db_->Run("list unfinished tasks", [&](pqxx::work& tx) -> Result<std::vector<model::Task>> {
    auto r = tx.exec(Sql(
        {"SELECT ", kTaskColumns, " FROM tasks WHERE NOT terminal ORDER BY created_at, task_id"}));
    return ReadAll<model::Task>(r, ReadTask);
  });
}

Result<std::vector<model::Task>> PgCatalogStore::ListTasks(const std::string& org_id,
                                                           const model::Page& page) {
  return db_->Run("list tasks", [&](pqxx::work& tx) -> Result<std::vector<model::Task>> {
    auto r = tx.exec_params(Sql({"SELECT ", kTaskColumns,
                                 " FROM tasks WHERE org_id = $1"
                                 " ORDER BY created_at, task_id LIMIT $2 OFFSET $3"}),
                            org_id, page.limit, page.offset);
    return ReadAll<model::Task>(r, ReadTask);
  });
}

}  // namespace ferry::storage::postgres
