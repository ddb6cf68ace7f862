#pragma once
// CatalogStore over one SQLite file (DIR/catalog.db). Thread-safe: one connection,
// serialized. Tenant lookups filter by org_id in SQL, so another organization's row is
// indistinguishable from an absent one.
//
// The implementation is split: sqlite_catalog_store.cc (open, organizations, keys,
// namespaces, tasks), sqlite_migrations.cc (migrations and their batch plans) and
// sqlite_webhooks.cc (webhook outbox and signing secrets), sqlite_target_claims.cc
// (migration target claims and the namespace delete guard), sqlite_batch_leases.cc and
// sqlite_batch_claims.cc (batch leases, failed items, claiming the next free batch).

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "storage/catalog_store.h"
#include "storage/sqlite/sqlite_db.h"

namespace ferry::storage::sqlite {

class SqliteCatalogStore final : public CatalogStore {
 public:
  // Opens `path` (creating it when missing) and migrates its schema. Webhook secrets are
  // sealed under `secret_key` (AES-256-GCM, common/crypto.h, 32 bytes); secrets stored in
  // plain text by older versions are sealed on open.
  static Result<std::unique_ptr<SqliteCatalogStore>> Open(const std::string& path,
                                                          std::string secret_key);

  // Checkpoints and closes the database; later calls return Unavailable. Idempotent.
  void Close() { db_->Close(); }

  Status InsertOrganization(const model::Organization& org) override;
  Result<model::Organization> GetOrganizationByName(const std::string& name) override;
  Result<int64_t> CountOrganizations() override;
  Status InsertApiKey(const model::ApiKey& key) override;
  Result<model::ApiKey> GetApiKeyByHash(const std::string& key_hash) override;
  Result<std::vector<model::Organization>> ListOrganizations() override;
  Result<std::vector<model::ApiKey>> ListApiKeys(const std::string& org_id) override;

  Status InsertNamespace(const model::Namespace& ns) override;
  Result<model::Namespace> GetNamespace(const std::string& org_id,
                                        const std::string& namespace_id) override;
  Result<model::Namespace> GetNamespaceByName(const std::string& org_id,
                                              const std::string& name) override;
  Result<std::vector<model::Namespace>> ListNamespaces(const std::string& org_id,
                                                       const model::Page& page) override;
  Result<int64_t> CountNamespaces(const std::string& org_id) override;
  Status UpdateNamespace(const model::Namespace& ns) override;
  Status RenameNamespaces(const std::string& org_id,
                          const std::vector<std::pair<std::string, std::string>>& renames,
                          TimestampMs now) override;
  Status DeleteNamespace(const std::string& org_id, const std::string& namespace_id) override;

  // Target claims: sqlite_target_claims.cc.
  Status ClaimMigrationTarget(const std::string& org_id, const std::string& migration_id,
                              const std::string& namespace_id,
                              const std::string& namespace_name) override;
  Result<bool> NamespaceIdAvailable(const std::string& namespace_id) override;
  Result<bool> NamespaceNameAvailable(const std::string& org_id, const std::string& name) override;

  Status UpsertTask(const model::Task& task) override;
  Result<model::Task> GetTask(const std::string& org_id, const std::string& task_id) override;
  Result<std::vector<model::Task>> ListUnfinishedTasks() override;
  Result<std::vector<model::Task>> ListTasks(const std::string& org_id,
                                             const model::Page& page) override;

  // Migrations and batch plans: sqlite_migrations.cc.
  Status InsertMigration(const model::Migration& migration) override;
  Status UpdateMigration(const model::Migration& migration) override;
  Status UpdateMigrationIf(const model::Migration& migration, const model::Migration& expected,
                         const std::vector<model::MigrationBatch>& batches) override;
  Result<model::Migration> GetMigration(const std::string& org_id,
                                        const std::string& migration_id) override;
  Result<std::vector<model::Migration>> ListMigrations(const std::string& org_id,
                                                       const model::MigrationListFilter& filter,
                                                       const model::Page& page) override;
  Result<int64_t> CountMigrations(const std::string& org_id,
                                  const model::MigrationListFilter& filter) override;
  Status DeleteMigration(const std::string& org_id, const std::string& migration_id) override;
  Result<std::vector<model::Migration>> ListUnfinishedMigrations() override;

  Status InsertMigrationBatches(const std::vector<model::MigrationBatch>& batches) override;
  Status ImportMigrationBatches(const std::vector<model::MigrationBatch>& batches) override;
  Result<std::vector<model::MigrationBatch>> ListMigrationBatches(const std::string& migration_id,
                                                                  int64_t after_batch_no,
                                                                  int64_t limit) override;
  Status UpdateMigrationBatch(const model::MigrationBatch& batch) override;
  Status DeleteMigrationBatches(const std::string& migration_id) override;

  // Webhook outbox and secrets: sqlite_webhooks.cc.
  Result<int64_t> EnqueueWebhook(model::WebhookEvent event) override;
  Result<std::vector<model::WebhookEvent>> ClaimDueWebhooks(TimestampMs now, int64_t limit,
                                                            const std::string& owner,
                                                            int64_t claim_ttl_ms) override;
  Result<std::optional<TimestampMs>> NextWebhookAttemptAt() override;
  Status UpdateWebhook(const model::WebhookEvent& event, const std::string& owner) override;
  Result<std::vector<model::WebhookEvent>> ListWebhooks(const std::string& org_id,
                                                        const std::string& migration_id) override;
  Status SetWebhookSecret(const std::string& org_id, const std::string& secret) override;
  Result<std::string> GetWebhookSecret(const std::string& org_id) override;

  // Batch leases and failed items: sqlite_batch_leases.cc.
  Result<model::BatchLease> ClaimMigrationBatch(const std::string& migration_id, int64_t batch_no,
                                                const std::string& owner, TimestampMs now,
                                                int64_t ttl_ms) override;
  // Claiming the next free batch: sqlite_batch_claims.cc.
  Result<std::optional<model::ClaimedBatch>> ClaimNextMigrationBatch(
      const std::string& migration_id, int tier, const std::string& owner, TimestampMs now,
      int64_t ttl_ms) override;
  Result<std::optional<int>> LowestOpenMigrationTier(const std::string& migration_id) override;
  // MigrationRunStore
  Result<model::RunLease> ClaimMigrationRun(const std::string& migration_id,
                                            const std::string& owner, TimestampMs now,
                                            int64_t ttl_ms) override;
  Result<model::RunLease> RenewMigrationRun(const model::RunLease& lease, TimestampMs now,
                                            int64_t ttl_ms) override;
  Status ReleaseMigrationRun(const model::RunLease& lease) override;
  Result<std::vector<model::MigrationRef>> ListRunnableMigrations(const std::string& owner,
                                                                  TimestampMs now,
                                                                  int64_t limit) override;
  Result<std::vector<model::MigrationRef>> ListJoinableMigrations(const std::string& owner,
                                                                  TimestampMs now,
                                                                  int64_t limit) override;
  Result<model::BatchLease> RenewBatchLease(const model::BatchLease& lease, TimestampMs now,
                                            int64_t ttl_ms) override;
  Status ReleaseBatchLease(const model::BatchLease& lease) override;
  Status CompleteMigrationBatch(const model::BatchLease& lease, const model::MigrationBatch& batch,
                                const std::vector<model::MigrationFailedItem>& failed,
                                TimestampMs now) override;
  Result<std::vector<model::MigrationFailedItem>> ListMigrationFailedItems(
      const std::string& migration_id, const std::string& status, const model::Page& page) override;
  Status ImportMigrationFailedItems(const std::vector<model::MigrationFailedItem>& items) override;
  Result<int64_t> CountMigrationFailedItems(const std::string& migration_id,
                                            const std::string& status,
                                            const std::optional<std::string>& resource_id) override;

 private:
  SqliteCatalogStore(std::unique_ptr<SqliteDb> db, std::string secret_key)
      : db_(std::move(db)), secret_key_(std::move(secret_key)) {}

  // Seals the webhook secrets still stored as plain TEXT (sqlite_webhooks.cc).
  static Status SealPlaintextWebhookSecrets(SqliteDb& db, const std::string& secret_key);

  std::unique_ptr<SqliteDb> db_;
  std::string secret_key_;
};

}  // namespace ferry::storage::sqlite
