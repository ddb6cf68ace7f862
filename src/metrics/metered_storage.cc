#include "metrics/metered_storage.h"

#include <algorithm>
#include <iterator>
#include <utility>

namespace ferry::metrics {

using namespace ::ferry::storage;  // NOLINT: the store's types, as in its declarations

namespace {
constexpr StatusCode kFailureCodes[] = {
    StatusCode::kAborted,           StatusCode::kUnavailable, StatusCode::kDeadlineExceeded,
    StatusCode::kResourceExhausted, StatusCode::kInternal,    StatusCode::kDataLoss};
}  // namespace

bool IsStorageFailure(StatusCode code) {
  return std::find(std::begin(kFailureCodes), std::end(kFailureCodes), code) !=
         std::end(kFailureCodes);
}

Status MeteredCatalogStore::InsertOrganization(const model::Organization& org) {
  return Count("InsertOrganization", ForwardingCatalogStore::InsertOrganization(org));
}

Result<model::Organization> MeteredCatalogStore::GetOrganizationByName(const std::string& name) {
  return Count("GetOrganizationByName", ForwardingCatalogStore::GetOrganizationByName(name));
}

Result<int64_t> MeteredCatalogStore::CountOrganizations() {
  return Count("CountOrganizations", ForwardingCatalogStore::CountOrganizations());
}

Status MeteredCatalogStore::InsertApiKey(const model::ApiKey& key) {
  return Count("InsertApiKey", ForwardingCatalogStore::InsertApiKey(key));
}

Result<model::ApiKey> MeteredCatalogStore::GetApiKeyByHash(const std::string& key_hash) {
  return Count("GetApiKeyByHash", ForwardingCatalogStore::GetApiKeyByHash(key_hash));
}

Result<std::vector<model::Organization>> MeteredCatalogStore::ListOrganizations() {
  return Count("ListOrganizations", ForwardingCatalogStore::ListOrganizations());
}

Result<std::vector<model::ApiKey>> MeteredCatalogStore::ListApiKeys(const std::string& org_id) {
  return Count("ListApiKeys", ForwardingCatalogStore::ListApiKeys(org_id));
}

Status MeteredCatalogStore::InsertNamespace(const model::Namespace& ns) {
  return Count("InsertNamespace", ForwardingCatalogStore::InsertNamespace(ns));
}

Result<model::Namespace> MeteredCatalogStore::GetNamespace(const std::string& org_id,
                                                           const std::string& namespace_id) {
  return Count("GetNamespace", ForwardingCatalogStore::GetNamespace(org_id, namespace_id));
}

Result<model::Namespace> MeteredCatalogStore::GetNamespaceByName(const std::string& org_id,
                                                                 const std::string& name) {
  return Count("GetNamespaceByName", ForwardingCatalogStore::GetNamespaceByName(org_id, name));
}

Result<std::vector<model::Namespace>> MeteredCatalogStore::ListNamespaces(const std::string& org_id,
                                                                          const model::Page& page) {
  return Count("ListNamespaces", ForwardingCatalogStore::ListNamespaces(org_id, page));
}

Result<int64_t> MeteredCatalogStore::CountNamespaces(const std::string& org_id) {
  return Count("CountNamespaces", ForwardingCatalogStore::CountNamespaces(org_id));
}

Status MeteredCatalogStore::UpdateNamespace(const model::Namespace& ns) {
  return Count("UpdateNamespace", ForwardingCatalogStore::UpdateNamespace(ns));
}

Status MeteredCatalogStore::DeleteNamespace(const std::string& org_id,
                                            const std::string& namespace_id) {
  return Count("DeleteNamespace", ForwardingCatalogStore::DeleteNamespace(org_id, namespace_id));
}

Status MeteredCatalogStore::ClaimMigrationTarget(const std::string& org_id,
                                                 const std::string& migration_id,
                                                 const std::string& namespace_id,
                                                 const std::string& namespace_name) {
  return Count("ClaimMigrationTarget", ForwardingCatalogStore::ClaimMigrationTarget(
                                           org_id, migration_id, namespace_id, namespace_name));
}

Result<bool> MeteredCatalogStore::NamespaceIdAvailable(const std::string& namespace_id) {
  return Count("NamespaceIdAvailable", ForwardingCatalogStore::NamespaceIdAvailable(namespace_id));
}

Result<bool> MeteredCatalogStore::NamespaceNameAvailable(const std::string& org_id,
                                                         const std::string& name) {
  return Count("NamespaceNameAvailable",
               ForwardingCatalogStore::NamespaceNameAvailable(org_id, name));
}

Status MeteredCatalogStore::UpsertTask(const model::Task& task) {
  return Count("UpsertTask", ForwardingCatalogStore::UpsertTask(task));
}

Result<model::Task> MeteredCatalogStore::GetTask(const std::string& org_id,
                                                 const std::string& task_id) {
  return Count("GetTask", ForwardingCatalogStore::GetTask(org_id, task_id));
}

Result<std::vector<model::Task>> MeteredCatalogStore::ListUnfinishedTasks() {
  return Count("ListUnfinishedTasks", ForwardingCatalogStore::ListUnfinishedTasks());
}

Result<std::vector<model::Task>> MeteredCatalogStore::ListTasks(const std::string& org_id,
                                                                const model::Page& page) {
  return Count("ListTasks", ForwardingCatalogStore::ListTasks(org_id, page));
}

Status MeteredCatalogStore::InsertMigration(const model::Migration& migration) {
  return Count("InsertMigration", ForwardingCatalogStore::InsertMigration(migration));
}

Status MeteredCatalogStore::UpdateMigration(const model::Migration& migration) {
  return Count("UpdateMigration", ForwardingCatalogStore::UpdateMigration(migration));
}

Status MeteredCatalogStore::UpdateMigrationIf(const model::Migration& migration,
                                              const model::Migration& expected,
                                              const std::vector<model::MigrationBatch>& batches) {
  return Count("UpdateMigrationIf",
               ForwardingCatalogStore::UpdateMigrationIf(migration, expected, batches));
}

Result<model::Migration> MeteredCatalogStore::GetMigration(const std::string& org_id,
                                                           const std::string& migration_id) {
  return Count("GetMigration", ForwardingCatalogStore::GetMigration(org_id, migration_id));
}

Result<std::vector<model::Migration>> MeteredCatalogStore::ListMigrations(
    const std::string& org_id, const model::MigrationListFilter& filter, const model::Page& page) {
  return Count("ListMigrations", ForwardingCatalogStore::ListMigrations(org_id, filter, page));
}

Result<int64_t> MeteredCatalogStore::CountMigrations(const std::string& org_id,
                                                     const model::MigrationListFilter& filter) {
  return Count("CountMigrations", ForwardingCatalogStore::CountMigrations(org_id, filter));
}

Status MeteredCatalogStore::DeleteMigration(const std::string& org_id,
                                            const std::string& migration_id) {
  return Count("DeleteMigration", ForwardingCatalogStore::DeleteMigration(org_id, migration_id));
}

Result<std::vector<model::Migration>> MeteredCatalogStore::ListUnfinishedMigrations() {
  return Count("ListUnfinishedMigrations", ForwardingCatalogStore::ListUnfinishedMigrations());
}

Status MeteredCatalogStore::InsertMigrationBatches(
    const std::vector<model::MigrationBatch>& batches) {
  return Count("InsertMigrationBatches", ForwardingCatalogStore::InsertMigrationBatches(batches));
}

Result<std::vector<model::MigrationBatch>> MeteredCatalogStore::ListMigrationBatches(
    const std::string& migration_id, int64_t after_batch_no, int64_t limit) {
  return Count("ListMigrationBatches",
               ForwardingCatalogStore::ListMigrationBatches(migration_id, after_batch_no, limit));
}

Status MeteredCatalogStore::UpdateMigrationBatch(const model::MigrationBatch& batch) {
  return Count("UpdateMigrationBatch", ForwardingCatalogStore::UpdateMigrationBatch(batch));
}

Status MeteredCatalogStore::ImportMigrationBatches(
    const std::vector<model::MigrationBatch>& batches) {
  return Count("ImportMigrationBatches", ForwardingCatalogStore::ImportMigrationBatches(batches));
}

Status MeteredCatalogStore::DeleteMigrationBatches(const std::string& migration_id) {
  return Count("DeleteMigrationBatches",
               ForwardingCatalogStore::DeleteMigrationBatches(migration_id));
}

Result<std::optional<model::ClaimedBatch>> MeteredCatalogStore::ClaimNextMigrationBatch(
    const std::string& migration_id, int tier, const std::string& owner, TimestampMs now,
    int64_t ttl_ms) {
  return Count("ClaimNextMigrationBatch", ForwardingCatalogStore::ClaimNextMigrationBatch(
                                              migration_id, tier, owner, now, ttl_ms));
}

Result<std::optional<int>> MeteredCatalogStore::LowestOpenMigrationTier(
    const std::string& migration_id) {
  return Count("LowestOpenMigrationTier",
               ForwardingCatalogStore::LowestOpenMigrationTier(migration_id));
}

Result<model::BatchLease> MeteredCatalogStore::ClaimMigrationBatch(const std::string& migration_id,
                                                                   int64_t batch_no,
                                                                   const std::string& owner,
                                                                   TimestampMs now,
                                                                   int64_t ttl_ms) {
  return Count("ClaimMigrationBatch", ForwardingCatalogStore::ClaimMigrationBatch(
                                          migration_id, batch_no, owner, now, ttl_ms));
}

Result<model::RunLease> MeteredCatalogStore::ClaimMigrationRun(const std::string& migration_id,
                                                               const std::string& owner,
                                                               TimestampMs now, int64_t ttl_ms) {
  return Count("ClaimMigrationRun",
               ForwardingCatalogStore::ClaimMigrationRun(migration_id, owner, now, ttl_ms));
}

Result<model::RunLease> MeteredCatalogStore::RenewMigrationRun(const model::RunLease& lease,
                                                               TimestampMs now, int64_t ttl_ms) {
  return Count("RenewMigrationRun", ForwardingCatalogStore::RenewMigrationRun(lease, now, ttl_ms));
}

Status MeteredCatalogStore::ReleaseMigrationRun(const model::RunLease& lease) {
  return Count("ReleaseMigrationRun", ForwardingCatalogStore::ReleaseMigrationRun(lease));
}

Result<std::vector<model::MigrationRef>> MeteredCatalogStore::ListRunnableMigrations(
    const std::string& owner, TimestampMs now, int64_t limit) {
  return Count("ListRunnableMigrations",
               ForwardingCatalogStore::ListRunnableMigrations(owner, now, limit));
}

Result<std::vector<model::MigrationRef>> MeteredCatalogStore::ListJoinableMigrations(
    const std::string& owner, TimestampMs now, int64_t limit) {
  return Count("ListJoinableMigrations",
               ForwardingCatalogStore::ListJoinableMigrations(owner, now, limit));
}

Result<model::BatchLease> MeteredCatalogStore::RenewBatchLease(const model::BatchLease& lease,
                                                               TimestampMs now, int64_t ttl_ms) {
  return Count("RenewBatchLease", ForwardingCatalogStore::RenewBatchLease(lease, now, ttl_ms));
}

Status MeteredCatalogStore::ReleaseBatchLease(const model::BatchLease& lease) {
  return Count("ReleaseBatchLease", ForwardingCatalogStore::ReleaseBatchLease(lease));
}

Status MeteredCatalogStore::CompleteMigrationBatch(
    const model::BatchLease& lease, const model::MigrationBatch& batch,
    const std::vector<model::MigrationFailedItem>& failed, TimestampMs now) {
  return Count("CompleteMigrationBatch",
               ForwardingCatalogStore::CompleteMigrationBatch(lease, batch, failed, now));
}

Result<std::vector<model::MigrationFailedItem>> MeteredCatalogStore::ListMigrationFailedItems(
    const std::string& migration_id, const std::string& status, const model::Page& page) {
  return Count("ListMigrationFailedItems",
               ForwardingCatalogStore::ListMigrationFailedItems(migration_id, status, page));
}

Status MeteredCatalogStore::ImportMigrationFailedItems(
    const std::vector<model::MigrationFailedItem>& items) {
  return Count("ImportMigrationFailedItems",
               ForwardingCatalogStore::ImportMigrationFailedItems(items));
}

Result<int64_t> MeteredCatalogStore::CountMigrationFailedItems(
    const std::string& migration_id, const std::string& status,
    const std::optional<std::string>& resource_id) {
  return Count("CountMigrationFailedItems", ForwardingCatalogStore::CountMigrationFailedItems(
                                                migration_id, status, resource_id));
}

Result<int64_t> MeteredCatalogStore::EnqueueWebhook(model::WebhookEvent event) {
  return Count("EnqueueWebhook", ForwardingCatalogStore::EnqueueWebhook(std::move(event)));
}

Result<std::vector<model::WebhookEvent>> MeteredCatalogStore::ClaimDueWebhooks(
    TimestampMs now, int64_t limit, const std::string& owner, int64_t claim_ttl_ms) {
  return Count("ClaimDueWebhooks",
               ForwardingCatalogStore::ClaimDueWebhooks(now, limit, owner, claim_ttl_ms));
}

Result<std::optional<TimestampMs>> MeteredCatalogStore::NextWebhookAttemptAt() {
  return Count("NextWebhookAttemptAt", ForwardingCatalogStore::NextWebhookAttemptAt());
}

Status MeteredCatalogStore::UpdateWebhook(const model::WebhookEvent& event,
                                          const std::string& owner) {
  return Count("UpdateWebhook", ForwardingCatalogStore::UpdateWebhook(event, owner));
}

Result<std::vector<model::WebhookEvent>> MeteredCatalogStore::ListWebhooks(
    const std::string& org_id, const std::string& migration_id) {
  return Count("ListWebhooks", ForwardingCatalogStore::ListWebhooks(org_id, migration_id));
}

Status MeteredCatalogStore::SetWebhookSecret(const std::string& org_id, const std::string& secret) {
  return Count("SetWebhookSecret", ForwardingCatalogStore::SetWebhookSecret(org_id, secret));
}

Result<std::string> MeteredCatalogStore::GetWebhookSecret(const std::string& org_id) {
  return Count("GetWebhookSecret", ForwardingCatalogStore::GetWebhookSecret(org_id));
}

MeteredStorageEngine::MeteredStorageEngine(StorageEngine& target, Metrics& metrics)
    : ForwardingStorageEngine(target), metrics_(metrics), catalog_(target.catalog(), metrics) {
  for (StatusCode code : kFailureCodes) metrics_.DeclareStorageErrorCode(StatusCodeName(code));
}

void MeteredStorageEngine::Count(const char* operation, const Status& st) {
  if (IsStorageFailure(st.code())) metrics_.StorageError(operation, StatusCodeName(st.code()));
}

Status MeteredStorageEngine::CreateNamespaceData(const std::string& namespace_id) {
  Status st = ForwardingStorageEngine::CreateNamespaceData(namespace_id);
  Count("CreateNamespaceData", st);
  return st;
}

Result<std::shared_ptr<NamespaceStore>> MeteredStorageEngine::OpenNamespace(
    const std::string& namespace_id) {
  auto store = ForwardingStorageEngine::OpenNamespace(namespace_id);
  Count("OpenNamespace", store.status());
  return store;
}

Status MeteredStorageEngine::DropNamespaceData(const std::string& namespace_id) {
  Status st = ForwardingStorageEngine::DropNamespaceData(namespace_id);
  Count("DropNamespaceData", st);
  return st;
}

Result<BulkCopyResult> MeteredStorageEngine::CopyItems(const std::string& source_namespace_id,
                                                       const std::string& target_namespace_id,
                                                       const BulkCopyRequest& request) {
  auto copied =
      ForwardingStorageEngine::CopyItems(source_namespace_id, target_namespace_id, request);
  Count("CopyItems", copied.status());
  return copied;
}

}  // namespace ferry::metrics
