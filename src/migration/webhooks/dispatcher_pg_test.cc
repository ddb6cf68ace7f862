// Two ferryd processes on one PostgreSQL database, as far as webhooks go: two engines
// (separate connection pools) over one schema, each with its own dispatcher thread,
// deliver a busy outbox. Every delivery id is posted once, each migration's in order.

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "migration/webhooks/dispatcher.h"
#include "migration/webhooks/notifier.h"
#include "migration/webhooks/webhook_test_support.h"
#include "storage/postgres/pg_storage_engine.h"
#include "storage/postgres/pg_test_support.h"

namespace ferry::migration::webhooks {
namespace {

using testing::FakeClock;
using testing::PostsPerDelivery;
using testing::RecordedPost;
using testing::ScriptedPoster;
using testing::TestSerialize;

constexpr int kMigrations = 20;
constexpr int kEventsPerMigration = 10;

class DispatcherPgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (auto& engine : engines_) {
      storage::postgres::PgOptions options;
      options.url = url_;
      options.schema = schema_;
      options.pool_size = 2;
      auto opened = storage::postgres::PgStorageEngine::Open(options, std::string(32, 'k'));
      ASSERT_TRUE(opened.ok()) << opened.status().ToString();
      engine = std::move(opened).value();
    }
  }
  void TearDown() override {
    for (auto& engine : engines_) engine.reset();
    storage::postgres::testing::DropSchema(url_, schema_);
  }

  storage::CatalogStore& catalog(int i) { return engines_[i]->catalog(); }

  // Whether nothing is pending, polled until `deadline`.
  bool DrainedBy(std::chrono::steady_clock::time_point deadline) {
    while (std::chrono::steady_clock::now() < deadline) {
      auto next = catalog(0).NextWebhookAttemptAt();
      if (next.ok() && !next->has_value()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));  // poll interval
    }
    return false;
  }

  const std::string url_ = storage::postgres::testing::TestClusterUrl();
  const std::string schema_ = storage::postgres::testing::UniqueSchema();
  std::unique_ptr<storage::postgres::PgStorageEngine> engines_[2];
  FakeClock clock_{1'800'000'000'000};
};

TEST_F(DispatcherPgTest, TwoProcessesPostEveryDeliveryIdOnceAndInOrder) {
  std::map<std::string, std::vector<std::string>> ids_of;  // migration → ids in sequence
  for (int e = 0; e < kEventsPerMigration; ++e) {
    for (int m = 0; m < kMigrations; ++m) {
      WebhookNotifier notifier(catalog(m % 2), clock_, TestSerialize);
      const std::string migration = "mig_" + std::to_string(m);
      auto event = notifier.Notify("org_a", migration, "https://203.0.113.10/hook", {});
      ASSERT_TRUE(event.ok()) << event.status().ToString();
      ids_of[migration].push_back(event->delivery_id);
    }
  }
  WebhookDispatcherOptions options;
  options.batch_size = 4;
  options.idle_poll = std::chrono::milliseconds(20);  // pick up what the other released
  ScriptedPoster poster;
  WebhookDispatcher first(catalog(0), poster, clock_, nullptr, options);
  WebhookDispatcher second(catalog(1), poster, clock_, nullptr, options);
  first.Start();
  second.Start();
  const bool drained = DrainedBy(std::chrono::steady_clock::now() + std::chrono::minutes(2));
  first.Stop();
  second.Stop();
  ASSERT_TRUE(drained) << "outbox not drained";

  const std::vector<RecordedPost> posts = poster.posts();
  const std::map<std::string, int> per_delivery = PostsPerDelivery(posts);
  EXPECT_EQ(per_delivery.size(), static_cast<size_t>(kMigrations * kEventsPerMigration));
  for (const auto& [id, count] : per_delivery) EXPECT_EQ(count, 1) << id << " posted twice";
  std::map<std::string, std::string> migration_of;
  for (const auto& [migration, ids] : ids_of) {
    for (const auto& id : ids) migration_of[id] = migration;
  }
  std::map<std::string, size_t> next_index;
  for (const RecordedPost& post : posts) {
    const std::string id = post.headers.at(kDeliveryIdHeader);
    const std::string& migration = migration_of[id];
    ASSERT_LT(next_index[migration], ids_of[migration].size());
    EXPECT_EQ(id, ids_of[migration][next_index[migration]++]) << "out of order in " << migration;
  }
}

}  // namespace
}  // namespace ferry::migration::webhooks
