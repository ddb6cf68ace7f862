// Conformance: claiming the next free batch of a migration (ClaimNextMigrationBatch) and
// the lowest open tier: order, leased batches skipped, expired and released leases
// reclaimed, completed batches never returned, failed ones free again, the completing
// owner recorded, and concurrent claimers each getting a different batch.

#include <algorithm>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "storage/conformance/storage_conformance.h"

namespace ferry::storage::testing {
namespace {

constexpr int64_t kTtl = 1000;

model::MigrationBatch PlanBatch(const std::string& migration_id, int64_t no, int tier) {
  model::MigrationBatch b;
  b.migration_id = migration_id;
  b.batch_no = no;
  b.resource_id = std::string("col_").append(std::to_string(tier));
  b.resource_type = model::ResourceType::kCollection;
  b.tier = tier;
  b.item_ids = {std::string("doc_").append(std::to_string(no)), "doc_x"};
  return b;
}

// mig_1: batches 1..tiers.size(), batch i + 1 in tiers[i]; mig_2: one tier-0 batch.
void InsertPlan(CatalogStore& catalog, const std::vector<int>& tiers) {
  ASSERT_OK(catalog.InsertMigration(MinimalMigration("org_a", "mig_1")));
  ASSERT_OK(catalog.InsertMigration(MinimalMigration("org_a", "mig_2")));
  std::vector<model::MigrationBatch> plan;
  for (size_t i = 0; i < tiers.size(); ++i) {
    plan.push_back(PlanBatch("mig_1", static_cast<int64_t>(i) + 1, tiers[i]));
  }
  plan.push_back(PlanBatch("mig_2", 1, 0));
  ASSERT_OK(catalog.InsertMigrationBatches(plan));
}

// The batch number claimed, or 0 when nothing was free.
int64_t ClaimNo(CatalogStore& catalog, int tier, const std::string& owner, TimestampMs now,
                model::ClaimedBatch* out = nullptr) {
  auto claimed = catalog.ClaimNextMigrationBatch("mig_1", tier, owner, now, kTtl);
  EXPECT_TRUE(claimed.ok()) << claimed.status().ToString();
  if (!claimed.ok() || !claimed->has_value()) return 0;
  if (out != nullptr) *out = **claimed;
  return (*claimed)->batch.batch_no;
}

Status Finish(CatalogStore& catalog, const model::ClaimedBatch& c, const std::string& status,
              int64_t attempts) {
  model::MigrationBatch b = c.batch;
  b.status = status;
  b.attempts = attempts;
  return catalog.CompleteMigrationBatch(c.lease, b, {}, 10);
}

TEST_P(StorageConformanceTest, ClaimNextTakesTheTiersBatchesInOrderWithTheirPlan) {
  InsertPlan(catalog(), {0, 1, 0, 0, 1});
  model::ClaimedBatch first;
  EXPECT_EQ(ClaimNo(catalog(), 0, "w1", 100, &first), 1);
  EXPECT_EQ(first.batch.migration_id, "mig_1");
  EXPECT_EQ(first.batch.resource_id, "col_0");
  EXPECT_EQ(first.batch.resource_type, model::ResourceType::kCollection);
  EXPECT_EQ(first.batch.item_ids, (std::vector<std::string>{"doc_1", "doc_x"}));
  EXPECT_EQ(first.batch.status, "pending");
  EXPECT_EQ(first.lease.migration_id, "mig_1");
  EXPECT_EQ(first.lease.batch_no, 1);
  EXPECT_EQ(first.lease.owner, "w1");
  EXPECT_EQ(first.lease.expires_at, 100 + kTtl);
  EXPECT_GT(first.lease.token, 0);
  model::ClaimedBatch next;
  EXPECT_EQ(ClaimNo(catalog(), 0, "w1", 100, &next), 3);
  EXPECT_GT(next.lease.token, first.lease.token);
  EXPECT_EQ(ClaimNo(catalog(), 0, "w1", 100), 4);
  EXPECT_EQ(ClaimNo(catalog(), 0, "w1", 100), 0) << "tier 0 has no free batch left";
  EXPECT_EQ(ClaimNo(catalog(), 1, "w1", 100), 2);
  EXPECT_EQ(ClaimNo(catalog(), 1, "w1", 100), 5);
  EXPECT_EQ(ClaimNo(catalog(), 1, "w1", 100), 0);
  // mig_2's batch is its own.
  ASSERT_OK_AND_ASSIGN(auto other, catalog().ClaimNextMigrationBatch("mig_2", 0, "w1", 100, kTtl));
  ASSERT_TRUE(other.has_value());
  EXPECT_EQ(other->batch.migration_id, "mig_2");
  ASSERT_OK_AND_ASSIGN(auto none, catalog().ClaimNextMigrationBatch("mig_9", 0, "w1", 100, kTtl));
  EXPECT_FALSE(none.has_value());
}

TEST_P(StorageConformanceTest, ClaimNextSkipsLeasedBatchesAndReclaimsExpiredOnes) {
  InsertPlan(catalog(), {0, 0, 0});
  model::ClaimedBatch dead;
  ASSERT_EQ(ClaimNo(catalog(), 0, "w1", 100, &dead), 1);
  // Leased batches are skipped, whoever asks (the holder too).
  EXPECT_EQ(ClaimNo(catalog(), 0, "w2", 500), 2);
  EXPECT_EQ(ClaimNo(catalog(), 0, "w1", 600), 3);
  EXPECT_EQ(ClaimNo(catalog(), 0, "w2", 100 + kTtl - 1), 0);
  Restart();  // w1's process is gone; its leases stay until they expire
  model::ClaimedBatch again;
  EXPECT_EQ(ClaimNo(catalog(), 0, "w2", 100 + kTtl, &again), 1) << "an expired lease is free";
  EXPECT_EQ(again.lease.owner, "w2");
  EXPECT_GT(again.lease.token, dead.lease.token);
  EXPECT_EQ(STATUS_CODE(catalog().RenewBatchLease(dead.lease, 100 + kTtl, kTtl)),
            StatusCode::kLeaseLost);
  EXPECT_EQ(STATUS_CODE(Finish(catalog(), dead, "completed", 1)), StatusCode::kLeaseLost);
  // A released lease is free at once.
  ASSERT_OK(catalog().ReleaseBatchLease(again.lease));
  EXPECT_EQ(ClaimNo(catalog(), 0, "w3", 100 + kTtl + 1), 1);
}

TEST_P(StorageConformanceTest, ClaimNextNeverReturnsCompletedBatchesButFailedOnesAgain) {
  InsertPlan(catalog(), {0, 0, 1});
  ASSERT_OK_AND_ASSIGN(std::optional<int> open, catalog().LowestOpenMigrationTier("mig_1"));
  EXPECT_EQ(open, 0);
  model::ClaimedBatch one;
  model::ClaimedBatch two;
  ASSERT_EQ(ClaimNo(catalog(), 0, "w1", 100, &one), 1);
  ASSERT_EQ(ClaimNo(catalog(), 0, "w2", 100, &two), 2);
  ASSERT_OK(Finish(catalog(), one, "completed", 1));
  ASSERT_OK(Finish(catalog(), two, "failed", 3));  // its run exhausted its attempts
  ASSERT_OK_AND_ASSIGN(open, catalog().LowestOpenMigrationTier("mig_1"));
  EXPECT_EQ(open, 0) << "a failed batch keeps its tier open";
  // Batch 1 is never claimed again; batch 2 is, with its attempts so far.
  model::ClaimedBatch retry;
  EXPECT_EQ(ClaimNo(catalog(), 0, "w3", 99999, &retry), 2);
  EXPECT_EQ(retry.batch.status, "failed");
  EXPECT_EQ(retry.batch.attempts, 3);
  EXPECT_EQ(ClaimNo(catalog(), 0, "w3", 99999), 0);
  ASSERT_OK(Finish(catalog(), retry, "completed", 4));
  ASSERT_OK_AND_ASSIGN(open, catalog().LowestOpenMigrationTier("mig_1"));
  EXPECT_EQ(open, 1);
  EXPECT_EQ(ClaimNo(catalog(), 0, "w3", 99999 + 2 * kTtl), 0);
  // Whose lease completed each batch is recorded.
  ASSERT_OK_AND_ASSIGN(auto batches, catalog().ListMigrationBatches("mig_1", 0, 10));
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(batches[0].completed_by, "w1");
  EXPECT_EQ(batches[1].completed_by, "w3");
  EXPECT_EQ(batches[1].attempts, 4);
  EXPECT_EQ(batches[2].completed_by, std::nullopt);
  model::ClaimedBatch last;
  ASSERT_EQ(ClaimNo(catalog(), 1, "w2", 99999, &last), 3);
  ASSERT_OK(Finish(catalog(), last, "completed", 1));
  ASSERT_OK_AND_ASSIGN(open, catalog().LowestOpenMigrationTier("mig_1"));
  EXPECT_EQ(open, std::nullopt);
  ASSERT_OK_AND_ASSIGN(open, catalog().LowestOpenMigrationTier("mig_9"));
  EXPECT_EQ(open, std::nullopt);
}

// Several workers claim (and complete) until nothing is free: each batch exactly once.
TEST_P(StorageConformanceTest, ClaimNextConcurrentClaimersGetEachBatchOnce) {
  constexpr int kBatches = 60;
  constexpr int kThreads = 4;
  InsertPlan(catalog(), std::vector<int>(kBatches, 0));
  std::vector<std::vector<int64_t>> got(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t, &got] {
      const std::string owner = std::string("w").append(std::to_string(t));
      for (;;) {
        auto claimed = catalog().ClaimNextMigrationBatch("mig_1", 0, owner, 100, kTtl);
        EXPECT_TRUE(claimed.ok()) << claimed.status().ToString();
        if (!claimed.ok() || !claimed->has_value()) return;
        got[t].push_back((*claimed)->batch.batch_no);
        // Every other batch stays leased: claims skip leased and completed ones alike.
        if ((*claimed)->batch.batch_no % 2 == 0) {
          EXPECT_OK(Finish(catalog(), **claimed, "completed", 1));
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  std::vector<int64_t> all;
  for (const auto& g : got) all.insert(all.end(), g.begin(), g.end());
  std::sort(all.begin(), all.end());
  std::vector<int64_t> want(kBatches);
  for (int i = 0; i < kBatches; ++i) want[i] = i + 1;
  EXPECT_EQ(all, want) << "a batch was claimed twice or never";
  ASSERT_OK_AND_ASSIGN(auto batches, catalog().ListMigrationBatches("mig_1", 0, kBatches));
  for (const auto& b : batches) {
    if (b.batch_no % 2 != 0) continue;
    ASSERT_TRUE(b.completed_by.has_value());
    const auto& mine = got[std::stoi(b.completed_by->substr(1))];
    EXPECT_NE(std::find(mine.begin(), mine.end(), b.batch_no), mine.end());
  }
}

}  // namespace
}  // namespace ferry::storage::testing
