#pragma once
// MeteredStorageEngine: a StorageEngine wrapper that counts failed operations in
// Metrics (ferry_storage_errors_total{operation, code}). Catalog operations (every
// method of CatalogStore) and the engine's own operations (namespace data create, open,
// drop; bulk copy) are counted; the operations of an opened NamespaceStore are not.
// A failure is a code that says the storage itself failed or was overloaded (see
// IsStorageFailure); outcomes the caller expects to handle (NotFound, AlreadyExists,
// LeaseLost, FailedPrecondition, ...) are not errors here.
//
// Thread safety: as the wrapped engine.

#include "common/status.h"
#include "metrics/metrics.h"
#include "storage/forwarding_catalog_store.h"
#include "storage/forwarding_storage_engine.h"

namespace ferry::metrics {

// Aborted (a lost race, e.g. a serialization failure), Unavailable, DeadlineExceeded,
// ResourceExhausted, Internal, DataLoss.
bool IsStorageFailure(StatusCode code);

class MeteredCatalogStore : public storage::ForwardingCatalogStore {
 public:
  // `target` and `metrics` are not owned and must outlive this.
  MeteredCatalogStore(storage::CatalogStore& target, Metrics& metrics)
      : ForwardingCatalogStore(target), metrics_(metrics) {}

  // OrganizationStore
  Status InsertOrganization(const model::Organization& org) override;
  Result<model::Organization> GetOrganizationByName(const std::string& name) override;
  Result<int64_t> CountOrganizations() override;
  Status InsertApiKey(const model::ApiKey& key) override;
  Result<model::ApiKey> GetApiKeyByHash(const std::string& key_hash) override;
  Result<std::vector<model::Organization>> ListOrganizations() override;
  Result<std::vector<model::ApiKey>> ListApiKeys(const std::string& org_id) override;

  // NamespaceIndexStore
  Status InsertNamespace(const model::Namespace& ns) override;
  Result<model::Namespace> GetNamespace(const std::string& org_id,
                                        const std::string& namespace_id) override;
  Result<model::Namespace> GetNamespaceByName(const std::string& org_id,
                                              const std::string& name) override;
  Result<std::vector<model::Namespace>> ListNamespaces(const std::string& org_id,
                                                       const model::Page& page) override;
  Result<int64_t> CountNamespaces(const std::string& org_id) override;
  Status UpdateNamespace(const model::Namespace& ns) override;
  Status DeleteNamespace(const std::string& org_id, const std::string& namespace_id) override;
  Status ClaimMigrationTarget(const std::string& org_id, const std::string& migration_id,
                              const std::string& namespace_id,
                              const std::string& namespace_name) override;
  Result<bool> NamespaceIdAvailable(const std::string& namespace_id) override;
  Result<bool> NamespaceNameAvailable(const std::string& org_id, const std::string& name) override;

  // TaskStore
  Status UpsertTask(const model::Task& task) override;
  Result<model::Task> GetTask(const std::string& org_id, const std::string& task_id) override;
  Result<std::vector<model::Task>> ListUnfinishedTasks() override;
  Result<std::vector<model::Task>> ListTasks(const std::string& org_id,
                                             const model::Page& page) override;

  // MigrationStore
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

  // BatchLeaseStore
  Result<std::optional<model::ClaimedBatch>> ClaimNextMigrationBatch(
      const std::string& migration_id, int tier, const std::string& owner, TimestampMs now,
      int64_t ttl_ms) override;
  Result<std::optional<int>> LowestOpenMigrationTier(const std::string& migration_id) override;
  Result<model::BatchLease> ClaimMigrationBatch(const std::string& migration_id, int64_t batch_no,
                                                const std::string& owner, TimestampMs now,
                                                int64_t ttl_ms) override;
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

  // WebhookStore
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

 private:
  template <typename R>
  R Count(const char* operation, R result) {
    const Status& st = StatusOf(result);
    if (IsStorageFailure(st.code())) metrics_.StorageError(operation, StatusCodeName(st.code()));
    return result;
  }
  static const Status& StatusOf(const Status& st) { return st; }
  template <typename T>
  static const Status& StatusOf(const Result<T>& r) {
    return r.status();
  }

  Metrics& metrics_;
};

class MeteredStorageEngine : public storage::ForwardingStorageEngine {
 public:
  // `target` and `metrics` are not owned and must outlive this.
  MeteredStorageEngine(storage::StorageEngine& target, Metrics& metrics);

  storage::CatalogStore& catalog() override { return catalog_; }
  Status CreateNamespaceData(const std::string& namespace_id) override;
  Result<std::shared_ptr<storage::NamespaceStore>> OpenNamespace(
      const std::string& namespace_id) override;
  Status DropNamespaceData(const std::string& namespace_id) override;
  Result<storage::BulkCopyResult> CopyItems(const std::string& source_namespace_id,
                                            const std::string& target_namespace_id,
                                            const storage::BulkCopyRequest& request) override;

 private:
  void Count(const char* operation, const Status& st);

  Metrics& metrics_;
  MeteredCatalogStore catalog_;
};

}  // namespace ferry::metrics
