#include "migration/change_log_retention.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "storage/sqlite/sqlite_storage_engine.h"

namespace ferry::migration {
namespace {

using model::MigrationStatus;
using model::Value;
using model::ValueObject;

model::Migration WithLive(MigrationStatus status, ValueObject live) {
  model::Migration m;
  m.status = status;
  m.config.source_namespace_id = "ns_src";
  m.config.target_namespace_id = "ns_tgt";
  ValueObject data;
  data.Set("target_namespace_id", Value("ns_tgt"));
  data.Set("live", Value(std::move(live)));
  m.additional_data = Value(std::move(data));
  return m;
}

ValueObject Live(std::initializer_list<std::pair<const char*, Value>> fields) {
  ValueObject o;
  for (const auto& [k, v] : fields) o.Set(k, v);
  return o;
}

std::vector<ChangeLogHold> Source(int64_t after) { return {{"ns_src", after}}; }
const std::vector<ChangeLogHold> kNothing;

TEST(ChangeLogHoldsTest, ARunHoldsItsSourceFromItsStartThenFromWhatItApplied) {
  auto started = Live({{"source_seq_at_start", Value(int64_t{7})}, {"applied_seq", Value()}});
  EXPECT_EQ(ChangeLogHolds(WithLive(MigrationStatus::kInProgress, started)), Source(7));
  EXPECT_EQ(ChangeLogHolds(WithLive(MigrationStatus::kCompleted, started)), Source(7))
      << "a completed copy may still sync";
  started.Set("applied_seq", Value(int64_t{12}));
  EXPECT_EQ(ChangeLogHolds(WithLive(MigrationStatus::kCompleted, started)), Source(12));
}

TEST(ChangeLogHoldsTest, NothingRecordedOrOverHoldsNothing) {
  model::Migration draft;
  EXPECT_EQ(ChangeLogHolds(draft), kNothing);
  EXPECT_EQ(ChangeLogHolds(WithLive(MigrationStatus::kPending, {})), kNothing);
  auto started = Live({{"source_seq_at_start", Value(int64_t{3})}});
  EXPECT_EQ(ChangeLogHolds(WithLive(MigrationStatus::kFailed, started)), kNothing);
  EXPECT_EQ(ChangeLogHolds(WithLive(MigrationStatus::kCancelled, started)), kNothing);
}

TEST(ChangeLogHoldsTest, ACutoverHoldsOnlyTheTargetForARollbackWhichReleasesIt) {
  // The shape live_state.cc writes: absent times are null.
  auto live = Live({{"source_seq_at_start", Value(int64_t{3})},
                    {"applied_seq", Value(int64_t{9})},
                    {"following", Value(false)},
                    {"last_synced_at", Value("2026-12-05T09:59:59.000Z")},
                    {"cutover_at", Value()},
                    {"target_seq_at_cutover", Value(int64_t{0})},
                    {"rolled_back_at", Value()}});
  EXPECT_EQ(ChangeLogHolds(WithLive(MigrationStatus::kCompleted, live)), Source(9));
  live.Set("cutover_at", Value("2026-12-05T10:00:00.000Z"));
  live.Set("target_seq_at_cutover", Value(int64_t{40}));
  EXPECT_EQ(ChangeLogHolds(WithLive(MigrationStatus::kCompleted, live)),
            (std::vector<ChangeLogHold>{{"ns_tgt", 40}}));
  live.Set("rolled_back_at", Value(*ParseIso8601("2026-12-05T10:05:00Z")));  // ms also read
  EXPECT_EQ(ChangeLogHolds(WithLive(MigrationStatus::kCompleted, live)), kNothing);
}

TEST(ChangeLogHoldsTest, ASyncAfterTheSwitchHoldsTheSourceAgain) {
  auto live = Live({{"source_seq_at_start", Value(int64_t{3})},
                    {"applied_seq", Value(int64_t{9})},
                    {"cutover_at", Value("2026-12-05T10:00:00.000Z")},
                    {"rolled_back_at", Value("2026-12-05T10:05:00.000Z")},
                    {"last_synced_at", Value("2026-12-05T10:04:00.000Z")}});
  EXPECT_EQ(ChangeLogHolds(WithLive(MigrationStatus::kCompleted, live)), kNothing);
  live.Set("last_synced_at", Value("2026-12-05T10:06:00.000Z"));
  EXPECT_EQ(ChangeLogHolds(WithLive(MigrationStatus::kCompleted, live)), Source(9));
  live.Set("last_synced_at", Value());
  live.Set("following", Value(true));
  EXPECT_EQ(ChangeLogHolds(WithLive(MigrationStatus::kCompleted, live)), Source(9));
}

class SetClock final : public Clock {
 public:
  TimestampMs NowMs() const override { return now; }
  TimestampMs now = 0;
};

class ChangeLogTrimmerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ferry_change_log_trimmer_XXXXXX";
    dir_ = mkdtemp(tmpl);
    storage_ = std::move(storage::sqlite::SqliteStorageEngine::Open(dir_)).value();
    ASSERT_TRUE(storage_->catalog().InsertOrganization({"org_1", "one", 1}).ok());
    for (const char* id : {"ns_a", "ns_b"}) {
      model::Namespace ns;
      ns.namespace_id = id;
      ns.org_id = "org_1";
      ns.namespace_name = id;
      ASSERT_TRUE(storage_->catalog().InsertNamespace(ns).ok());
      ASSERT_TRUE(storage_->CreateNamespaceData(id).ok());
      auto store = std::move(storage_->OpenNamespace(id)).value();
      model::Bucket b;
      b.bucket_id = "bkt_1";
      b.bucket_name = "b";
      ASSERT_TRUE(store->InsertBucket(b).ok());
      for (int i = 1; i <= 4; ++i) {
        model::Object o;
        o.object_id = "obj_" + std::to_string(i);
        o.bucket_id = "bkt_1";
        ASSERT_TRUE(store->InsertObject(o).ok());
      }
    }
  }
  void TearDown() override {
    storage_->Close();
    std::filesystem::remove_all(dir_);
  }

  // A migration of ns_a that holds its log after `seq`.
  // A migration from ns_a to ns_b with this live state.
  void AddMigration(const std::string& id, MigrationStatus status, ValueObject live) {
    model::Migration m = WithLive(status, std::move(live));
    m.migration_id = id;
    m.org_id = "org_1";
    m.config.source_namespace_id = "ns_a";
    m.config.target_namespace_id = "ns_b";
    ValueObject data = m.additional_data.as_object();
    data.Set("target_namespace_id", Value("ns_b"));
    m.additional_data = Value(std::move(data));
    ASSERT_TRUE(storage_->catalog().InsertMigration(m).ok());
  }
  void AddMigration(const std::string& id, MigrationStatus status, int64_t seq) {
    AddMigration(id, status, Live({{"source_seq_at_start", Value(seq)}}));
  }

  int64_t FirstSeq(const std::string& ns) {
    auto store = std::move(storage_->OpenNamespace(ns)).value();
    auto page = std::move(store->ListChanges(0, 100)).value();
    return page.empty() ? 0 : page.front().seq;
  }

  std::string dir_;
  std::unique_ptr<storage::StorageEngine> storage_;
  SetClock clock_;
  Logger logger_{LogLevel::kError};
};

TEST_F(ChangeLogTrimmerTest, TrimsWhatNoMigrationNeedsOnceOlderThanTheRetention) {
  AddMigration("mig_hold", MigrationStatus::kCompleted, 2);
  AddMigration("mig_failed", MigrationStatus::kFailed, 0);
  ChangeLogTrimmer trimmer(*storage_, clock_, logger_, {std::chrono::hours(1)});
  clock_.now = SystemClock().NowMs();  // every entry is younger than an hour
  EXPECT_EQ(trimmer.TrimOnce().value(), 0);
  EXPECT_EQ(FirstSeq("ns_a"), 1);
  clock_.now += 2 * 3600 * 1000;  // now every entry is older
  EXPECT_EQ(trimmer.TrimOnce().value(), 2 + 4) << "ns_a up to what mig_hold needs, all of ns_b";
  EXPECT_EQ(FirstSeq("ns_a"), 3);
  EXPECT_EQ(FirstSeq("ns_b"), 0);
  ASSERT_TRUE(storage_->catalog().DeleteMigration("org_1", "mig_hold").ok());
  EXPECT_EQ(trimmer.TrimOnce().value(), 2);
  EXPECT_EQ(FirstSeq("ns_a"), 0);
}

TEST_F(ChangeLogTrimmerTest, ACutOverMigrationHoldsItsTargetUntilRolledBack) {
  auto live = Live({{"source_seq_at_start", Value(int64_t{1})},
                    {"cutover_at", Value("2026-12-05T10:00:00.000Z")},
                    {"target_seq_at_cutover", Value(int64_t{3})},
                    {"rolled_back_at", Value()}});
  AddMigration("mig_cut", MigrationStatus::kCompleted, live);
  ChangeLogTrimmer trimmer(*storage_, clock_, logger_, {std::chrono::milliseconds(0)});
  clock_.now = SystemClock().NowMs() + 1000;
  EXPECT_EQ(trimmer.TrimOnce().value(), 4 + 3) << "all of the source, the target up to 3";
  EXPECT_EQ(FirstSeq("ns_a"), 0);
  EXPECT_EQ(FirstSeq("ns_b"), 4);
  live.Set("rolled_back_at", Value("2026-12-05T10:05:00.000Z"));
  ASSERT_TRUE(storage_->catalog().DeleteMigration("org_1", "mig_cut").ok());
  AddMigration("mig_cut", MigrationStatus::kCompleted, live);
  EXPECT_EQ(trimmer.TrimOnce().value(), 1);
  EXPECT_EQ(FirstSeq("ns_b"), 0);
}

TEST_F(ChangeLogTrimmerTest, TheBackgroundThreadTrimsUntilStopped) {
  clock_.now = SystemClock().NowMs() + 1000;
  ChangeLogTrimmer trimmer(*storage_, clock_, logger_,
                           {std::chrono::milliseconds(0), std::chrono::milliseconds(5)});
  trimmer.Start();
  // The first pass runs at once; poll for its effect.
  for (int i = 0; i < 2000 && (FirstSeq("ns_a") != 0 || FirstSeq("ns_b") != 0); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  trimmer.Stop();
  EXPECT_EQ(FirstSeq("ns_a"), 0);
  EXPECT_EQ(FirstSeq("ns_b"), 0);
  trimmer.Stop();  // idempotent
}

}  // namespace
}  // namespace ferry::migration
