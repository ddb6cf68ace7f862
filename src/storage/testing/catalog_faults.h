#pragma once
// Catalog fault injection for tests: FaultInjectingCatalogStore wraps a CatalogStore,
// forwards everything (ForwardingCatalogStore) and lets a test fail chosen write
// operations — the next N calls of one, every call from some point on, or only the
// UpdateMigration calls that record a migration's end — so the paths that handle a
// catalog error are tested, not hoped for. A failed call writes nothing. Reads are never
// affected, only the size of plan pages is noted. Thread-safe.

#include <array>
#include <cstdint>
#include <mutex>
#include <vector>

#include "storage/forwarding_catalog_store.h"

namespace ferry::storage::testing {

// The catalog operations whose failure can be injected.
enum class CatalogOp {
  kInsertMigration,
  kUpdateMigration,
  kUpdateMigrationIf,
  kUpsertTask,
  kInsertMigrationBatches,
  kUpdateMigrationBatch,
  kClaimMigrationBatch,
  kClaimNextMigrationBatch,
  kRenewBatchLease,
  kReleaseBatchLease,
  kCompleteMigrationBatch,
  kImportMigrationBatches,
  kImportMigrationFailedItems,
  kEnqueueWebhook,
  kUpdateWebhook,
  kClaimDueWebhooks,
};
inline constexpr int kCatalogOpCount = static_cast<int>(CatalogOp::kClaimDueWebhooks) + 1;

class CatalogFaults {
 public:
  // A `count` meaning "every call from then on".
  static constexpr int kEveryCall = -1;

  // After `skip` more calls of `op` that go through, the next `count` calls (kEveryCall:
  // all of them) fail with `status`. Replaces an earlier fault of `op`.
  void Fail(CatalogOp op, Status status, int count = 1, int skip = 0);
  // The next `count` UpdateMigration calls that write a terminal status (completed,
  // failed, cancelled) fail with `status`; other UpdateMigration calls go through.
  void FailFinalMigrationUpdates(Status status, int count = kEveryCall);
  // Removes every injected fault.
  void Clear();

  // Calls of `op` so far, failed ones included.
  int64_t calls(CatalogOp op) const;
  // The most item ids one ListMigrationBatches answer held so far (what a reader of a
  // plan holds at once).
  int64_t largest_batch_page_items() const;
  // Hook used by FaultInjectingCatalogStore: accounts for one answered page.
  void NoteBatchPage(const std::vector<model::MigrationBatch>& page);

  // Hooks used by FaultInjectingCatalogStore: account for the call and return the
  // injected failure (OK to proceed).
  Status Before(CatalogOp op);
  Status BeforeUpdateMigration(const model::Migration& migration);

 private:
  struct Fault {
    int skip = 0;
    int count = 0;  // kEveryCall or how many calls still fail
    Status status;
  };
  // Under mu_: consumes one call of `fault`; its status when this call fails.
  static Status TakeLocked(Fault& fault);

  mutable std::mutex mu_;
  std::array<Fault, kCatalogOpCount> faults_;
  std::array<int64_t, kCatalogOpCount> calls_{};
  Fault final_updates_;
  int64_t largest_batch_page_items_ = 0;
};

// Forwards to `target` (not owned); the faultable writes first consult `faults`.
class FaultInjectingCatalogStore final : public ForwardingCatalogStore {
 public:
  FaultInjectingCatalogStore(CatalogStore& target, CatalogFaults& faults)
      : ForwardingCatalogStore(target), faults_(faults) {}

  Status InsertMigration(const model::Migration& migration) override;
  Status UpdateMigration(const model::Migration& migration) override;
  Status UpdateMigrationIf(const model::Migration& migration, const model::Migration& expected,
                           const std::vector<model::MigrationBatch>& batches) override;
  Status UpsertTask(const model::Task& task) override;
  Status InsertMigrationBatches(const std::vector<model::MigrationBatch>& batches) override;
  Status ImportMigrationBatches(const std::vector<model::MigrationBatch>& batches) override;
  Result<std::vector<model::MigrationBatch>> ListMigrationBatches(const std::string& migration_id,
                                                                  int64_t after_batch_no,
                                                                  int64_t limit) override;
  Status UpdateMigrationBatch(const model::MigrationBatch& batch) override;
  Result<std::optional<model::ClaimedBatch>> ClaimNextMigrationBatch(
      const std::string& migration_id, int tier, const std::string& owner, TimestampMs now,
      int64_t ttl_ms) override;
  Result<model::BatchLease> ClaimMigrationBatch(const std::string& migration_id, int64_t batch_no,
                                                const std::string& owner, TimestampMs now,
                                                int64_t ttl_ms) override;
  Result<model::BatchLease> RenewBatchLease(const model::BatchLease& lease, TimestampMs now,
                                            int64_t ttl_ms) override;
  Status ReleaseBatchLease(const model::BatchLease& lease) override;
  Status CompleteMigrationBatch(const model::BatchLease& lease, const model::MigrationBatch& batch,
                                const std::vector<model::MigrationFailedItem>& failed,
                                TimestampMs now) override;
  Status ImportMigrationFailedItems(const std::vector<model::MigrationFailedItem>& items) override;
  Result<int64_t> EnqueueWebhook(model::WebhookEvent event) override;
  Result<std::vector<model::WebhookEvent>> ClaimDueWebhooks(TimestampMs now, int64_t limit,
                                                            const std::string& owner,
                                                            int64_t claim_ttl_ms) override;
  Status UpdateWebhook(const model::WebhookEvent& event, const std::string& owner) override;

 private:
  CatalogFaults& faults_;
};

}  // namespace ferry::storage::testing
