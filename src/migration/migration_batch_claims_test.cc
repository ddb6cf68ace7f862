// batch_processing pulls its work: each worker claims the next free batch of the tier
// from the catalog, so a batch that another worker (here: "another process", the test)
// holds under a lease is left to it while this run does the rest of the tier, and is run
// here once that lease is released. Held mid-batch by the fault-injecting gate.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "migration/migration_test_fixture.h"

namespace ferry::migration::testing_support {
namespace {

constexpr auto kDeadline = std::chrono::seconds(60);

class MigrationBatchClaimsTest : public MigrationRunnerTest {
 protected:
  std::vector<model::MigrationBatch> Batches(const std::string& id) {
    return Take(storage_->catalog().ListMigrationBatches(id, 0, 1000));
  }

  // Whether every batch of `tier` other than `except` is completed.
  bool TierDoneBut(const std::string& id, int tier, int64_t except) {
    for (const auto& b : Batches(id)) {
      if (b.tier == tier && b.batch_no != except && b.status != "completed") return false;
    }
    return true;
  }

  // Starts a copy on one worker, held inside its first document batch; returns its id.
  std::string StartHeld() {
    MakeSource();
    model::MigrationConfig config = Config(MigrationType::kCopy);
    config.batch_options->max_workers = 1;
    std::string id = CreateDraft(config);
    faults_ = &storage_->Faults(MapId(id, source_.ns.namespace_id, false));
    faults_->CloseGate();  // holds the first document batch (the bucket's tier goes through)
    EXPECT_TRUE(migrations_->Start(caller_, id, false).ok());
    faults_->WaitUntilBlocked(1);
    return id;
  }

  // Opens the gate and expects the run to complete every batch of `tier` but `held`
  // (leased by another worker), and nothing of a later tier.
  void ExpectTierDoneAroundHeld(const std::string& id, int tier, int64_t held) {
    faults_->OpenGate();
    const auto deadline = std::chrono::steady_clock::now() + kDeadline;
    while (!TierDoneBut(id, tier, held) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));  // a pause between polls
    }
    ASSERT_TRUE(TierDoneBut(id, tier, held)) << "the run waited for the held batch";
    for (const auto& b : Batches(id)) {
      if (b.batch_no == held) {
        EXPECT_EQ(b.status, "pending");
      }
      if (b.tier > tier) {
        EXPECT_EQ(b.status, "pending") << "a later tier started early";
      }
    }
    EXPECT_EQ(Take(migrations_->Get(caller_, id)).status, MigrationStatus::kInProgress);
  }

  // After the other worker released its lease: the run claimed the batch, and the
  // migration completed with an exact target, every batch completed by the run's owner.
  void ExpectCompletedByTheRun(const std::string& id) {
    runner_->WaitIdle();
    model::Migration m = Take(migrations_->Get(caller_, id));
    ExpectCompletedProgress(m);
    auto target = Target(m);
    ASSERT_NE(target, nullptr);
    EXPECT_EQ(Take(target->CountObjects(MapId(id, bucket_.bucket_id, false))), kObjects);
    EXPECT_EQ(Take(target->CountDocuments(MapId(id, sentences_.collection_id, false))),
              2 * kObjects);
    EXPECT_EQ(Take(target->CountDocuments(MapId(id, chained_.collection_id, false))), 2 * kObjects);
    std::set<std::string> owners;
    for (const auto& b : Batches(id)) owners.insert(b.completed_by.value_or("-"));
    ASSERT_EQ(owners.size(), 1u);
    EXPECT_EQ(*owners.begin(), MigrationRunnerOptions{}.owner) << "the process's owner name";
  }

  storage::testing::FaultInjection* faults_ = nullptr;
};

TEST_F(MigrationBatchClaimsTest, BatchHeldByAnotherWorkerIsLeftToItWhileTheRestRuns) {
  std::string id = StartHeld();
  // Another worker claims the next free batch of the tier being run.
  auto& catalog = storage_->catalog();
  std::optional<int> tier = Take(catalog.LowestOpenMigrationTier(id));
  ASSERT_TRUE(tier.has_value());
  auto other =
      Take(catalog.ClaimNextMigrationBatch(id, *tier, "wrk_other", clock_.NowMs(), 3'600'000));
  ASSERT_TRUE(other.has_value()) << "the tier has a second batch";
  ExpectTierDoneAroundHeld(id, *tier, other->batch.batch_no);
  // The other worker gives the batch up: this run claims it and finishes the migration.
  ASSERT_TRUE(catalog.ReleaseBatchLease(other->lease).ok());
  ExpectCompletedByTheRun(id);
}

// The run's worker stalls past its lease (held at the gate) and another worker takes
// the batch over: the stalled worker's completion is refused, and it leaves the batch to
// its new holder instead of waiting to claim it back.
TEST_F(MigrationBatchClaimsTest, WorkerWhoseLeaseWasTakenOverLeavesTheBatchToItsNewHolder) {
  std::string id = StartHeld();
  auto& catalog = storage_->catalog();
  std::optional<int> tier = Take(catalog.LowestOpenMigrationTier(id));
  ASSERT_TRUE(tier.has_value());
  int64_t held = 0;  // the batch the worker is in: the tier's first
  for (const auto& b : Batches(id)) {
    if (b.tier == *tier && held == 0) held = b.batch_no;
  }
  // Taken over at a time past any renewal the worker made (leases last 10 s).
  auto other =
      Take(catalog.ClaimMigrationBatch(id, held, "wrk_other", clock_.NowMs() + 60'000, 3'600'000));
  ExpectTierDoneAroundHeld(id, *tier, held);
  ASSERT_TRUE(catalog.ReleaseBatchLease(other).ok());
  ExpectCompletedByTheRun(id);
}

}  // namespace
}  // namespace ferry::migration::testing_support
