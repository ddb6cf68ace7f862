#pragma once
// CatalogStore on PostgreSQL, shared by every ferryd process of a cluster. Tenant lookups
// filter by org_id in SQL. Where SQLite relies on its single writer (check-then-write of
// target claims and namespace deletes, per-migration webhook sequences), these
// transactions take an advisory transaction lock (pg_catalog_locks.h); batch leases lock
// the batch row (SELECT ... FOR UPDATE).
//
// Split: pg_catalog_store.cc (organizations, keys, namespaces, target claims, tasks),
// pg_migrations.cc (migrations and batch plans), pg_batch_leases.cc (leases and failed
// items), pg_batch_claims.cc (the next free batch: FOR UPDATE SKIP LOCKED), pg_webhooks.cc
// (outbox and signing secrets).

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "storage/catalog_store.h"
#include "storage/postgres/pg_db.h"

namespace ferry::storage::postgres {

class PgCatalogStore final : public CatalogStore {
 public:
  // `db` has its schema migrated. Webhook secrets are sealed under `secret_key`
  // (AES-256-GCM, common/crypto.h, 32 bytes), which every process of a cluster shares.
  PgCatalogStore(std::shared_ptr<PgDb> db, std::string secret_key)
      : db_(std::move(db)), secret_key_(std::move(secret_key)) {}

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

  // Target claims: pg_catalog_store.cc.
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

  // Migrations and batch plans: pg_migrations.cc.
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

  // Webhook outbox and secrets: pg_webhooks.cc.
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

  // Batch leases and failed items: pg_batch_leases.cc.
  Result<model::BatchLease> ClaimMigrationBatch(const std::string& migration_id, int64_t batch_no,
                                                const std::string& owner, TimestampMs now,
                                                int64_t ttl_ms) override;
  // Claiming the next free batch: pg_batch_claims.cc.
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
  std::shared_ptr<PgDb> db_;
  std::string secret_key_;
};

}  // namespace ferry::storage::postgres
