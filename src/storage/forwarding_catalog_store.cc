#include "storage/forwarding_catalog_store.h"

#include <utility>

namespace ferry::storage {

Status ForwardingCatalogStore::InsertOrganization(const model::Organization& org) {
  return target_.InsertOrganization(org);
}

Result<model::Organization> ForwardingCatalogStore::GetOrganizationByName(const std::string& name) {
  return target_.GetOrganizationByName(name);
}

Result<int64_t> ForwardingCatalogStore::CountOrganizations() {
  return target_.CountOrganizations();
}

Status ForwardingCatalogStore::InsertApiKey(const model::ApiKey& key) {
  return target_.InsertApiKey(key);
}

Result<model::ApiKey> ForwardingCatalogStore::GetApiKeyByHash(const std::string& key_hash) {
  return target_.GetApiKeyByHash(key_hash);
}

Result<std::vector<model::Organization>> ForwardingCatalogStore::ListOrganizations() {
  return target_.ListOrganizations();
}

Result<std::vector<model::ApiKey>> ForwardingCatalogStore::ListApiKeys(const std::string& org_id) {
  return target_.ListApiKeys(org_id);
}

Status ForwardingCatalogStore::InsertNamespace(const model::Namespace& ns) {
  return target_.InsertNamespace(ns);
}

Result<model::Namespace> ForwardingCatalogStore::GetNamespace(const std::string& org_id,
                                                              const std::string& namespace_id) {
  return target_.GetNamespace(org_id, namespace_id);
}

Result<model::Namespace> ForwardingCatalogStore::GetNamespaceByName(const std::string& org_id,
                                                                    const std::string& name) {
  return target_.GetNamespaceByName(org_id, name);
}

Result<std::vector<model::Namespace>> ForwardingCatalogStore::ListNamespaces(
    const std::string& org_id, const model::Page& page) {
  return target_.ListNamespaces(org_id, page);
}

Result<int64_t> ForwardingCatalogStore::CountNamespaces(const std::string& org_id) {
  return target_.CountNamespaces(org_id);
}

Status ForwardingCatalogStore::UpdateNamespace(const model::Namespace& ns) {
  return target_.UpdateNamespace(ns);
}

Status ForwardingCatalogStore::RenameNamespaces(
    const std::string& org_id, const std::vector<std::pair<std::string, std::string>>& renames,
    TimestampMs now) {
  return target_.RenameNamespaces(org_id, renames, now);
}

Status ForwardingCatalogStore::DeleteNamespace(const std::string& org_id,
                                               const std::string& namespace_id) {
  return target_.DeleteNamespace(org_id, namespace_id);
}

Status ForwardingCatalogStore::ClaimMigrationTarget(const std::string& org_id,
                                                    const std::string& migration_id,
                                                    const std::string& namespace_id,
                                                    const std::string& namespace_name) {
  return target_.ClaimMigrationTarget(org_id, migration_id, namespace_id, namespace_name);
}

Result<bool> ForwardingCatalogStore::NamespaceIdAvailable(const std::string& namespace_id) {
  return target_.NamespaceIdAvailable(namespace_id);
}

Result<bool> ForwardingCatalogStore::NamespaceNameAvailable(const std::string& org_id,
                                                            const std::string& name) {
  return target_.NamespaceNameAvailable(org_id, name);
}

Status ForwardingCatalogStore::UpsertTask(const model::Task& task) {
  return target_.UpsertTask(task);
}

Result<model::Task> ForwardingCatalogStore::GetTask(const std::string& org_id,
                                                    const std::string& task_id) {
  return target_.GetTask(org_id, task_id);
}

Result<std::vector<model::Task>> ForwardingCatalogStore::ListUnfinishedTasks() {
  return target_.ListUnfinishedTasks();
}

Result<std::vector<model::Task>> ForwardingCatalogStore::ListTasks(const std::string& org_id,
                                                                   const model::Page& page) {
  return target_.ListTasks(org_id, page);
}

Status ForwardingCatalogStore::InsertMigration(const model::Migration& migration) {
  return target_.InsertMigration(migration);
}

Status ForwardingCatalogStore::UpdateMigration(const model::Migration& migration) {
  return target_.UpdateMigration(migration);
}

Status ForwardingCatalogStore::UpdateMigrationIf(
    const model::Migration& migration, const model::Migration& expected,
    const std::vector<model::MigrationBatch>& batches) {
  return target_.UpdateMigrationIf(migration, expected, batches);
}

Result<model::Migration> ForwardingCatalogStore::GetMigration(const std::string& org_id,
                                                              const std::string& migration_id) {
  return target_.GetMigration(org_id, migration_id);
}

Result<std::vector<model::Migration>> ForwardingCatalogStore::ListMigrations(
    const std::string& org_id, const model::MigrationListFilter& filter, const model::Page& page) {
  return target_.ListMigrations(org_id, filter, page);
}

Result<int64_t> ForwardingCatalogStore::CountMigrations(const std::string& org_id,
                                                        const model::MigrationListFilter& filter) {
  return target_.CountMigrations(org_id, filter);
}

Status ForwardingCatalogStore::DeleteMigration(const std::string& org_id,
                                               const std::string& migration_id) {
  return target_.DeleteMigration(org_id, migration_id);
}

Result<std::vector<model::Migration>> ForwardingCatalogStore::ListUnfinishedMigrations() {
  return target_.ListUnfinishedMigrations();
}

Status ForwardingCatalogStore::InsertMigrationBatches(
    const std::vector<model::MigrationBatch>& batches) {
  return target_.InsertMigrationBatches(batches);
}

Result<std::vector<model::MigrationBatch>> ForwardingCatalogStore::ListMigrationBatches(
    const std::string& migration_id, int64_t after_batch_no, int64_t limit) {
  return target_.ListMigrationBatches(migration_id, after_batch_no, limit);
}

Status ForwardingCatalogStore::UpdateMigrationBatch(const model::MigrationBatch& batch) {
  return target_.UpdateMigrationBatch(batch);
}

Status ForwardingCatalogStore::ImportMigrationBatches(
    const std::vector<model::MigrationBatch>& batches) {
  return target_.ImportMigrationBatches(batches);
}

Status ForwardingCatalogStore::DeleteMigrationBatches(const std::string& migration_id) {
  return target_.DeleteMigrationBatches(migration_id);
}

Result<std::optional<model::ClaimedBatch>> ForwardingCatalogStore::ClaimNextMigrationBatch(
    const std::string& migration_id, int tier, const std::string& owner, TimestampMs now,
    int64_t ttl_ms) {
  return target_.ClaimNextMigrationBatch(migration_id, tier, owner, now, ttl_ms);
}

Result<std::optional<int>> ForwardingCatalogStore::LowestOpenMigrationTier(
    const std::string& migration_id) {
  return target_.LowestOpenMigrationTier(migration_id);
}

Result<model::BatchLease> ForwardingCatalogStore::ClaimMigrationBatch(
    const std::string& migration_id, int64_t batch_no, const std::string& owner, TimestampMs now,
    int64_t ttl_ms) {
  return target_.ClaimMigrationBatch(migration_id, batch_no, owner, now, ttl_ms);
}

Result<model::RunLease> ForwardingCatalogStore::ClaimMigrationRun(const std::string& migration_id,
                                                                  const std::string& owner,
                                                                  TimestampMs now, int64_t ttl_ms) {
  return target_.ClaimMigrationRun(migration_id, owner, now, ttl_ms);
}

Result<model::RunLease> ForwardingCatalogStore::RenewMigrationRun(const model::RunLease& lease,
                                                                  TimestampMs now, int64_t ttl_ms) {
  return target_.RenewMigrationRun(lease, now, ttl_ms);
}

Status ForwardingCatalogStore::ReleaseMigrationRun(const model::RunLease& lease) {
  return target_.ReleaseMigrationRun(lease);
}

Result<std::vector<model::MigrationRef>> ForwardingCatalogStore::ListRunnableMigrations(
    const std::string& owner, TimestampMs now, int64_t limit) {
  return target_.ListRunnableMigrations(owner, now, limit);
}

Result<std::vector<model::MigrationRef>> ForwardingCatalogStore::ListJoinableMigrations(
    const std::string& owner, TimestampMs now, int64_t limit) {
  return target_.ListJoinableMigrations(owner, now, limit);
}

Result<model::BatchLease> ForwardingCatalogStore::RenewBatchLease(const model::BatchLease& lease,
                                                                  TimestampMs now, int64_t ttl_ms) {
  return target_.RenewBatchLease(lease, now, ttl_ms);
}

Status ForwardingCatalogStore::ReleaseBatchLease(const model::BatchLease& lease) {
  return target_.ReleaseBatchLease(lease);
}

Status ForwardingCatalogStore::CompleteMigrationBatch(
    const model::BatchLease& lease, const model::MigrationBatch& batch,
    const std::vector<model::MigrationFailedItem>& failed, TimestampMs now) {
  return target_.CompleteMigrationBatch(lease, batch, failed, now);
}

Result<std::vector<model::MigrationFailedItem>> ForwardingCatalogStore::ListMigrationFailedItems(
    const std::string& migration_id, const std::string& status, const model::Page& page) {
  return target_.ListMigrationFailedItems(migration_id, status, page);
}

Status ForwardingCatalogStore::ImportMigrationFailedItems(
    const std::vector<model::MigrationFailedItem>& items) {
  return target_.ImportMigrationFailedItems(items);
}

Result<int64_t> ForwardingCatalogStore::CountMigrationFailedItems(
    const std::string& migration_id, const std::string& status,
    const std::optional<std::string>& resource_id) {
  return target_.CountMigrationFailedItems(migration_id, status, resource_id);
}

Result<int64_t> ForwardingCatalogStore::EnqueueWebhook(model::WebhookEvent event) {
  return target_.EnqueueWebhook(std::move(event));
}

Result<std::vector<model::WebhookEvent>> ForwardingCatalogStore::ClaimDueWebhooks(
    TimestampMs now, int64_t limit, const std::string& owner, int64_t claim_ttl_ms) {
  return target_.ClaimDueWebhooks(now, limit, owner, claim_ttl_ms);
}

Result<std::optional<TimestampMs>> ForwardingCatalogStore::NextWebhookAttemptAt() {
  return target_.NextWebhookAttemptAt();
}

Status ForwardingCatalogStore::UpdateWebhook(const model::WebhookEvent& event,
                                             const std::string& owner) {
  return target_.UpdateWebhook(event, owner);
}

Result<std::vector<model::WebhookEvent>> ForwardingCatalogStore::ListWebhooks(
    const std::string& org_id, const std::string& migration_id) {
  return target_.ListWebhooks(org_id, migration_id);
}

Status ForwardingCatalogStore::SetWebhookSecret(const std::string& org_id,
                                                const std::string& secret) {
  return target_.SetWebhookSecret(org_id, secret);
}

Result<std::string> ForwardingCatalogStore::GetWebhookSecret(const std::string& org_id) {
  return target_.GetWebhookSecret(org_id);
}

}  // namespace ferry::storage
