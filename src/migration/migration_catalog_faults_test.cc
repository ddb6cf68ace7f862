// Catalog writes that fail during a run (injected through the fault-injecting catalog):
// a migration is never reported finished unless its final state was written, a passing
// error in the writes that record its end, its task, a failed batch or a released lease
// is retried, and nothing is left leased that a retry would wait for.
#include <gtest/gtest.h>

#include "migration/catalog_writes.h"
#include "migration/migration_test_fixture.h"

namespace ferry::migration::testing_support {
namespace {

using storage::testing::CatalogFaults;
using storage::testing::CatalogOp;

class MigrationCatalogFaultsTest : public MigrationRunnerTest {
 protected:
  CatalogFaults& catalog_faults() { return storage_->catalog_faults(); }

  // The migration as the catalog has it.
  model::Migration Stored(const std::string& id) {
    return std::move(storage_->catalog().GetMigration(caller_.org_id, id)).value();
  }

  model::TaskStatus StoredTaskStatus(const std::string& id) {
    model::Migration m = Stored(id);
    EXPECT_TRUE(m.task_id.has_value());
    return std::move(storage_->catalog().GetTask(caller_.org_id, m.task_id.value_or("")))
        .value()
        .status;
  }

  // Starts a copy whose target's document writes are held at the gate until `between`
  // (what the test injects meanwhile) has run, and waits for the run to end.
  std::string RunHeld(const std::function<void(const std::string& id)>& between) {
    model::MigrationConfig config = Config(MigrationType::kCopy);
    std::string id = CreateDraft(config);
    auto& faults = storage_->Faults(MapId(id, source_.ns.namespace_id, false));
    faults.CloseGate();
    EXPECT_TRUE(migrations_->Start(caller_, id, /*force=*/true).ok());
    faults.WaitUntilBlocked(static_cast<int>(config.batch_options->max_workers));
    between(id);
    faults.OpenGate();
    runner_->WaitIdle();
    return id;
  }

  // No batch of the plan is left leased: another worker can claim each at once (or it
  // is completed).
  void ExpectNoBatchLeased(const std::string& id) {
    auto batches = Take(storage_->catalog().ListMigrationBatches(id, 0, 1000));
    ASSERT_FALSE(batches.empty());
    for (const auto& b : batches) {
      auto claim =
          storage_->catalog().ClaimMigrationBatch(id, b.batch_no, "other", clock_.NowMs(), 1000);
      EXPECT_NE(claim.ok() ? StatusCode::kOk : claim.status().code(), StatusCode::kUnavailable)
          << "batch " << b.batch_no << " is still leased";
    }
  }
};

TEST_F(MigrationCatalogFaultsTest, AFinalStateWriteFailingOnceIsRetried) {
  MakeSource();
  catalog_faults().FailFinalMigrationUpdates(Status::Unavailable("injected"), 1);
  model::Migration m = Run(Config(MigrationType::kCopy));
  ExpectCompletedProgress(m);
  EXPECT_EQ(Stored(m.migration_id).status, MigrationStatus::kCompleted);
  EXPECT_EQ(StoredTaskStatus(m.migration_id), model::TaskStatus::kCompleted);
}

TEST_F(MigrationCatalogFaultsTest, ARunWhoseEndCannotBeWrittenIsNotReportedFinished) {
  MakeSource();
  catalog_faults().FailFinalMigrationUpdates(Status::Unavailable("injected"),
                                             CatalogFaults::kEveryCall);
  model::Migration m = Run(Config(MigrationType::kCopy));
  EXPECT_EQ(Stored(m.migration_id).status, MigrationStatus::kInProgress);
  EXPECT_EQ(StoredTaskStatus(m.migration_id), model::TaskStatus::kInProgress);

  // Once the catalog takes writes again, a restart resumes and ends it.
  catalog_faults().Clear();
  ASSERT_TRUE(runner_->Recover().ok());
  runner_->WaitIdle();
  ExpectCompletedProgress(Stored(m.migration_id));
  EXPECT_EQ(StoredTaskStatus(m.migration_id), model::TaskStatus::kCompleted);
}

TEST_F(MigrationCatalogFaultsTest, ATaskWriteFailingOnceAtTheEndIsRetried) {
  MakeSource();
  // Held at the gate, the run has written its task's in_progress; the next task write
  // is the end's.
  std::string id = RunHeld([&](const std::string&) {
    catalog_faults().Fail(CatalogOp::kUpsertTask, Status::Unavailable("injected"), 1);
  });
  EXPECT_EQ(Stored(id).status, MigrationStatus::kCompleted);
  EXPECT_EQ(StoredTaskStatus(id), model::TaskStatus::kCompleted);
}

TEST_F(MigrationCatalogFaultsTest, AFailedBatchIsRecordedDespiteAPassingError) {
  MakeSource();
  // Every object copy fails for good, so the first batch outcome written is a failure.
  model::MigrationConfig config = Config(MigrationType::kCopy);
  std::string id = CreateDraft(config);
  storage_->Faults(MapId(id, source_.ns.namespace_id, false))
      .FailNextObjectUpserts(1000, Status::InvalidArgument("injected"));
  catalog_faults().Fail(CatalogOp::kCompleteMigrationBatch, Status::Unavailable("injected"), 1);
  ASSERT_TRUE(migrations_->Start(caller_, id, /*force=*/true).ok());
  runner_->WaitIdle();
  EXPECT_EQ(Stored(id).status, MigrationStatus::kFailed);
  auto batches = Take(storage_->catalog().ListMigrationBatches(id, 0, 1000));
  EXPECT_TRUE(std::any_of(batches.begin(), batches.end(),
                          [](const model::MigrationBatch& b) { return b.status == "failed"; }));
  ExpectNoBatchLeased(id);
}

TEST_F(MigrationCatalogFaultsTest, AStoppedBatchReleasesItsLeaseDespiteAPassingError) {
  MakeSource();
  // Held batches are stopped in their write (Cancelled) and give their leases up; the
  // first release fails once.
  std::string id = RunHeld([&](const std::string& migration_id) {
    storage_->Faults(MapId(migration_id, source_.ns.namespace_id, false))
        .FailNextDocumentUpserts(1000, Status::Cancelled("stopped"));
    catalog_faults().Fail(CatalogOp::kReleaseBatchLease, Status::Unavailable("injected"), 1);
  });
  EXPECT_GT(catalog_faults().calls(CatalogOp::kReleaseBatchLease), 0);
  EXPECT_EQ(Stored(id).status, MigrationStatus::kCancelled);
  ExpectNoBatchLeased(id);
}

// A run reads its plan (the tally of what earlier attempts completed, the slices'
// checksums in finalization) a few batches at a time: every batch carries its item ids,
// so a page of hundreds of batches holds hundreds of thousands of ids at once (at 1M
// documents, ~30 MiB of the copy's memory high-water).
TEST_F(MigrationCatalogFaultsTest, ARunReadsItsPlanAFewBatchesAtATime) {
  MakeSource();
  model::MigrationConfig config = Config(MigrationType::kCopy);
  config.batch_options = model::BatchOptions{2, 2, true};
  model::Migration m = Run(config);
  ASSERT_EQ(m.status, MigrationStatus::kCompleted) << m.error_message.value_or("");
  const int64_t largest = catalog_faults().largest_batch_page_items();
  auto batches = Take(storage_->catalog().ListMigrationBatches(m.migration_id, -1, 1000));
  ASSERT_GT(static_cast<int64_t>(batches.size()), 2 * storage::kMigrationBatchPage);
  EXPECT_GT(largest, 0);
  EXPECT_LE(largest, 2 * storage::kMigrationBatchPage);
}

TEST_F(MigrationCatalogFaultsTest, AnEnqueueWhileRunningDoesNotStartASecondRun) {
  MakeSource();
  int64_t task_writes = 0;
  std::string id = RunHeld([&](const std::string& id) {
    task_writes = catalog_faults().calls(CatalogOp::kUpsertTask);
    // What the poller or a retry does on finding the migration pending or in progress.
    EXPECT_TRUE(runner_->Enqueue(caller_.org_id, id));
  });
  ExpectCompletedProgress(Stored(id));
  EXPECT_EQ(StoredTaskStatus(id), model::TaskStatus::kCompleted);
  // One run, which wrote its task once more (its end). A second coordinator would have
  // written in_progress too, and could write it over the end.
  EXPECT_EQ(catalog_faults().calls(CatalogOp::kUpsertTask) - task_writes, 1);
}

TEST_F(MigrationCatalogFaultsTest, ARunEnqueuedAgainLooksAgainAtItsEnd) {
  MakeSource();
  std::string id = RunHeld([&](const std::string& id) {
    // This run's end is not written (it stays in progress); enqueued meanwhile, the
    // migration runs again when the run ends and is concluded then.
    catalog_faults().FailFinalMigrationUpdates(Status::Unavailable("injected"),
                                               kCatalogWriteAttempts);
    EXPECT_TRUE(runner_->Enqueue(caller_.org_id, id));
  });
  ExpectCompletedProgress(Stored(id));
  EXPECT_EQ(StoredTaskStatus(id), model::TaskStatus::kCompleted);
}

}  // namespace
}  // namespace ferry::migration::testing_support
