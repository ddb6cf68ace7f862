// Conformance: run leases of migrations (MigrationRunStore) — one holder at a time,
// expiry and release, a restarted owner taking its runs back, which migrations are
// runnable or joinable, a cancel seen at the next renewal of run and batch leases, and a
// stored cancelled status that only a cancelled state replaces.

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "storage/conformance/storage_conformance.h"

namespace ferry::storage::testing {
namespace {

constexpr int64_t kTtl = 1000;

model::Migration WithStatus(const std::string& id, model::MigrationStatus status,
                            TimestampMs created) {
  model::Migration m = MinimalMigration("org_a", id);
  m.status = status;
  m.created_at = created;
  return m;
}

std::vector<std::string> Ids(const Result<std::vector<model::MigrationRef>>& refs) {
  EXPECT_TRUE(refs.ok()) << refs.status().ToString();
  std::vector<std::string> out;
  if (refs.ok()) {
    for (const auto& r : *refs) out.push_back(r.migration_id);
  }
  return out;
}

model::MigrationBatch OpenBatch(const std::string& migration_id, int64_t no) {
  model::MigrationBatch b;
  b.migration_id = migration_id;
  b.batch_no = no;
  b.resource_id = "col_1";
  b.resource_type = model::ResourceType::kCollection;
  b.item_ids = {"doc_1"};
  return b;
}

TEST_P(StorageConformanceTest, OneProcessRunsAMigrationUntilItsRunLeaseExpiresOrIsReleased) {
  using S = model::MigrationStatus;
  ASSERT_OK(catalog().InsertMigration(WithStatus("mig_1", S::kPending, 1)));
  ASSERT_OK(catalog().InsertMigration(WithStatus("mig_2", S::kDraft, 2)));
  ASSERT_OK_AND_ASSIGN(model::RunLease first,
                       catalog().ClaimMigrationRun("mig_1", "p1", 100, kTtl));
  EXPECT_EQ(first.owner, "p1");
  EXPECT_EQ(first.expires_at, 100 + kTtl);
  EXPECT_EQ(STATUS_CODE(catalog().ClaimMigrationRun("mig_1", "p2", 200, kTtl)),
            StatusCode::kUnavailable);
  EXPECT_EQ(STATUS_CODE(catalog().ClaimMigrationRun("mig_2", "p1", 200, kTtl)),
            StatusCode::kFailedPrecondition)
      << "a draft is not run";
  EXPECT_EQ(STATUS_CODE(catalog().ClaimMigrationRun("mig_9", "p1", 200, kTtl)),
            StatusCode::kNotFound);
  // Renewed, it outlives its first expiry; then it lapses and another process takes over.
  ASSERT_OK_AND_ASSIGN(model::RunLease renewed,
                       catalog().RenewMigrationRun(first, 100 + kTtl - 1, kTtl));
  EXPECT_EQ(STATUS_CODE(catalog().ClaimMigrationRun("mig_1", "p2", 100 + kTtl + 1, kTtl)),
            StatusCode::kUnavailable);
  ASSERT_OK_AND_ASSIGN(model::RunLease taken,
                       catalog().ClaimMigrationRun("mig_1", "p2", renewed.expires_at, kTtl));
  EXPECT_GT(taken.token, first.token);
  EXPECT_EQ(STATUS_CODE(catalog().RenewMigrationRun(renewed, renewed.expires_at, kTtl)),
            StatusCode::kLeaseLost);
  EXPECT_EQ(STATUS_CODE(catalog().ReleaseMigrationRun(renewed)), StatusCode::kLeaseLost);
  // The same owner takes its run back at once (a restarted process); a released run is free.
  Restart();
  ASSERT_OK_AND_ASSIGN(model::RunLease again,
                       catalog().ClaimMigrationRun("mig_1", "p2", taken.expires_at - 1, kTtl));
  EXPECT_GT(again.token, taken.token);
  ASSERT_OK(catalog().ReleaseMigrationRun(again));
  EXPECT_OK(catalog().ClaimMigrationRun("mig_1", "p3", again.expires_at - 1, kTtl).status());
}

TEST_P(StorageConformanceTest, RunnableAndJoinableMigrationsFollowTheirLeases) {
  using S = model::MigrationStatus;
  ASSERT_OK(catalog().InsertMigration(WithStatus("mig_a", S::kInProgress, 1)));
  ASSERT_OK(catalog().InsertMigration(WithStatus("mig_b", S::kPending, 2)));
  ASSERT_OK(catalog().InsertMigration(WithStatus("mig_c", S::kCompleted, 3)));
  ASSERT_OK(catalog().InsertMigration(WithStatus("mig_d", S::kInProgress, 4)));
  ASSERT_OK(catalog().InsertMigrationBatches(
      {OpenBatch("mig_a", 1), OpenBatch("mig_a", 2), OpenBatch("mig_d", 1)}));
  EXPECT_EQ(Ids(catalog().ListRunnableMigrations("p1", 100, 10)),
            (std::vector<std::string>{"mig_a", "mig_b", "mig_d"}));
  EXPECT_EQ(Ids(catalog().ListRunnableMigrations("p1", 100, 2)),
            (std::vector<std::string>{"mig_a", "mig_b"}));
  EXPECT_TRUE(Ids(catalog().ListJoinableMigrations("p2", 100, 10)).empty()) << "nobody runs them";
  ASSERT_OK(catalog().ClaimMigrationRun("mig_a", "p1", 100, kTtl).status());
  ASSERT_OK(catalog().ClaimMigrationRun("mig_d", "p1", 100, kTtl).status());
  EXPECT_EQ(Ids(catalog().ListRunnableMigrations("p1", 200, 10)),
            (std::vector<std::string>{"mig_a", "mig_b", "mig_d"}))
      << "its own runs stay runnable for their owner";
  EXPECT_EQ(Ids(catalog().ListRunnableMigrations("p2", 200, 10)),
            (std::vector<std::string>{"mig_b"}));
  EXPECT_EQ(Ids(catalog().ListJoinableMigrations("p2", 200, 10)),
            (std::vector<std::string>{"mig_a", "mig_d"}));
  EXPECT_TRUE(Ids(catalog().ListJoinableMigrations("p1", 200, 10)).empty()) << "its own";
  // A migration whose open batches are all leased has nothing to join.
  ASSERT_OK(catalog().ClaimNextMigrationBatch("mig_d", 0, "p1", 200, kTtl).status());
  EXPECT_EQ(Ids(catalog().ListJoinableMigrations("p2", 300, 10)),
            (std::vector<std::string>{"mig_a"}));
  // An expired run is runnable by anyone and joinable by no one.
  EXPECT_EQ(Ids(catalog().ListRunnableMigrations("p2", 100 + kTtl, 10)),
            (std::vector<std::string>{"mig_a", "mig_b", "mig_d"}));
  EXPECT_TRUE(Ids(catalog().ListJoinableMigrations("p2", 100 + kTtl, 10)).empty());
}

TEST_P(StorageConformanceTest, ACancelIsFinalAndStopsRunAndBatchLeaseHolders) {
  using S = model::MigrationStatus;
  ASSERT_OK(catalog().InsertMigration(WithStatus("mig_1", S::kInProgress, 1)));
  ASSERT_OK(catalog().InsertMigrationBatches({OpenBatch("mig_1", 1)}));
  ASSERT_OK_AND_ASSIGN(model::RunLease run, catalog().ClaimMigrationRun("mig_1", "p1", 100, kTtl));
  ASSERT_OK_AND_ASSIGN(auto batch, catalog().ClaimNextMigrationBatch("mig_1", 0, "p2", 100, kTtl));
  ASSERT_TRUE(batch.has_value());
  // Another process records the cancel.
  model::Migration cancelled = WithStatus("mig_1", S::kCancelled, 1);
  cancelled.error_message = "stop";
  ASSERT_OK(catalog().UpdateMigration(cancelled));
  EXPECT_EQ(STATUS_CODE(catalog().RenewMigrationRun(run, 200, kTtl)), StatusCode::kCancelled);
  EXPECT_EQ(STATUS_CODE(catalog().RenewBatchLease(batch->lease, 200, kTtl)),
            StatusCode::kCancelled);
  // The coordinator, still running, cannot write its in_progress state over it …
  EXPECT_EQ(STATUS_CODE(catalog().UpdateMigration(WithStatus("mig_1", S::kInProgress, 1))),
            StatusCode::kCancelled);
  ASSERT_OK_AND_ASSIGN(model::Migration stored, catalog().GetMigration("org_a", "mig_1"));
  EXPECT_EQ(stored.status, S::kCancelled);
  EXPECT_EQ(stored.error_message, "stop");
  // … but may record its own cancelled end over it; and a cancelled run is not claimable.
  model::Migration final_state = WithStatus("mig_1", S::kCancelled, 1);
  final_state.completed_at = 300;
  ASSERT_OK(catalog().UpdateMigration(final_state));
  EXPECT_EQ(STATUS_CODE(catalog().ClaimMigrationRun("mig_1", "p3", 400, kTtl)),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(STATUS_CODE(catalog().UpdateMigration(WithStatus("mig_9", S::kInProgress, 1))),
            StatusCode::kNotFound);
}

// A cancel read the migration running, and the migration ended before the cancel was
// written (it ran on another process): the end stands.
TEST_P(StorageConformanceTest, ACancelNeverReplacesACompletedOrFailedEnd) {
  using S = model::MigrationStatus;
  for (S end : {S::kCompleted, S::kFailed}) {
    const std::string id = std::string("mig_") + model::MigrationStatusName(end);
    ASSERT_OK(catalog().InsertMigration(WithStatus(id, S::kInProgress, 1)));
    model::Migration ended = WithStatus(id, end, 1);
    ended.completed_at = 500;
    ASSERT_OK(catalog().UpdateMigration(ended));
    model::Migration stale = WithStatus(id, S::kCancelled, 1);
    stale.error_message = "late cancel";
    EXPECT_EQ(STATUS_CODE(catalog().UpdateMigration(stale)), StatusCode::kFailedPrecondition);
    ASSERT_OK_AND_ASSIGN(model::Migration stored, catalog().GetMigration("org_a", id));
    EXPECT_EQ(stored.status, end);
    EXPECT_EQ(stored.completed_at, std::optional<TimestampMs>(500));
    EXPECT_NE(stored.error_message, std::optional<std::string>("late cancel"));
  }
  // A failed migration may still be taken up again (retry).
  ASSERT_OK(catalog().UpdateMigration(WithStatus("mig_failed", S::kPending, 1)));
}

TEST_P(StorageConformanceTest, ConcurrentClaimersOfARunGetItOnce) {
  ASSERT_OK(catalog().InsertMigration(WithStatus("mig_1", model::MigrationStatus::kPending, 1)));
  std::vector<std::thread> threads;
  std::mutex mu;
  std::set<std::string> winners;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      auto lease = catalog().ClaimMigrationRun("mig_1", "p" + std::to_string(i), 100, kTtl);
      if (lease.ok()) {
        std::lock_guard<std::mutex> lock(mu);
        winners.insert(lease->owner);
      } else {
        EXPECT_EQ(lease.status().code(), StatusCode::kUnavailable) << lease.status().ToString();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(winners.size(), 1u);
}

}  // namespace
}  // namespace ferry::storage::testing
