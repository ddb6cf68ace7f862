// PgCatalogStore::ClaimNextMigrationBatch against the throwaway cluster: the tier's
// batches in order, leased ones skipped (FOR UPDATE SKIP LOCKED and the lease test),
// expired ones reclaimed, the completing owner recorded, and concurrent claimers on
// separate connections each getting a different batch. (The shared conformance suite
// covers the rest once it runs on this backend.)

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "storage/postgres/pg_catalog_store.h"
#include "storage/postgres/pg_schema.h"
#include "storage/postgres/pg_test_support.h"

namespace ferry::storage::postgres {
namespace {

constexpr int64_t kTtl = 1000;

class PgBatchClaimsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.url = testing::TestClusterUrl();
    options_.schema = testing::UniqueSchema();
    options_.pool_size = 4;
    auto db = PgDb::Open(options_);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    std::shared_ptr<PgDb> shared = std::move(db).value();
    ASSERT_TRUE(MigrateSchema(*shared).ok());
    catalog_ = std::make_unique<PgCatalogStore>(shared, std::string(32, 'k'));
    model::Migration m;
    m.migration_id = "mig_1";
    m.org_id = "org_a";
    m.config.source_namespace_id = "ns_source";
    m.created_at = 1;
    Status st = catalog_->InsertMigration(m);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  void TearDown() override {
    catalog_.reset();
    testing::DropSchema(options_.url, options_.schema);
  }

  // Batches 1..tiers.size() of mig_1, batch i + 1 in tiers[i].
  void InsertPlan(const std::vector<int>& tiers) {
    std::vector<model::MigrationBatch> plan;
    for (size_t i = 0; i < tiers.size(); ++i) {
      model::MigrationBatch b;
      b.migration_id = "mig_1";
      b.batch_no = static_cast<int64_t>(i) + 1;
      b.resource_id = "col_a";
      b.resource_type = model::ResourceType::kCollection;
      b.tier = tiers[i];
      b.item_ids = {std::string("doc_").append(std::to_string(i + 1))};
      plan.push_back(b);
    }
    Status st = catalog_->InsertMigrationBatches(plan);
    ASSERT_TRUE(st.ok()) << st.ToString();
  }

  // The batch number claimed, or 0 when nothing was free.
  int64_t ClaimNo(int tier, const std::string& owner, TimestampMs now,
                  model::ClaimedBatch* out = nullptr) {
    auto claimed = catalog_->ClaimNextMigrationBatch("mig_1", tier, owner, now, kTtl);
    EXPECT_TRUE(claimed.ok()) << claimed.status().ToString();
    if (!claimed.ok() || !claimed->has_value()) return 0;
    if (out != nullptr) *out = **claimed;
    return (*claimed)->batch.batch_no;
  }

  PgOptions options_;
  std::unique_ptr<PgCatalogStore> catalog_;
};

TEST_F(PgBatchClaimsTest, ClaimsTheTiersFreeBatchesInOrderAndRecordsWhoCompleted) {
  InsertPlan({0, 1, 0, 0});
  model::ClaimedBatch first;
  ASSERT_EQ(ClaimNo(0, "w1", 100, &first), 1);
  EXPECT_EQ(first.batch.item_ids, std::vector<std::string>{"doc_1"});
  EXPECT_EQ(first.lease.owner, "w1");
  EXPECT_EQ(first.lease.expires_at, 100 + kTtl);
  model::ClaimedBatch second;
  ASSERT_EQ(ClaimNo(0, "w2", 100, &second), 3);
  EXPECT_GT(second.lease.token, first.lease.token);
  EXPECT_EQ(ClaimNo(0, "w2", 100), 4);
  EXPECT_EQ(ClaimNo(0, "w2", 100 + kTtl - 1), 0);
  model::ClaimedBatch again;
  ASSERT_EQ(ClaimNo(0, "w3", 100 + kTtl, &again), 1) << "expired leases are free";
  EXPECT_GT(again.lease.token, second.lease.token);
  model::MigrationBatch done = again.batch;
  done.status = "completed";
  ASSERT_TRUE(catalog_->CompleteMigrationBatch(first.lease, done, {}, 5).code() ==
              StatusCode::kLeaseLost);
  ASSERT_TRUE(catalog_->CompleteMigrationBatch(again.lease, done, {}, 5).ok());
  EXPECT_EQ(ClaimNo(0, "w3", 99999), 3) << "batch 1 is completed, 3 and 4 expired";
  auto tier = catalog_->LowestOpenMigrationTier("mig_1");
  ASSERT_TRUE(tier.ok());
  EXPECT_EQ(*tier, 0);
  auto batches = catalog_->ListMigrationBatches("mig_1", 0, 10);
  ASSERT_TRUE(batches.ok());
  ASSERT_EQ(batches->size(), 4u);
  EXPECT_EQ((*batches)[0].completed_by, "w3");
  EXPECT_EQ((*batches)[1].completed_by, std::nullopt);
}

TEST_F(PgBatchClaimsTest, ConcurrentClaimersGetEachBatchOnce) {
  constexpr int kBatches = 40;
  constexpr int kThreads = 4;
  InsertPlan(std::vector<int>(kBatches, 0));
  std::vector<std::vector<int64_t>> got(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([this, t, &got] {
      const std::string owner = std::string("w").append(std::to_string(t));
      for (;;) {
        auto claimed = catalog_->ClaimNextMigrationBatch("mig_1", 0, owner, 100, kTtl);
        EXPECT_TRUE(claimed.ok()) << claimed.status().ToString();
        if (!claimed.ok() || !claimed->has_value()) return;
        got[t].push_back((*claimed)->batch.batch_no);
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
}

}  // namespace
}  // namespace ferry::storage::postgres
