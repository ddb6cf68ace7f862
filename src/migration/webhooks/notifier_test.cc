#include "migration/webhooks/notifier.h"

#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <string>

#include "common/ids.h"
#include "migration/webhooks/dispatcher.h"
#include "migration/webhooks/secrets.h"
#include "migration/webhooks/webhook_test_support.h"

namespace ferry::migration::webhooks {
namespace {

using model::WebhookEventType;
using testing::FakeClock;
using testing::TempEngine;
using testing::TestSerialize;

constexpr TimestampMs kNow = 1'800'000'000'000;

// A receiver that never answers: each Post blocks until Release(), then times out.
class HangingPoster final : public HttpPoster {
 public:
  Result<int> Post(const std::string&, const std::string&, const HttpHeaders&,
                   std::chrono::milliseconds) override {
    std::call_once(entered_once_, [this] { entered_.set_value(); });
    released_.wait();
    return Status::DeadlineExceeded("receiver did not answer");
  }
  std::future<void> Entered() { return entered_.get_future(); }
  void Release() { release_.set_value(); }

 private:
  std::once_flag entered_once_;
  std::promise<void> entered_;
  std::promise<void> release_;
  std::shared_future<void> released_ = release_.get_future().share();
};

TEST(NotifierTest, NotifyEnqueuesAStampedSerializedEvent) {
  TempEngine engine;
  ASSERT_TRUE(engine.ok());
  FakeClock clock(kNow);
  WebhookNotifier notifier(engine.catalog(), clock, TestSerialize);
  model::WebhookPayload payload;
  payload.event = WebhookEventType::kCompleted;
  payload.status = model::MigrationStatus::kCompleted;
  Result<model::WebhookEvent> e =
      notifier.Notify("org_a", "mig_1", "https://203.0.113.1/h", payload);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_TRUE(HasIdPrefix(e->delivery_id, "whd"));
  EXPECT_EQ(e->event, "migration.completed");
  EXPECT_EQ(e->sequence, 1);
  EXPECT_EQ(e->status, model::kWebhookPending);
  EXPECT_EQ(e->next_attempt_at, kNow);
  payload.delivery_id = e->delivery_id;
  payload.migration_id = "mig_1";
  payload.timestamp = kNow;
  EXPECT_EQ(e->body, TestSerialize(payload));
  auto stored = engine.catalog().ListWebhooks("org_a", "mig_1");
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_EQ((*stored)[0].body, e->body);
}

TEST(NotifierTest, NotifyMigrationWithoutWebhookUrlDoesNothing) {
  TempEngine engine;
  ASSERT_TRUE(engine.ok());
  FakeClock clock(kNow);
  WebhookNotifier notifier(engine.catalog(), clock, TestSerialize);
  model::Migration m;
  m.org_id = "org_a";
  m.migration_id = "mig_1";
  EXPECT_TRUE(notifier.NotifyMigration(m, WebhookEventType::kStarted).ok());
  m.config.webhook_url = "https://203.0.113.1/h";
  EXPECT_TRUE(notifier.NotifyMigration(m, WebhookEventType::kStarted).ok());
  auto stored = engine.catalog().ListWebhooks("org_a", "mig_1");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->size(), 1u);
}

TEST(NotifierTest, HangingReceiverDoesNotBlockNotify) {
  TempEngine engine;
  ASSERT_TRUE(engine.ok());
  FakeClock clock(kNow);
  HangingPoster poster;
  WebhookDispatcherOptions options;
  options.max_attempts = 1;  // abandon at once so the thread goes idle after Release
  WebhookDispatcher dispatcher(engine.catalog(), poster, clock, nullptr, options);
  WebhookNotifier notifier(engine.catalog(), clock, TestSerialize, &dispatcher);
  dispatcher.Start();

  ASSERT_TRUE(notifier.Notify("org_a", "mig_1", "https://203.0.113.1/h", {}).ok());
  poster.Entered().wait();  // the dispatcher is now stuck inside Post
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(notifier.Notify("org_a", "mig_1", "https://203.0.113.1/h", {}).ok());
  }
  auto stored = engine.catalog().ListWebhooks("org_a", "mig_1");
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->size(), 6u);
  poster.Release();
  dispatcher.Stop();
  dispatcher.Stop();  // idempotent
}

TEST(SecretsTest, RotateReplacesAndEnsureKeeps) {
  TempEngine engine;
  ASSERT_TRUE(engine.ok());
  Result<std::string> first = EnsureSecret(engine.catalog(), "org_a");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->rfind(kSecretPrefix, 0), 0u);
  EXPECT_EQ(first->size(), 6u + 64u);
  Result<std::string> again = EnsureSecret(engine.catalog(), "org_a");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *first);
  Result<std::string> rotated = RotateSecret(engine.catalog(), "org_a");
  ASSERT_TRUE(rotated.ok());
  EXPECT_NE(*rotated, *first);
  EXPECT_EQ(*engine.catalog().GetWebhookSecret("org_a"), *rotated);
}

}  // namespace
}  // namespace ferry::migration::webhooks
