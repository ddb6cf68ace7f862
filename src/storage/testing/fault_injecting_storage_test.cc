// The fault-injecting storage: with nothing injected it is indistinguishable from the
// engine it wraps (the whole conformance suite runs through it, which also covers every
// forwarding base); injected catalog faults fail exactly the chosen calls.

#include "storage/testing/fault_injecting_storage.h"

#include "storage/conformance/storage_conformance.h"
#include "storage/sqlite/sqlite_storage_engine.h"

namespace ferry::storage::testing {
namespace {

Result<std::unique_ptr<StorageEngine>> OpenWrapped(const std::string& directory) {
  FERRY_ASSIGN_OR_RETURN(auto engine, sqlite::SqliteStorageEngine::Open(directory));
  return std::unique_ptr<StorageEngine>(std::make_unique<FaultInjectingStorageEngine>(
      std::unique_ptr<StorageEngine>(std::move(engine))));
}

const BackendParam kWrappedBackend = DirectoryBackend("fault_injecting_sqlite", OpenWrapped);
FERRY_INSTANTIATE_STORAGE_CONFORMANCE(FaultInjecting, kWrappedBackend);

class CatalogFaultsTest : public StorageConformanceTest {
 protected:
  FaultInjectingStorageEngine& wrapped() {
    return static_cast<FaultInjectingStorageEngine&>(engine());
  }
  CatalogFaults& faults() { return wrapped().catalog_faults(); }

  // A migration of org "o" stored in the catalog.
  model::Migration Stored(const std::string& id) {
    model::Migration m = MinimalMigration("o", id);
    m.status = model::MigrationStatus::kInProgress;
    EXPECT_OK(catalog().InsertMigration(m));
    return m;
  }
};

INSTANTIATE_TEST_SUITE_P(FaultInjecting, CatalogFaultsTest, ::testing::Values(kWrappedBackend),
                         BackendName);

TEST_P(CatalogFaultsTest, FailsTheNextCallsAfterTheSkippedOnes) {
  model::Migration m = Stored("m1");
  faults().Fail(CatalogOp::kUpdateMigration, Status::Unavailable("injected"), /*count=*/2,
                /*skip=*/1);
  EXPECT_OK(catalog().UpdateMigration(m));
  EXPECT_EQ(STATUS_CODE(catalog().UpdateMigration(m)), StatusCode::kUnavailable);
  EXPECT_EQ(STATUS_CODE(catalog().UpdateMigration(m)), StatusCode::kUnavailable);
  EXPECT_OK(catalog().UpdateMigration(m));
  EXPECT_EQ(faults().calls(CatalogOp::kUpdateMigration), 4);
  EXPECT_EQ(faults().calls(CatalogOp::kUpsertTask), 0);
}

TEST_P(CatalogFaultsTest, AFailedCallWritesNothing) {
  model::Migration m = Stored("m1");
  faults().Fail(CatalogOp::kUpdateMigration, Status::Unavailable("injected"));
  m.status = model::MigrationStatus::kPending;
  EXPECT_FALSE(catalog().UpdateMigration(m).ok());
  ASSERT_OK_AND_ASSIGN(model::Migration read, catalog().GetMigration("o", "m1"));
  EXPECT_EQ(read.status, model::MigrationStatus::kInProgress);
}

TEST_P(CatalogFaultsTest, EveryCallFailsUntilCleared) {
  model::Task task;
  task.task_id = "t1";
  task.org_id = "o";
  faults().Fail(CatalogOp::kUpsertTask, Status::Internal("injected"), CatalogFaults::kEveryCall);
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(STATUS_CODE(catalog().UpsertTask(task)), StatusCode::kInternal);
  faults().Clear();
  EXPECT_OK(catalog().UpsertTask(task));
}

TEST_P(CatalogFaultsTest, FinalUpdatesFailOnlyWhenTheyWriteATerminalStatus) {
  model::Migration m = Stored("m1");
  faults().FailFinalMigrationUpdates(Status::Unavailable("injected"), 1);
  EXPECT_OK(catalog().UpdateMigration(m));  // still in progress
  m.status = model::MigrationStatus::kCompleted;
  EXPECT_EQ(STATUS_CODE(catalog().UpdateMigration(m)), StatusCode::kUnavailable);
  ASSERT_OK_AND_ASSIGN(model::Migration read, catalog().GetMigration("o", "m1"));
  EXPECT_EQ(read.status, model::MigrationStatus::kInProgress);
  EXPECT_OK(catalog().UpdateMigration(m));
}

TEST_P(CatalogFaultsTest, AFailedWebhookClaimClaimsNothing) {
  model::WebhookEvent e;
  e.delivery_id = "whd_1";
  e.org_id = "o";
  e.migration_id = "m1";
  ASSERT_OK(catalog().EnqueueWebhook(e).status());
  faults().Fail(CatalogOp::kClaimDueWebhooks, Status::Unavailable("injected"));
  EXPECT_EQ(STATUS_CODE(catalog().ClaimDueWebhooks(0, 10, "whk_a", 100)), StatusCode::kUnavailable);
  ASSERT_OK_AND_ASSIGN(auto claimed, catalog().ClaimDueWebhooks(0, 10, "whk_b", 100));
  EXPECT_EQ(claimed.size(), 1u);  // the failed call left no claim behind
  EXPECT_EQ(faults().calls(CatalogOp::kClaimDueWebhooks), 2);
}

TEST_P(CatalogFaultsTest, ReadsAndOtherOperationsAreNotAffected) {
  Stored("m1");
  faults().Fail(CatalogOp::kUpdateMigration, Status::Internal("injected"),
                CatalogFaults::kEveryCall);
  EXPECT_OK(catalog().GetMigration("o", "m1").status());
  EXPECT_OK(catalog().InsertMigration(MinimalMigration("o", "m2")));
}

}  // namespace
}  // namespace ferry::storage::testing
