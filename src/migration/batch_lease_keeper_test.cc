// BatchLeaseKeeper: held leases are renewed so they outlive their ttl, a forgotten lease is
// not, and a lease another worker took over is reported lost — and the writes its former
// holder then makes under it are refused (fenced writes, completion, release).
//
// Time is the test's: a GatedClock that the test sets, and whose readings by the keeper's
// renewer thread wait for the test's go-ahead, so each renewal happens exactly when and at
// the time the test says. Nothing sleeps; every wait for the renewer has a deadline.
#include "migration/batch_lease_keeper.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include "storage/sqlite/sqlite_storage_engine.h"

namespace ferry::migration {
namespace {

constexpr int64_t kTtl = 30;  // the keeper renews every ttl/3 = 10 ms (real time)
constexpr TimestampMs kT0 = 1'000'000;
constexpr auto kDeadline = std::chrono::seconds(60);

// The test thread reads the time freely; any other thread (the renewer) waits in NowMs
// until the test admits that reading. Open() lets every reading through (teardown).
class GatedClock final : public Clock {
 public:
  explicit GatedClock(TimestampMs now) : now_(now), driver_(std::this_thread::get_id()) {}

  TimestampMs NowMs() const override {
    std::unique_lock<std::mutex> lock(mu_);
    if (std::this_thread::get_id() == driver_ || open_) return now_;
    ++waiting_;
    cv_.notify_all();
    cv_.wait(lock, [this] { return grants_ > 0 || open_; });
    if (grants_ > 0) --grants_;
    --waiting_;
    cv_.notify_all();
    return now_;
  }

  void Set(TimestampMs now) {
    std::lock_guard<std::mutex> lock(mu_);
    now_ = now;
  }

  // Waits until another thread asks for the time (and no admitted reading is pending).
  bool AwaitReader() {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, kDeadline, [this] { return waiting_ > 0 && grants_ == 0; });
  }

  // Lets one waiting reading through, at the current time.
  void Admit() {
    std::lock_guard<std::mutex> lock(mu_);
    ++grants_;
    cv_.notify_all();
  }

  void Open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    cv_.notify_all();
  }

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  TimestampMs now_;
  const std::thread::id driver_;
  mutable int waiting_ = 0;
  mutable int grants_ = 0;
  bool open_ = false;
};

class BatchLeaseKeeperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ferry_lease_keeper_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    auto opened = storage::sqlite::SqliteStorageEngine::Open(dir_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    engine_ = std::move(opened).value();
    model::Migration m;
    m.migration_id = "mig_1";
    m.org_id = "org_a";
    m.config.source_namespace_id = "ns_source";
    m.created_at = 1;
    ASSERT_TRUE(catalog().InsertMigration(m).ok());
    std::vector<model::MigrationBatch> plan;
    for (int64_t no : {1, 2}) {
      model::MigrationBatch b;
      b.migration_id = "mig_1";
      b.batch_no = no;
      b.resource_id = "bkt_1";
      b.resource_type = model::ResourceType::kBucket;
      b.status = "pending";
      b.item_ids = {"obj_1"};
      plan.push_back(b);
    }
    ASSERT_TRUE(catalog().InsertMigrationBatches(plan).ok());
    keeper_ = std::make_unique<BatchLeaseKeeper>(catalog(), clock_, logger_, "wrk_a", kTtl);
  }

  void TearDown() override {
    clock_.Open();  // the renewer may be waiting for the time
    keeper_.reset();
    engine_.reset();
    std::filesystem::remove_all(dir_);
  }

  storage::CatalogStore& catalog() { return engine_->catalog(); }

  // The keeper claims the next free batch; the test expects it to be `batch_no`.
  model::BatchLease Claim(int64_t batch_no) {
    auto claimed = keeper_->ClaimNext("mig_1", 0);
    EXPECT_TRUE(claimed.ok()) << claimed.status().ToString();
    if (!claimed.ok() || !claimed->has_value()) return model::BatchLease{};
    EXPECT_EQ((*claimed)->batch.batch_no, batch_no);
    EXPECT_EQ((*claimed)->lease.owner, "wrk_a");
    return (*claimed)->lease;
  }

  // Another worker's claim, straight from the catalog at the clock's time.
  StatusCode OtherClaims(int64_t batch_no, model::BatchLease* out = nullptr) {
    auto lease = catalog().ClaimMigrationBatch("mig_1", batch_no, "wrk_b", clock_.NowMs(), kTtl);
    if (lease.ok() && out != nullptr) *out = *lease;
    return lease.ok() ? StatusCode::kOk : lease.status().code();
  }

  // Lets the renewer read the time once (it renews one lease at that time) and waits until
  // that renewal is done: the renewer asks for the time again (a lease must still be held).
  void RenewOne() {
    ASSERT_TRUE(clock_.AwaitReader()) << "the renewer never asked for the time";
    clock_.Admit();
    ASSERT_TRUE(clock_.AwaitReader()) << "the renewer did not come back";
  }

  GatedClock clock_{kT0};
  Logger logger_{LogLevel::kError};
  std::string dir_;
  std::unique_ptr<storage::sqlite::SqliteStorageEngine> engine_;
  std::unique_ptr<BatchLeaseKeeper> keeper_;
};

TEST_F(BatchLeaseKeeperTest, HeldLeaseIsRenewedAndOutlivesItsTtl) {
  Claim(1);  // expires at kT0 + kTtl unless renewed
  clock_.Set(kT0 + 20);
  RenewOne();  // now held until kT0 + 20 + kTtl
  clock_.Set(kT0 + kTtl + 10);
  EXPECT_EQ(OtherClaims(1), StatusCode::kUnavailable) << "the renewal did not extend the lease";
  RenewOne();  // at kT0 + kTtl + 10
  clock_.Set(kT0 + 2 * kTtl + 5);
  EXPECT_EQ(OtherClaims(1), StatusCode::kUnavailable);
  EXPECT_FALSE(keeper_->Lost(1));
}

TEST_F(BatchLeaseKeeperTest, ForgottenLeaseIsNoLongerRenewed) {
  Claim(1);
  Claim(2);  // keeps the renewer coming back
  ASSERT_TRUE(clock_.AwaitReader());
  keeper_->Forget(1);
  // A round may have listed batch 1 before Forget: at most two readings finish it, and a
  // third belongs to a round listed after. All at kT0: they renew no further than kT0+kTtl.
  for (int i = 0; i < 3; ++i) RenewOne();
  clock_.Set(kT0 + kTtl + 10);
  RenewOne();  // renews batch 2 only, twice: a round that still held batch 1 would have
  RenewOne();  // renewed it within two readings
  model::BatchLease taken;
  EXPECT_EQ(OtherClaims(1, &taken), StatusCode::kOk) << "a forgotten lease was renewed";
  EXPECT_EQ(taken.owner, "wrk_b");
  EXPECT_EQ(OtherClaims(2), StatusCode::kUnavailable) << "a held lease was not renewed";
}

// A renewal that runs after the batch's completion committed (before its holder forgets
// the lease) finds the lease gone: that is the batch's end, not a lost lease.
TEST_F(BatchLeaseKeeperTest, ARenewalAfterTheCompletionIsNoLostLease) {
  model::BatchLease mine = Claim(1);
  Claim(2);  // keeps the renewer coming back
  auto batch = catalog().ListMigrationBatches("mig_1", 0, 1);
  ASSERT_TRUE(batch.ok() && batch->size() == 1u);
  model::MigrationBatch done = batch->front();
  done.status = "completed";
  keeper_->Finishing(1);
  ASSERT_TRUE(catalog().CompleteMigrationBatch(mine, done, {}, clock_.NowMs()).ok());
  for (int i = 0; i < 3; ++i) RenewOne();  // batch 1's renewal among them
  EXPECT_FALSE(keeper_->Lost(1));
  EXPECT_FALSE(keeper_->Lost(2));
  keeper_->Forget(1);
}

TEST_F(BatchLeaseKeeperTest, LeaseTakenOverIsLostAndItsHoldersWritesAreRefused) {
  ASSERT_TRUE(engine_->CreateNamespaceData("ns_target").ok());
  auto opened = engine_->OpenNamespace("ns_target");
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  std::shared_ptr<storage::NamespaceStore> target = *opened;
  model::Bucket bucket;
  bucket.bucket_id = "bkt_1";
  bucket.bucket_name = "b";
  bucket.metadata = model::Value(model::ValueObject{});
  ASSERT_TRUE(target->InsertBucket(bucket).ok());
  auto object = [](const std::string& writer) {
    model::Object o;
    o.object_id = "obj_1";
    o.bucket_id = "bkt_1";
    o.key_prefix = "/" + writer;
    return o;
  };

  model::BatchLease mine = Claim(1);
  Claim(2);  // still ours at the end; keeps the renewer coming back
  const storage::WriteFence my_fence{"mig_1/1", mine.token};
  ASSERT_TRUE(target->UpsertObjectsFenced(my_fence, {object("a")}).ok());

  // This worker stalls past its ttl (no renewal runs); another one takes batch 1 over.
  clock_.Set(kT0 + kTtl + 1);
  model::BatchLease theirs;
  ASSERT_EQ(OtherClaims(1, &theirs), StatusCode::kOk);
  EXPECT_GT(theirs.token, mine.token);
  ASSERT_TRUE(target->UpsertObjectsFenced({"mig_1/1", theirs.token}, {object("b")}).ok());

  // The keeper's next renewal of batch 1 finds the token stale.
  for (int i = 0; i < 3 && !keeper_->Lost(1); ++i) RenewOne();
  EXPECT_TRUE(keeper_->Lost(1));
  EXPECT_FALSE(keeper_->Lost(2)) << "batch 2 expired but nobody took it: renewed, not lost";

  // The former holder writes anyway: every write under the stale lease is refused.
  EXPECT_EQ(target->UpsertObjectsFenced(my_fence, {object("stale")}).code(),
            StatusCode::kLeaseLost);
  auto got = target->GetObject("bkt_1", "obj_1");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(got->key_prefix, "/b");
  auto batch = catalog().ListMigrationBatches("mig_1", 0, 1);
  ASSERT_TRUE(batch.ok() && batch->size() == 1u);
  model::MigrationBatch done = batch->front();
  done.status = "completed";
  EXPECT_EQ(catalog().CompleteMigrationBatch(mine, done, {}, clock_.NowMs()).code(),
            StatusCode::kLeaseLost);
  EXPECT_EQ(catalog().ReleaseBatchLease(mine).code(), StatusCode::kLeaseLost);
  batch = catalog().ListMigrationBatches("mig_1", 0, 1);
  ASSERT_TRUE(batch.ok() && batch->size() == 1u);
  EXPECT_EQ(batch->front().status, "pending");
  // The new holder completes it; batch 2, renewed after its expiry, is still this worker's.
  EXPECT_TRUE(catalog().CompleteMigrationBatch(theirs, done, {}, clock_.NowMs()).ok());
  RenewOne();  // the only lease left: batch 2
  EXPECT_FALSE(keeper_->Lost(2));
  EXPECT_EQ(OtherClaims(2), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace ferry::migration
