#include "storage/testing/catalog_faults.h"

#include <algorithm>
#include <utility>

namespace ferry::storage::testing {

namespace {

int Index(CatalogOp op) { return static_cast<int>(op); }

}  // namespace

void CatalogFaults::Fail(CatalogOp op, Status status, int count, int skip) {
  std::lock_guard<std::mutex> lock(mu_);
  faults_[Index(op)] = Fault{skip, count, std::move(status)};
}

void CatalogFaults::FailFinalMigrationUpdates(Status status, int count) {
  std::lock_guard<std::mutex> lock(mu_);
  final_updates_ = Fault{0, count, std::move(status)};
}

void CatalogFaults::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  faults_ = {};
  final_updates_ = {};
}

int64_t CatalogFaults::calls(CatalogOp op) const {
  std::lock_guard<std::mutex> lock(mu_);
  return calls_[Index(op)];
}

int64_t CatalogFaults::largest_batch_page_items() const {
  std::lock_guard<std::mutex> lock(mu_);
  return largest_batch_page_items_;
}

void CatalogFaults::NoteBatchPage(const std::vector<model::MigrationBatch>& page) {
  int64_t items = 0;
  for (const auto& b : page) items += static_cast<int64_t>(b.item_ids.size());
  std::lock_guard<std::mutex> lock(mu_);
  largest_batch_page_items_ = std::max(largest_batch_page_items_, items);
}

Status CatalogFaults::TakeLocked(Fault& fault) {
  if (fault.count == 0) return Status::Ok();
  if (fault.skip > 0) {
    --fault.skip;
    return Status::Ok();
  }
  if (fault.count > 0) --fault.count;
  return fault.status;
}

Status CatalogFaults::Before(CatalogOp op) {
  std::lock_guard<std::mutex> lock(mu_);
  ++calls_[Index(op)];
  return TakeLocked(faults_[Index(op)]);
}

Status CatalogFaults::BeforeUpdateMigration(const model::Migration& migration) {
  std::lock_guard<std::mutex> lock(mu_);
  ++calls_[Index(CatalogOp::kUpdateMigration)];
  if (model::IsTerminal(migration.status)) FERRY_RETURN_IF_ERROR(TakeLocked(final_updates_));
  return TakeLocked(faults_[Index(CatalogOp::kUpdateMigration)]);
}

using Store = FaultInjectingCatalogStore;

Status Store::InsertMigration(const model::Migration& migration) {
  FERRY_RETURN_IF_ERROR(faults_.Before(CatalogOp::kInsertMigration));
  return ForwardingCatalogStore::InsertMigration(migration);
}

Status Store::UpdateMigration(const model::Migration& migration) {
  FERRY_RETURN_IF_ERROR(faults_.BeforeUpdateMigration(migration));
  return ForwardingCatalogStore::UpdateMigration(migration);
}

Status Store::UpdateMigrationIf(const model::Migration& migration, const model::Migration& expected,
                                const std::vector<model::MigrationBatch>& batches) {
  FERRY_RETURN_IF_ERROR(faults_.Before(CatalogOp::kUpdateMigrationIf));
  return ForwardingCatalogStore::UpdateMigrationIf(migration, expected, batches);
}

Status Store::UpsertTask(const model::Task& task) {
  FERRY_RETURN_IF_ERROR(faults_.Before(CatalogOp::kUpsertTask));
  return ForwardingCatalogStore::UpsertTask(task);
}

Status Store::InsertMigrationBatches(const std::vector<model::MigrationBatch>& batches) {
  FERRY_RETURN_IF_ERROR(faults_.Before(CatalogOp::kInsertMigrationBatches));
  return ForwardingCatalogStore::InsertMigrationBatches(batches);
}

Status Store::ImportMigrationBatches(const std::vector<model::MigrationBatch>& batches) {
  FERRY_RETURN_IF_ERROR(faults_.Before(CatalogOp::kImportMigrationBatches));
  return ForwardingCatalogStore::ImportMigrationBatches(batches);
}

Result<std::vector<model::MigrationBatch>> Store::ListMigrationBatches(
    const std::string& migration_id, int64_t after_batch_no, int64_t limit) {
  auto page = ForwardingCatalogStore::ListMigrationBatches(migration_id, after_batch_no, limit);
  if (page.ok()) faults_.NoteBatchPage(*page);
  return page;
}

Status Store::UpdateMigrationBatch(const model::MigrationBatch& batch) {
  FERRY_RETURN_IF_ERROR(faults_.Before(CatalogOp::kUpdateMigrationBatch));
  return ForwardingCatalogStore::UpdateMigrationBatch(batch);
}

Result<model::BatchLease> Store::ClaimMigrationBatch(const std::string& migration_id,
                                                     int64_t batch_no, const std::string& owner,
                                                     TimestampMs now, int64_t ttl_ms) {
  FERRY_RETURN_IF_ERROR(faults_.Before(CatalogOp::kClaimMigrationBatch));
  return ForwardingCatalogStore::ClaimMigrationBatch(migration_id, batch_no, owner, now, ttl_ms);
}

Result<std::optional<model::ClaimedBatch>> Store::ClaimNextMigrationBatch(
    const std::string& migration_id, int tier, const std::string& owner, TimestampMs now,
    int64_t ttl_ms) {
  FERRY_RETURN_IF_ERROR(faults_.Before(CatalogOp::kClaimNextMigrationBatch));
  return ForwardingCatalogStore::ClaimNextMigrationBatch(migration_id, tier, owner, now, ttl_ms);
}

Result<model::BatchLease> Store::RenewBatchLease(const model::BatchLease& lease, TimestampMs now,
                                                 int64_t ttl_ms) {
  FERRY_RETURN_IF_ERROR(faults_.Before(CatalogOp::kRenewBatchLease));
  return ForwardingCatalogStore::RenewBatchLease(lease, now, ttl_ms);
}

Status Store::ReleaseBatchLease(const model::BatchLease& lease) {
  FERRY_RETURN_IF_ERROR(faults_.Before(CatalogOp::kReleaseBatchLease));
  return ForwardingCatalogStore::ReleaseBatchLease(lease);
}

Status Store::CompleteMigrationBatch(const model::BatchLease& lease,
                                     const model::MigrationBatch& batch,
                                     const std::vector<model::MigrationFailedItem>& failed,
                                     TimestampMs now) {
  FERRY_RETURN_IF_ERROR(faults_.Before(CatalogOp::kCompleteMigrationBatch));
  return ForwardingCatalogStore::CompleteMigrationBatch(lease, batch, failed, now);
}

Status Store::ImportMigrationFailedItems(const std::vector<model::MigrationFailedItem>& items) {
  FERRY_RETURN_IF_ERROR(faults_.Before(CatalogOp::kImportMigrationFailedItems));
  return ForwardingCatalogStore::ImportMigrationFailedItems(items);
}

Result<int64_t> Store::EnqueueWebhook(model::WebhookEvent event) {
  FERRY_RETURN_IF_ERROR(faults_.Before(CatalogOp::kEnqueueWebhook));
  return ForwardingCatalogStore::EnqueueWebhook(std::move(event));
}

Result<std::vector<model::WebhookEvent>> Store::ClaimDueWebhooks(TimestampMs now, int64_t limit,
                                                                 const std::string& owner,
                                                                 int64_t claim_ttl_ms) {
  FERRY_RETURN_IF_ERROR(faults_.Before(CatalogOp::kClaimDueWebhooks));
  return ForwardingCatalogStore::ClaimDueWebhooks(now, limit, owner, claim_ttl_ms);
}

Status Store::UpdateWebhook(const model::WebhookEvent& event, const std::string& owner) {
  FERRY_RETURN_IF_ERROR(faults_.Before(CatalogOp::kUpdateWebhook));
  return ForwardingCatalogStore::UpdateWebhook(event, owner);
}

}  // namespace ferry::storage::testing
