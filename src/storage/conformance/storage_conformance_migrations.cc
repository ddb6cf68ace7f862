// Conformance: migrations and their batch plans in the catalog.

#include <string>
#include <vector>

#include "storage/conformance/storage_conformance.h"

namespace ferry::storage::testing {
namespace {

using model::MigrationStatus;
using model::MigrationType;

std::vector<std::string> MigrationIds(const std::vector<model::Migration>& migrations) {
  std::vector<std::string> ids;
  for (const auto& m : migrations) ids.push_back(m.migration_id);
  return ids;
}

std::vector<int64_t> BatchNos(const std::vector<model::MigrationBatch>& batches) {
  std::vector<int64_t> nos;
  for (const auto& b : batches) nos.push_back(b.batch_no);
  return nos;
}

TEST_P(StorageConformanceTest, MigrationsRoundTripEveryField) {
  const model::Migration rich = SampleMigration("org_a", "mig_rich");
  const model::Migration minimal = MinimalMigration("org_a", "mig_min");
  const model::Migration defaults = DefaultBlocksMigration("org_a", "mig_defaults");
  for (const auto* m : {&rich, &minimal, &defaults}) ASSERT_OK(catalog().InsertMigration(*m));
  Restart();
  for (const auto* m : {&rich, &minimal, &defaults}) {
    SCOPED_TRACE(m->migration_id);
    ASSERT_OK_AND_ASSIGN(model::Migration got, catalog().GetMigration("org_a", m->migration_id));
    ExpectSame(*m, got);
  }
  ASSERT_OK_AND_ASSIGN(model::Migration got, catalog().GetMigration("org_a", "mig_defaults"));
  EXPECT_TRUE(got.config.filters.has_value());  // set with defaults is not unset
  ASSERT_OK_AND_ASSIGN(got, catalog().GetMigration("org_a", "mig_min"));
  EXPECT_FALSE(got.config.filters.has_value());
  EXPECT_FALSE(got.validation_result.has_value());

  EXPECT_EQ(STATUS_CODE(catalog().InsertMigration(minimal)), StatusCode::kAlreadyExists);
  EXPECT_EQ(STATUS_CODE(catalog().GetMigration("org_a", "mig_none")), StatusCode::kNotFound);
}

TEST_P(StorageConformanceTest, UpdateMigrationReplacesTheWholeRow) {
  ASSERT_OK(catalog().InsertMigration(SampleMigration("org_a", "mig_1")));
  model::Migration replacement = MinimalMigration("org_a", "mig_1");
  replacement.status = MigrationStatus::kCompleted;
  ASSERT_OK(catalog().UpdateMigration(replacement));
  ASSERT_OK_AND_ASSIGN(model::Migration got, catalog().GetMigration("org_a", "mig_1"));
  ExpectSame(replacement, got);  // every optional the sample set is unset again

  model::Migration foreign = SampleMigration("org_b", "mig_1");
  EXPECT_EQ(STATUS_CODE(catalog().UpdateMigration(foreign)), StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(got, catalog().GetMigration("org_a", "mig_1"));
  ExpectSame(replacement, got);
  EXPECT_EQ(STATUS_CODE(catalog().UpdateMigration(MinimalMigration("org_a", "mig_2"))),
            StatusCode::kNotFound);
}

TEST_P(StorageConformanceTest, ListMigrationsIsNewestFirstFilteredAndCounted) {
  struct Row {
    const char* id;
    TimestampMs created_at;
    MigrationStatus status;
    MigrationType type;
    const char* source;
  };
  const Row rows[] = {
      {"mig_a", 100, MigrationStatus::kCompleted, MigrationType::kCopy, "ns_1"},
      {"mig_b", 300, MigrationStatus::kDraft, MigrationType::kReExtract, "ns_1"},
      {"mig_c", 200, MigrationStatus::kCompleted, MigrationType::kExtend, "ns_2"},
      {"mig_e", 300, MigrationStatus::kCompleted, MigrationType::kCopy, "ns_2"},
      {"mig_d", 300, MigrationStatus::kFailed, MigrationType::kCopy, "ns_1"},
  };
  for (const Row& r : rows) {
    model::Migration m = MinimalMigration("org_a", r.id);
    m.created_at = r.created_at;
    m.status = r.status;
    m.config.migration_type = r.type;
    m.config.source_namespace_id = r.source;
    ASSERT_OK(catalog().InsertMigration(m));
  }
  model::Migration other = MinimalMigration("org_b", "mig_z");
  other.created_at = 999;
  ASSERT_OK(catalog().InsertMigration(other));

  const model::Page all{0, 100};
  ASSERT_OK_AND_ASSIGN(auto listed, catalog().ListMigrations("org_a", {}, all));
  // created_at descending; equal created_at by id.
  EXPECT_EQ(MigrationIds(listed),
            (std::vector<std::string>{"mig_b", "mig_d", "mig_e", "mig_c", "mig_a"}));
  ASSERT_OK_AND_ASSIGN(listed, catalog().ListMigrations("org_a", {}, model::Page{1, 2}));
  EXPECT_EQ(MigrationIds(listed), (std::vector<std::string>{"mig_d", "mig_e"}));

  model::MigrationListFilter completed;
  completed.status = MigrationStatus::kCompleted;
  ASSERT_OK_AND_ASSIGN(listed, catalog().ListMigrations("org_a", completed, all));
  EXPECT_EQ(MigrationIds(listed), (std::vector<std::string>{"mig_e", "mig_c", "mig_a"}));
  model::MigrationListFilter copies_of_ns1;
  copies_of_ns1.migration_type = MigrationType::kCopy;
  copies_of_ns1.source_namespace_id = "ns_1";
  ASSERT_OK_AND_ASSIGN(listed, catalog().ListMigrations("org_a", copies_of_ns1, all));
  EXPECT_EQ(MigrationIds(listed), (std::vector<std::string>{"mig_d", "mig_a"}));

  ASSERT_OK_AND_ASSIGN(int64_t count, catalog().CountMigrations("org_a", {}));
  EXPECT_EQ(count, 5);
  ASSERT_OK_AND_ASSIGN(count, catalog().CountMigrations("org_a", completed));
  EXPECT_EQ(count, 3);
  ASSERT_OK_AND_ASSIGN(count, catalog().CountMigrations("org_a", copies_of_ns1));
  EXPECT_EQ(count, 2);
  ASSERT_OK_AND_ASSIGN(count, catalog().CountMigrations("org_b", completed));
  EXPECT_EQ(count, 0);
}

TEST_P(StorageConformanceTest, MigrationsOfAnotherOrganizationAreInvisible) {
  ASSERT_OK(catalog().InsertMigration(SampleMigration("org_b", "mig_b")));
  EXPECT_EQ(STATUS_CODE(catalog().GetMigration("org_a", "mig_b")), StatusCode::kNotFound);
  EXPECT_EQ(STATUS_CODE(catalog().DeleteMigration("org_a", "mig_b")), StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(auto listed, catalog().ListMigrations("org_a", {}, model::Page{0, 10}));
  EXPECT_TRUE(listed.empty());
  ASSERT_OK_AND_ASSIGN(int64_t count, catalog().CountMigrations("org_a", {}));
  EXPECT_EQ(count, 0);
  EXPECT_OK(catalog().GetMigration("org_b", "mig_b").status());
}

TEST_P(StorageConformanceTest, DeleteMigrationRemovesItsBatchPlan) {
  ASSERT_OK(catalog().InsertMigration(MinimalMigration("org_a", "mig_1")));
  ASSERT_OK(catalog().InsertMigration(MinimalMigration("org_a", "mig_2")));
  ASSERT_OK(catalog().InsertMigrationBatches(
      {SampleMigrationBatch("mig_1", 1), SampleMigrationBatch("mig_1", 2)}));
  ASSERT_OK(catalog().InsertMigrationBatches({SampleMigrationBatch("mig_2", 1)}));

  ASSERT_OK(catalog().DeleteMigration("org_a", "mig_1"));
  EXPECT_EQ(STATUS_CODE(catalog().GetMigration("org_a", "mig_1")), StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(auto batches, catalog().ListMigrationBatches("mig_1", 0, 10));
  EXPECT_TRUE(batches.empty());
  ASSERT_OK_AND_ASSIGN(batches, catalog().ListMigrationBatches("mig_2", 0, 10));
  EXPECT_EQ(BatchNos(batches), (std::vector<int64_t>{1}));
  EXPECT_EQ(STATUS_CODE(catalog().DeleteMigration("org_a", "mig_1")), StatusCode::kNotFound);
}

// Oldest first, like ListUnfinishedTasks.
TEST_P(StorageConformanceTest, ListUnfinishedMigrationsFindsEveryRunningOne) {
  const MigrationStatus statuses[] = {MigrationStatus::kDraft,     MigrationStatus::kValidating,
                                      MigrationStatus::kPending,   MigrationStatus::kInProgress,
                                      MigrationStatus::kCompleted, MigrationStatus::kFailed,
                                      MigrationStatus::kCancelled};
  for (int i = 0; i < 7; ++i) {
    // Two organizations interleaved; created_at falls, so oldest first reverses the order.
    model::Migration m = MinimalMigration(i % 2 == 0 ? "org_a" : "org_b",
                                          std::string("mig_") + MigrationStatusName(statuses[i]));
    m.status = statuses[i];
    m.created_at = 100 - i;
    ASSERT_OK(catalog().InsertMigration(m));
  }
  ASSERT_OK_AND_ASSIGN(auto unfinished, catalog().ListUnfinishedMigrations());
  EXPECT_EQ(MigrationIds(unfinished),
            (std::vector<std::string>{"mig_in_progress", "mig_pending", "mig_validating"}));
}

TEST_P(StorageConformanceTest, BatchPlanPagesByBatchNoAndUpdatesInPlace) {
  std::vector<model::MigrationBatch> plan;
  for (int64_t no = 250; no >= 1; --no) plan.push_back(SampleMigrationBatch("mig_1", no));
  ASSERT_OK(catalog().InsertMigrationBatches(plan));
  ASSERT_OK(catalog().InsertMigrationBatches({SampleMigrationBatch("mig_2", 7)}));

  std::vector<int64_t> seen;
  int64_t after = 0;
  while (true) {
    ASSERT_OK_AND_ASSIGN(auto page, catalog().ListMigrationBatches("mig_1", after, 100));
    if (page.empty()) break;
    ASSERT_LE(page.size(), 100u);
    for (const auto& b : page) seen.push_back(b.batch_no);
    after = page.back().batch_no;
  }
  std::vector<int64_t> want;
  for (int64_t no = 1; no <= 250; ++no) want.push_back(no);
  EXPECT_EQ(seen, want);

  ASSERT_OK_AND_ASSIGN(auto page, catalog().ListMigrationBatches("mig_1", 6, 1));
  ASSERT_EQ(page.size(), 1u);
  ExpectSame(SampleMigrationBatch("mig_1", 7), page[0]);

  model::MigrationBatch done = SampleMigrationBatch("mig_1", 7);
  done.status = "failed";
  done.attempts = 3;
  done.items_failed = 2;
  done.error = "extractor timed out";
  model::MigrationBatch update = done;
  update.item_ids = {"ignored"};  // only status, attempts, items_failed and error change
  update.tier = 9;
  ASSERT_OK(catalog().UpdateMigrationBatch(update));
  ASSERT_OK_AND_ASSIGN(page, catalog().ListMigrationBatches("mig_1", 6, 1));
  ASSERT_EQ(page.size(), 1u);
  ExpectSame(done, page[0]);
  ASSERT_OK_AND_ASSIGN(page, catalog().ListMigrationBatches("mig_2", 0, 10));
  ASSERT_EQ(page.size(), 1u);
  ExpectSame(SampleMigrationBatch("mig_2", 7), page[0]);
  EXPECT_EQ(STATUS_CODE(catalog().UpdateMigrationBatch(SampleMigrationBatch("mig_1", 999))),
            StatusCode::kNotFound);

  ASSERT_OK(catalog().DeleteMigrationBatches("mig_1"));
  ASSERT_OK_AND_ASSIGN(page, catalog().ListMigrationBatches("mig_1", 0, 10));
  EXPECT_TRUE(page.empty());
}

TEST_P(StorageConformanceTest, BatchPlanInsertIsAllOrNothing) {
  ASSERT_OK(catalog().InsertMigrationBatches({SampleMigrationBatch("mig_1", 5)}));
  EXPECT_EQ(STATUS_CODE(catalog().InsertMigrationBatches(
                {SampleMigrationBatch("mig_1", 6), SampleMigrationBatch("mig_1", 5)})),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(STATUS_CODE(catalog().InsertMigrationBatches(
                {SampleMigrationBatch("mig_1", 8), SampleMigrationBatch("mig_1", 8)})),
            StatusCode::kAlreadyExists);
  ASSERT_OK_AND_ASSIGN(auto batches, catalog().ListMigrationBatches("mig_1", 0, 10));
  EXPECT_EQ(BatchNos(batches), (std::vector<int64_t>{5}));
  ASSERT_OK_AND_ASSIGN(batches, catalog().ListMigrationBatches("mig_1", 0, 0));
  EXPECT_TRUE(batches.empty());
}

TEST_P(StorageConformanceTest, UpdateMigrationIfWritesOnlyWhatNobodyChangedMeanwhile) {
  model::Migration failed = MinimalMigration("org_a", "mig_1");
  failed.status = MigrationStatus::kFailed;
  model::ValueObject data;
  data.Set("live", model::Value(model::ValueObject{}));
  data.Set("retry_count", model::Value(int64_t{1}));
  failed.additional_data = model::Value(std::move(data));
  ASSERT_OK(catalog().InsertMigration(failed));
  ASSERT_OK(catalog().InsertMigrationBatches({SampleMigrationBatch("mig_1", 1)}));
  model::Migration pending = failed;
  pending.status = MigrationStatus::kPending;
  pending.error_message = "retried";

  // Read in another status, or with other additional_data: nothing written, neither the
  // row nor the plan.
  model::Migration stale = failed;
  stale.status = MigrationStatus::kCompleted;
  EXPECT_EQ(
      STATUS_CODE(catalog().UpdateMigrationIf(pending, stale, {SampleMigrationBatch("mig_1", 2)})),
      StatusCode::kFailedPrecondition);
  stale = failed;
  stale.additional_data = model::Value(model::ValueObject{});
  EXPECT_EQ(
      STATUS_CODE(catalog().UpdateMigrationIf(pending, stale, {SampleMigrationBatch("mig_1", 2)})),
      StatusCode::kFailedPrecondition);
  // A batch number taken: the whole write is undone.
  EXPECT_EQ(
      STATUS_CODE(catalog().UpdateMigrationIf(
          pending, failed, {SampleMigrationBatch("mig_1", 3), SampleMigrationBatch("mig_1", 1)})),
      StatusCode::kAlreadyExists);
  ASSERT_OK_AND_ASSIGN(model::Migration got, catalog().GetMigration("org_a", "mig_1"));
  ExpectSame(failed, got);
  ASSERT_OK_AND_ASSIGN(auto batches, catalog().ListMigrationBatches("mig_1", 0, 10));
  EXPECT_EQ(BatchNos(batches), (std::vector<int64_t>{1}));

  // As read after a restart (decoded from storage): written, with its plan.
  Restart();
  ASSERT_OK_AND_ASSIGN(model::Migration read, catalog().GetMigration("org_a", "mig_1"));
  ASSERT_OK(catalog().UpdateMigrationIf(pending, read, {SampleMigrationBatch("mig_1", 2)}));
  ASSERT_OK_AND_ASSIGN(got, catalog().GetMigration("org_a", "mig_1"));
  ExpectSame(pending, got);
  ASSERT_OK_AND_ASSIGN(batches, catalog().ListMigrationBatches("mig_1", 0, 10));
  EXPECT_EQ(BatchNos(batches), (std::vector<int64_t>{1, 2}));
  // A second writer that read the failed state lost the race: refused.
  EXPECT_EQ(
      STATUS_CODE(catalog().UpdateMigrationIf(pending, failed, {SampleMigrationBatch("mig_1", 3)})),
      StatusCode::kFailedPrecondition);
  EXPECT_EQ(STATUS_CODE(catalog().UpdateMigrationIf(MinimalMigration("org_b", "mig_1"),
                                                    MinimalMigration("org_b", "mig_1"), {})),
            StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(batches, catalog().ListMigrationBatches("mig_1", 0, 10));
  EXPECT_EQ(BatchNos(batches), (std::vector<int64_t>{1, 2}));
}

}  // namespace
}  // namespace ferry::storage::testing
