// WebhookDispatcher with several dispatchers on one outbox (as several processes on one
// database): each delivery id is posted by one of them, once.

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "migration/webhooks/dispatcher.h"
#include "migration/webhooks/notifier.h"
#include "migration/webhooks/webhook_test_support.h"

namespace ferry::migration::webhooks {
namespace {

using testing::FakeClock;
using testing::InterruptedPoster;
using testing::PostsPerDelivery;
using testing::TempEngine;
using testing::TestSerialize;

constexpr TimestampMs kStart = 1'800'000'000'000;
constexpr char kUrl[] = "https://203.0.113.10/hooks/ferry";

WebhookDispatcherOptions SmallPasses() {
  WebhookDispatcherOptions options;
  options.jitter_seed = 7;
  options.batch_size = 3;
  options.request_timeout = std::chrono::seconds(10);
  options.claim_ttl = std::chrono::seconds(60);
  return options;
}

class DispatcherClaimsTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(engine_.ok()); }

  // One event in each of `migrations` migrations; their delivery ids.
  std::vector<std::string> Enqueue(int migrations) {
    WebhookNotifier notifier(engine_.catalog(), clock_, TestSerialize);
    std::vector<std::string> ids;
    for (int i = 0; i < migrations; ++i) {
      model::WebhookPayload payload;
      auto e = notifier.Notify("org_a", "mig_" + std::to_string(i), kUrl, payload);
      EXPECT_TRUE(e.ok()) << e.status().ToString();
      if (e.ok()) ids.push_back(e->delivery_id);
    }
    return ids;
  }

  model::WebhookEvent Event(int migration) {
    auto events = engine_.catalog().ListWebhooks("org_a", "mig_" + std::to_string(migration));
    EXPECT_TRUE(events.ok() && events->size() == 1);
    return events.ok() && !events->empty() ? events->front() : model::WebhookEvent{};
  }

  std::optional<TimestampMs> NextAttempt() {
    auto next = engine_.catalog().NextWebhookAttemptAt();
    EXPECT_TRUE(next.ok());
    return next.ok() ? *next : std::nullopt;
  }

  TempEngine engine_;
  FakeClock clock_{kStart};
};

TEST_F(DispatcherClaimsTest, TwoDispatchersPostEveryDeliveryIdOnce) {
  std::optional<WebhookDispatcher> second;
  int second_delivered = 0;
  // While the first dispatcher's first POST is in flight, the second runs a whole pass.
  InterruptedPoster poster([&] {
    auto pass = second->RunOnce(clock_.NowMs());
    ASSERT_TRUE(pass.ok()) << pass.status().ToString();
    second_delivered = pass->delivered;
  });
  WebhookDispatcher first(engine_.catalog(), poster, clock_, nullptr, SmallPasses());
  second.emplace(engine_.catalog(), poster, clock_, nullptr, SmallPasses());
  EXPECT_NE(first.owner(), second->owner());
  const std::vector<std::string> ids = Enqueue(8);

  for (int i = 0; i < 10 && NextAttempt().has_value(); ++i) {
    ASSERT_TRUE(first.RunOnce(clock_.NowMs()).ok());
    ASSERT_TRUE(second->RunOnce(clock_.NowMs()).ok());
  }
  EXPECT_FALSE(NextAttempt().has_value());
  EXPECT_EQ(second_delivered, 3);  // it took other events than the first one's
  const std::map<std::string, int> posts = PostsPerDelivery(poster.posts());
  EXPECT_EQ(posts.size(), ids.size());
  for (const std::string& id : ids) EXPECT_EQ(posts.count(id) ? posts.at(id) : 0, 1) << id;
  for (int i = 0; i < 8; ++i) EXPECT_EQ(Event(i).status, model::kWebhookDelivered);
}

TEST_F(DispatcherClaimsTest, APostThatCouldOutlastTheClaimIsLeftForLater) {
  // The first POST takes 55 s: a second POST (10 s timeout) could end after the 60 s claim.
  InterruptedPoster poster([&] { clock_.Advance(55'000); });
  WebhookDispatcher dispatcher(engine_.catalog(), poster, clock_, nullptr, SmallPasses());
  Enqueue(2);

  auto pass = dispatcher.RunOnce(kStart);
  ASSERT_TRUE(pass.ok());
  EXPECT_EQ(pass->delivered, 1);
  EXPECT_EQ(poster.posts().size(), 1u);
  EXPECT_EQ(NextAttempt(), kStart + 60'000);  // still claimed, by nobody sending it

  clock_.Advance(5'000);
  pass = dispatcher.RunOnce(clock_.NowMs());
  ASSERT_TRUE(pass.ok());
  EXPECT_EQ(pass->delivered, 1);
  EXPECT_EQ(PostsPerDelivery(poster.posts()).size(), 2u);
  EXPECT_FALSE(NextAttempt().has_value());
}

TEST_F(DispatcherClaimsTest, AnOutcomeAfterTheClaimWasTakenOverIsDropped) {
  std::optional<WebhookDispatcher> second;
  // The first dispatcher stalls past its claim; the second takes the event over and
  // records its own delivery.
  InterruptedPoster poster([&] {
    clock_.Advance(61'000);
    auto pass = second->RunOnce(clock_.NowMs());
    ASSERT_TRUE(pass.ok());
    EXPECT_EQ(pass->delivered, 1);
  });
  WebhookDispatcher first(engine_.catalog(), poster, clock_, nullptr, SmallPasses());
  second.emplace(engine_.catalog(), poster, clock_, nullptr, SmallPasses());
  Enqueue(1);

  auto pass = first.RunOnce(kStart);
  ASSERT_TRUE(pass.ok()) << pass.status().ToString();
  EXPECT_EQ(pass->lost, 1);
  EXPECT_EQ(pass->delivered, 0);
  const model::WebhookEvent e = Event(0);
  EXPECT_EQ(e.status, model::kWebhookDelivered);
  EXPECT_EQ(e.attempts, 1);  // the second's record, not both
}

}  // namespace
}  // namespace ferry::migration::webhooks
