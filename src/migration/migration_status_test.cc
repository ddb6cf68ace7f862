// Live status (DESIGN.md §3): what GET serves while a migration runs comes from the
// status board, and is exactly what the catalog holds — never ahead of it, never another
// organization's, never a deleted migration's.
#include <gtest/gtest.h>

#include "migration/migration_test_fixture.h"
#include "migration/status_board.h"
#include "storage/records/migration_record_codec.h"

namespace ferry::migration::testing_support {
namespace {

// Everything a migration's catalog row holds, as one comparable string.
std::string Durable(const model::Migration& m) {
  namespace rec = storage::records;
  auto ms = [](const std::optional<TimestampMs>& t) { return t ? std::to_string(*t) : "-"; };
  return m.migration_id + "|" + m.org_id + "|" + model::MigrationStatusName(m.status) + "|" +
         rec::EncodeMigrationConfig(m.config) + "|" + rec::EncodeMigrationProgress(m.progress) +
         "|" + (m.validation_result ? rec::EncodeValidationResult(*m.validation_result) : "-") +
         "|" + (m.dependency_graph ? rec::EncodeDependencyGraph(*m.dependency_graph) : "-") + "|" +
         m.task_id.value_or("-") + "|" + std::to_string(m.created_at) + "|" + ms(m.started_at) +
         "|" + ms(m.completed_at) + "|" + m.error_message.value_or("-") + "|" +
         model::EncodeValue(m.additional_data);
}

class ManualClock final : public Clock {
 public:
  TimestampMs NowMs() const override { return now_; }
  void Advance(TimestampMs ms) { now_ += ms; }

 private:
  TimestampMs now_ = 1'700'000'000'000;
};

class MigrationStatusTest : public MigrationRunnerTest {
 protected:
  std::string CatalogState(const std::string& id) {
    auto m = storage_->catalog().GetMigration(caller_.org_id, id);
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    return m.ok() ? Durable(*m) : "";
  }

  std::string BoardState(const MigrationStatusBoard& board, const std::string& id) {
    auto published = board.Find(id);
    EXPECT_TRUE(published.has_value());
    return published ? Durable(*published->migration) : "";
  }

  // Starts a copy held in_progress: every worker blocked inside UpsertDocuments of the
  // target, so nothing changes the migration until the gate opens.
  std::string StartHeld() {
    model::MigrationConfig config = Config(MigrationType::kCopy);
    std::string id = CreateDraft(config);
    auto& faults = storage_->Faults(MapId(id, source_.ns.namespace_id, false));
    faults.CloseGate();
    EXPECT_TRUE(migrations_->Start(caller_, id, false).ok());
    faults.WaitUntilBlocked(static_cast<int>(config.batch_options->max_workers));
    return id;
  }

  void Release(const std::string& id) {
    storage_->Faults(MapId(id, source_.ns.namespace_id, false)).OpenGate();
    runner_->WaitIdle();
  }
};

TEST_F(MigrationStatusTest, TrackerPublishesExactlyWhatItPersistedAndNothingAhead) {
  MakeSource();
  std::string id = CreateDraft(Config(MigrationType::kCopy));
  model::Migration m = std::move(migrations_->Get(caller_, id)).value();
  ManualClock clock;
  MigrationStatusBoard board;
  board.Open(id);
  ProgressTracker tracker(storage_->catalog(), clock, m, &board);
  EXPECT_FALSE(board.Find(id).has_value()) << "nothing persisted yet";

  ASSERT_TRUE(tracker.StageStarted(MigrationStage::kBatchProcessing, 10).ok());
  EXPECT_EQ(BoardState(board, id), CatalogState(id));
  uint64_t version = board.Find(id)->version;

  // Within the persist interval a finished batch stays in memory: the live state moves
  // ahead of the catalog, the board does not.
  ASSERT_TRUE(tracker.BatchDone(MigrationStage::kBatchProcessing, "", 3, 0, 30).ok());
  EXPECT_EQ(board.Find(id)->version, version);
  EXPECT_EQ(BoardState(board, id), CatalogState(id));
  EXPECT_NE(Durable(tracker.Snapshot()), CatalogState(id));

  clock.Advance(ProgressTracker::kPersistIntervalMs);
  ASSERT_TRUE(tracker.BatchDone(MigrationStage::kBatchProcessing, "", 2, 1, 60).ok());
  EXPECT_GT(board.Find(id)->version, version);
  EXPECT_EQ(BoardState(board, id), CatalogState(id));
  EXPECT_EQ(Durable(tracker.Snapshot()), CatalogState(id));
  EXPECT_EQ(board.Find(id)->migration->progress.stages[2].items_completed, 5);

  // A persist that fails publishes nothing: the row is gone, so the write is NotFound.
  version = board.Find(id)->version;
  ASSERT_TRUE(storage_->catalog().DeleteMigration(caller_.org_id, id).ok());
  EXPECT_FALSE(
      tracker.StageFinished(MigrationStage::kBatchProcessing, MigrationStatus::kCompleted).ok());
  EXPECT_EQ(board.Find(id)->version, version);

  board.Forget(id);
  EXPECT_FALSE(board.Find(id).has_value());
  board.Publish(tracker.Snapshot());  // a late publish of a forgotten migration is ignored
  EXPECT_FALSE(board.Find(id).has_value());
  board.Close(id);
  board.Publish(tracker.Snapshot());  // and one after the run closed
  EXPECT_FALSE(board.Find(id).has_value());
}

TEST_F(MigrationStatusTest, AResumedRunDoesNotUndoAResourceItCompleted) {
  MakeSource();
  std::string id = CreateDraft(Config(MigrationType::kCopy));
  model::Migration m = std::move(migrations_->Get(caller_, id)).value();
  ASSERT_GE(m.progress.resources.size(), 2u);
  const std::string done = m.progress.resources[0].resource_id;
  const std::string fresh = m.progress.resources[1].resource_id;
  ManualClock clock;
  ProgressTracker tracker(storage_->catalog(), clock, m);
  ASSERT_TRUE(tracker.ResourceState(done, MigrationStatus::kCompleted, 100).ok());
  // namespace_setup of the resumed run starts every resource again.
  ASSERT_TRUE(tracker.ResourceStarted(done).ok());
  ASSERT_TRUE(tracker.ResourceStarted(fresh).ok());
  for (const auto& r : tracker.Snapshot().progress.resources) {
    if (r.resource_id == done) {
      EXPECT_EQ(r.status, MigrationStatus::kCompleted);
    } else if (r.resource_id == fresh) {
      EXPECT_EQ(r.status, MigrationStatus::kInProgress);
    }
  }
}

TEST_F(MigrationStatusTest, RunningMigrationIsServedFromTheBoardNotTheCatalog) {
  MakeSource();
  std::string id = StartHeld();
  auto first = migrations_->GetStatus(caller_, id);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_GT(first->version, 0u);
  EXPECT_EQ(first->migration->status, MigrationStatus::kInProgress);
  EXPECT_EQ(Durable(*first->migration), CatalogState(id));
  // Nothing changed, so the second answer is the very same snapshot object: no catalog
  // read (which would build a new one) made it.
  auto second = migrations_->GetStatus(caller_, id);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->version, first->version);
  EXPECT_EQ(second->migration.get(), first->migration.get());

  // Another organization sees nothing, running or not.
  service::Caller other{"org_other"};
  EXPECT_FALSE(migrations_->FindRunning(other, id).has_value());
  EXPECT_EQ(migrations_->GetStatus(other, id).status().code(), StatusCode::kNotFound);

  Release(id);
  EXPECT_FALSE(runner_->status_board().Find(id).has_value());
  auto done = migrations_->GetStatus(caller_, id);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->version, 0u) << "read from the catalog once the run is over";
  ExpectCompletedProgress(*done->migration);
  EXPECT_EQ(Durable(*done->migration), CatalogState(id));
  EXPECT_EQ(migrations_->GetStatus(other, id).status().code(), StatusCode::kNotFound);
}

TEST_F(MigrationStatusTest, CancelIsPublishedAndADeletedMigrationIsNotServed) {
  MakeSource();
  std::string id = StartHeld();
  auto cancelled = migrations_->Cancel(caller_, id, std::string("test"));
  ASSERT_TRUE(cancelled.ok()) << cancelled.status().ToString();
  auto view = migrations_->GetStatus(caller_, id);
  ASSERT_TRUE(view.ok());
  EXPECT_GT(view->version, 0u);
  EXPECT_EQ(view->migration->status, MigrationStatus::kCancelled);
  EXPECT_EQ(Durable(*view->migration), CatalogState(id));

  // The run is still stopping (its workers are held), yet the deleted row is not served.
  ASSERT_TRUE(migrations_->Delete(caller_, id).ok());
  EXPECT_EQ(migrations_->GetStatus(caller_, id).status().code(), StatusCode::kNotFound);
  Release(id);
  EXPECT_EQ(migrations_->GetStatus(caller_, id).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace ferry::migration::testing_support
