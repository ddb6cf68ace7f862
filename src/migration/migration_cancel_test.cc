// Cancelling a running migration: its final state is written once, at the cancel
// (status, completed_at, every unfinished stage and resource cancelled, the partial
// target), and nothing changes it afterwards, whatever the workers still stopping do; a
// rebuild stops after the item being extracted; a restart does not resume it.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "migration/migration_test_fixture.h"
#include "migration/webhooks/notifier.h"
#include "storage/records/migration_record_codec.h"

namespace ferry::migration::testing_support {
namespace {

// Everything a migration's catalog row holds, as one comparable string.
std::string Durable(const model::Migration& m) {
  namespace rec = storage::records;
  auto ms = [](const std::optional<TimestampMs>& t) { return t ? std::to_string(*t) : "-"; };
  return m.migration_id + "|" + model::MigrationStatusName(m.status) + "|" +
         rec::EncodeMigrationProgress(m.progress) + "|" + m.task_id.value_or("-") + "|" +
         ms(m.started_at) + "|" + ms(m.completed_at) + "|" + m.error_message.value_or("-") + "|" +
         model::EncodeValue(m.additional_data);
}

// text_extractor@v2 renamed text_extractor@v9, whose calls block until the gate opens.
class GateExtractor final : public extract::FeatureExtractor {
 public:
  explicit GateExtractor(const extract::FeatureExtractor& inner) : inner_(inner) {
    info_ = inner.info();
    info_.version = "v9";
  }
  const extract::ExtractorInfo& info() const override { return info_; }
  Status ValidateParameters(const model::Value& p) const override {
    return inner_.ValidateParameters(p);
  }
  std::optional<double> KnownItemsPerSecond() const override { return 1000; }
  Result<std::vector<extract::ExtractedDocument>> Extract(const extract::ExtractorInput& in,
                                                          const model::Value& p) const override {
    {
      std::unique_lock<std::mutex> lock(mu_);
      ++started_;
      cv_.notify_all();
      cv_.wait(lock, [this] { return open_; });
    }
    return inner_.Extract(in, p);
  }
  // False when fewer than `n` calls started within a minute.
  bool WaitStarted(int n) const {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(60), [&] { return started_ >= n; });
  }
  void Open() const {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    cv_.notify_all();
  }

 private:
  const extract::FeatureExtractor& inner_;
  extract::ExtractorInfo info_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  mutable int started_ = 0;
  mutable bool open_ = false;
};

class MigrationCancelTest : public MigrationRunnerTest {
 protected:
  std::string Stored(const std::string& id) {
    auto m = storage_->catalog().GetMigration(caller_.org_id, id);
    EXPECT_TRUE(m.ok()) << m.status().ToString();
    return m.ok() ? Durable(*m) : "";
  }

  // Every stage and resource completed or cancelled, at least one cancelled.
  static void ExpectEndedCancelled(const model::Migration& m) {
    EXPECT_EQ(m.status, MigrationStatus::kCancelled);
    EXPECT_EQ(m.progress.overall_status, MigrationStatus::kCancelled);
    EXPECT_TRUE(m.completed_at.has_value());
    int cancelled = 0;
    for (const auto& s : m.progress.stages) {
      SCOPED_TRACE(model::MigrationStageName(s.stage));
      EXPECT_TRUE(s.status == MigrationStatus::kCompleted ||
                  s.status == MigrationStatus::kCancelled)
          << model::MigrationStatusName(s.status);
      cancelled += s.status == MigrationStatus::kCancelled;
    }
    EXPECT_GT(cancelled, 0);
    ASSERT_FALSE(m.progress.resources.empty());
    for (const auto& r : m.progress.resources) {
      SCOPED_TRACE(r.resource_id);
      EXPECT_TRUE(r.status == MigrationStatus::kCompleted ||
                  r.status == MigrationStatus::kCancelled)
          << model::MigrationStatusName(r.status);
    }
  }
};

TEST_F(MigrationCancelTest, CancelWritesTheFinalStateOnceAndNothingMovesItAfterwards) {
  MakeSource();
  model::MigrationConfig config = Config(MigrationType::kCopy);
  std::string id = CreateDraft(config);
  auto& faults = storage_->Faults(MapId(id, source_.ns.namespace_id, false));
  faults.CloseGate();
  ASSERT_TRUE(migrations_->Start(caller_, id, false).ok());
  faults.WaitUntilBlocked(static_cast<int>(config.batch_options->max_workers));

  auto cancelled = migrations_->Cancel(caller_, id, std::string("test"));
  ASSERT_TRUE(cancelled.ok()) << cancelled.status().ToString();
  // The answer and the catalog already hold the final state, in the same write.
  ExpectEndedCancelled(*cancelled);
  EXPECT_EQ(cancelled->error_message.value_or(""), "cancelled: test");
  const model::Value* partial = cancelled->additional_data.Get("partial_target");
  ASSERT_NE(partial, nullptr);
  ASSERT_NE(partial->Get("namespace_id"), nullptr);
  EXPECT_EQ(partial->Get("namespace_id")->as_string(), TargetId(*cancelled));
  ASSERT_NE(partial->Get("partial"), nullptr);
  EXPECT_TRUE(partial->Get("partial")->as_bool());
  const std::string at_cancel = Stored(id);
  EXPECT_EQ(Durable(*cancelled), at_cancel);

  // The workers held inside their batches finish them; none of it shows.
  faults.OpenGate();
  runner_->WaitIdle();
  EXPECT_EQ(Stored(id), at_cancel);
  auto task = storage_->catalog().GetTask(caller_.org_id, *cancelled->task_id);
  ASSERT_TRUE(task.ok());
  EXPECT_EQ(task->status, model::TaskStatus::kCanceled);

  // A restart does not resume it.
  runner_->Shutdown();
  runner_ = std::make_unique<MigrationRunner>(*deps_, *validator_);
  migrations_ = std::make_unique<MigrationService>(*deps_, *validator_, *runner_);
  ASSERT_TRUE(runner_->Recover().ok());
  runner_->WaitIdle();
  EXPECT_EQ(Stored(id), at_cancel);
}

TEST_F(MigrationCancelTest, CancelStopsARebuildAfterTheItemBeingExtracted) {
  MakeSource();
  auto gate = std::make_unique<GateExtractor>(*extractors_->Find("text_extractor", "v2"));
  const GateExtractor& g = *gate;
  extractors_->Register(std::move(gate));
  model::MigrationConfig config = Config(MigrationType::kReExtract);
  config.feature_extractors = std::vector<model::MigrationExtractor>{{"text_extractor", "v9", {}}};
  config.batch_options->batch_size = kObjects;  // one batch of root objects
  config.batch_options->max_workers = 1;
  std::string id = CreateDraft(config);
  ASSERT_TRUE(migrations_->Start(caller_, id, true).ok());
  // The batch's items are being extracted, none has finished.
  if (!g.WaitStarted(1)) {
    g.Open();
    FAIL() << "no extraction started";
  }
  auto cancelled = migrations_->Cancel(caller_, id, std::nullopt);
  ASSERT_TRUE(cancelled.ok()) << cancelled.status().ToString();
  ExpectEndedCancelled(*cancelled);
  const std::string at_cancel = Stored(id);
  g.Open();
  runner_->WaitIdle();
  EXPECT_EQ(Stored(id), at_cancel);

  // At most the item whose extraction the batch was waiting for was written (two
  // sentences); the batch's other items and the chained collection were not.
  auto target = Target(*cancelled);
  ASSERT_NE(target, nullptr);
  int64_t written = 0;
  for (const auto& c : Take(target->ListCollections(kAll))) {
    written += target->CountDocuments(c.collection_id).value();
  }
  EXPECT_LE(written, 2);
}

// A cancel that reaches the runner while the run is recording its end (here: held in its
// migration.completed webhook) finds the run finished: the caller, which may have read
// the migration as in_progress just before, must not record a cancellation over it.
TEST_F(MigrationCancelTest, CancelRacingTheEndOfARunLeavesItCompleted) {
  MakeSource();
  std::mutex mu;
  std::condition_variable cv;
  bool held = false, released = false;
  webhooks::WebhookNotifier notifier(storage_->catalog(), clock_,
                                     [&](const model::WebhookPayload& p) -> std::string {
                                       if (p.event != model::WebhookEventType::kCompleted)
                                         return "{}";
                                       std::unique_lock<std::mutex> lock(mu);
                                       held = true;
                                       cv.notify_all();
                                       cv.wait(lock, [&] { return released; });
                                       return "{}";
                                     });
  runner_->Shutdown();
  validator_ = std::make_unique<MigrationValidator>(*deps_, speeds_, true);
  runner_ = std::make_unique<MigrationRunner>(*deps_, *validator_, &notifier);
  migrations_ = std::make_unique<MigrationService>(*deps_, *validator_, *runner_);
  model::MigrationConfig config = Config(MigrationType::kCopy);
  config.webhook_url = "http://127.0.0.1:9/hook";
  std::string id = CreateDraft(config);
  ASSERT_TRUE(migrations_->Start(caller_, id, true).ok());
  auto release = [&] {
    std::lock_guard<std::mutex> lock(mu);
    released = true;
    cv.notify_all();
  };
  {
    std::unique_lock<std::mutex> lock(mu);
    if (!cv.wait_for(lock, std::chrono::seconds(60), [&] { return held; })) {
      lock.unlock();
      release();
      FAIL() << "the run never announced its end";
    }
  }
  EXPECT_EQ(runner_->Cancel(id, "late"), MigrationRunner::CancelResult::kFinished);
  EXPECT_EQ(migrations_->Cancel(caller_, id, std::nullopt).status().code(),
            StatusCode::kFailedPrecondition);
  release();
  runner_->WaitIdle();
  model::Migration m = std::move(migrations_->Get(caller_, id)).value();
  ExpectCompletedProgress(m);
  runner_->Shutdown();
}

// A migration cancelled while it waits for a runner slot never runs; its stages and
// resources end cancelled with it, and there is no partial target to report.
TEST_F(MigrationCancelTest, CancelOfAQueuedMigrationEndsItsStagesAndResources) {
  MakeSource();
  runner_->Shutdown();
  runner_ = std::make_unique<MigrationRunner>(*deps_, *validator_, nullptr,
                                              MigrationRunnerOptions{.concurrent_migrations = 1});
  migrations_ = std::make_unique<MigrationService>(*deps_, *validator_, *runner_);
  model::MigrationConfig config = Config(MigrationType::kCopy);
  std::string running = CreateDraft(config);
  auto& faults = storage_->Faults(MapId(running, source_.ns.namespace_id, false));
  faults.CloseGate();
  ASSERT_TRUE(migrations_->Start(caller_, running, false).ok());
  faults.WaitUntilBlocked(1);  // the only runner slot is taken
  std::string queued = CreateDraft(config);
  ASSERT_TRUE(migrations_->Start(caller_, queued, false).ok());

  auto cancelled = migrations_->Cancel(caller_, queued, std::string("test"));
  ASSERT_TRUE(cancelled.ok()) << cancelled.status().ToString();
  ExpectEndedCancelled(*cancelled);
  EXPECT_EQ(cancelled->additional_data.Get("partial_target"), nullptr);
  const std::string at_cancel = Stored(queued);
  faults.OpenGate();
  runner_->WaitIdle();
  EXPECT_EQ(Stored(queued), at_cancel);
}

}  // namespace
}  // namespace ferry::migration::testing_support
