#include "migration/webhooks/dispatcher.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "common/crypto.h"
#include "migration/webhooks/notifier.h"
#include "migration/webhooks/secrets.h"
#include "migration/webhooks/signature.h"
#include "migration/webhooks/webhook_test_support.h"

namespace ferry::migration::webhooks {
namespace {

using model::WebhookEventType;
using testing::FakeClock;
using testing::RecordedPost;
using testing::ScriptedPoster;
using testing::TempEngine;
using testing::TestSerialize;

constexpr TimestampMs kStart = 1'800'000'000'000;
constexpr char kUrl[] = "https://203.0.113.10/hooks/ferry";
constexpr int64_t kCapMs = 300'000;

WebhookDispatcherOptions TestOptions() {
  WebhookDispatcherOptions options;
  options.jitter_seed = 7;
  return options;
}

model::WebhookPayload Payload(WebhookEventType type) {
  model::WebhookPayload p;
  p.event = type;
  p.status = model::MigrationStatus::kInProgress;
  return p;
}

class DispatcherTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(engine_.ok()); }

  model::WebhookEvent Notify(const std::string& migration_id, WebhookEventType type,
                             const std::string& url = kUrl) {
    WebhookNotifier notifier(engine_.catalog(), clock_, TestSerialize);
    Result<model::WebhookEvent> event = notifier.Notify("org_a", migration_id, url, Payload(type));
    EXPECT_TRUE(event.ok()) << event.status().ToString();
    return event.ok() ? *event : model::WebhookEvent{};
  }

  std::vector<model::WebhookEvent> Events(const std::string& migration_id) {
    auto events = engine_.catalog().ListWebhooks("org_a", migration_id);
    EXPECT_TRUE(events.ok()) << events.status().ToString();
    return events.ok() ? *events : std::vector<model::WebhookEvent>{};
  }

  // Runs passes, moving the clock past the longest backoff between them, until nothing is
  // pending (at most `max_passes`).
  void DrainOutbox(WebhookDispatcher& dispatcher, int max_passes = 100) {
    for (int i = 0; i < max_passes; ++i) {
      Result<DispatchPass> pass = dispatcher.RunOnce(clock_.NowMs());
      ASSERT_TRUE(pass.ok()) << pass.status().ToString();
      auto next = engine_.catalog().NextWebhookAttemptAt();
      ASSERT_TRUE(next.ok());
      if (!next->has_value()) return;
      clock_.Advance(kCapMs + 1);
    }
    FAIL() << "outbox not drained";
  }

  TempEngine engine_;
  FakeClock clock_{kStart};
};

TEST_F(DispatcherTest, FailingReceiverGetsEveryEventOnceInOrderSignedWithStableIds) {
  ScriptedPoster poster({500, 500, Status::DeadlineExceeded("slow"), 503, 200, 500});
  WebhookDispatcher dispatcher(engine_.catalog(), poster, clock_, nullptr, TestOptions());
  const std::vector<model::WebhookEvent> a = {Notify("mig_a", WebhookEventType::kStarted),
                                              Notify("mig_a", WebhookEventType::kStageCompleted),
                                              Notify("mig_a", WebhookEventType::kCompleted)};
  const std::vector<model::WebhookEvent> b = {Notify("mig_b", WebhookEventType::kStarted),
                                              Notify("mig_b", WebhookEventType::kFailed)};
  EXPECT_EQ(a[2].sequence, 3);
  DrainOutbox(dispatcher);

  Result<std::string> secret = engine_.catalog().GetWebhookSecret("org_a");
  ASSERT_TRUE(secret.ok());  // created on first delivery
  std::map<std::string, std::vector<std::string>> want = {
      {"mig_a", {a[0].delivery_id, a[1].delivery_id, a[2].delivery_id}},
      {"mig_b", {b[0].delivery_id, b[1].delivery_id}}};
  std::map<std::string, size_t> next_index;  // per migration: the event that must come next
  std::map<std::string, std::string> body_of;
  for (const RecordedPost& post : poster.posts()) {
    const std::string id = post.headers.at(kDeliveryIdHeader);
    const std::string migration =
        id == a[0].delivery_id || id == a[1].delivery_id || id == a[2].delivery_id ? "mig_a"
                                                                                   : "mig_b";
    ASSERT_LT(next_index[migration], want[migration].size());
    EXPECT_EQ(id, want[migration][next_index[migration]]) << "out of order";
    EXPECT_EQ(post.headers.at(kSignatureHeader), "sha256=" + HmacSha256Hex(*secret, post.body));
    EXPECT_EQ(post.headers.at("Content-Type"), "application/json");
    EXPECT_NE(post.body.find(id), std::string::npos);  // the body names its delivery id
    if (body_of.count(id) > 0) {
      EXPECT_EQ(body_of[id], post.body);  // retries resend the same bytes
    }
    body_of[id] = post.body;
    if (post.status == 200) ++next_index[migration];
  }
  EXPECT_EQ(next_index["mig_a"], 3u);
  EXPECT_EQ(next_index["mig_b"], 2u);
  EXPECT_EQ(poster.posts().size(), 5u + 5u);  // 5 events, 5 failed attempts
  for (const auto& events : {Events("mig_a"), Events("mig_b")}) {
    for (const auto& e : events) {
      EXPECT_EQ(e.status, model::kWebhookDelivered) << e.delivery_id;
      EXPECT_FALSE(e.last_error.has_value());
    }
  }
}

TEST_F(DispatcherTest, FailedAttemptIsRescheduledWithinTheBackoffCeiling) {
  ScriptedPoster poster({}, 500);
  WebhookDispatcherOptions options = TestOptions();
  options.max_attempts = 100;
  WebhookDispatcher dispatcher(engine_.catalog(), poster, clock_, nullptr, options);
  Notify("mig_a", WebhookEventType::kStarted);

  for (int64_t attempt = 1; attempt <= 12; ++attempt) {
    Result<DispatchPass> pass = dispatcher.RunOnce(clock_.NowMs());
    ASSERT_TRUE(pass.ok());
    EXPECT_EQ(pass->retried, 1);
    const model::WebhookEvent e = Events("mig_a").at(0);
    EXPECT_EQ(e.attempts, attempt);
    EXPECT_EQ(e.last_error, "HTTP 500");
    const int64_t delay = e.next_attempt_at - clock_.NowMs();
    EXPECT_GE(delay, 0);
    EXPECT_LE(delay, BackoffCeiling(options.backoff, attempt - 1).count()) << attempt;
    clock_.Advance(kCapMs + 1);
  }
}

TEST_F(DispatcherTest, AbandonsAfterMaxAttemptsAndMovesOn) {
  ScriptedPoster poster({500, 500, 500}, 200);
  WebhookDispatcherOptions options = TestOptions();
  options.max_attempts = 3;
  WebhookDispatcher dispatcher(engine_.catalog(), poster, clock_, nullptr, options);
  Notify("mig_a", WebhookEventType::kStarted);
  Notify("mig_a", WebhookEventType::kCompleted);
  DrainOutbox(dispatcher);

  const std::vector<model::WebhookEvent> events = Events("mig_a");
  EXPECT_EQ(events[0].status, model::kWebhookAbandoned);
  EXPECT_EQ(events[0].attempts, 3);
  EXPECT_EQ(events[0].last_error, "HTTP 500");
  EXPECT_EQ(events[1].status, model::kWebhookDelivered);
  EXPECT_EQ(events[1].attempts, 1);
  EXPECT_EQ(poster.posts().size(), 4u);
}

TEST_F(DispatcherTest, RefusedTargetIsAbandonedWithoutAPost) {
  ScriptedPoster poster;
  WebhookDispatcher dispatcher(engine_.catalog(), poster, clock_, nullptr, TestOptions());
  Notify("mig_a", WebhookEventType::kStarted, "http://127.0.0.1:9/hook");
  Notify("mig_a", WebhookEventType::kCompleted, "ftp://203.0.113.10/");
  DrainOutbox(dispatcher);

  const std::vector<model::WebhookEvent> events = Events("mig_a");
  for (const auto& e : events) {
    EXPECT_EQ(e.status, model::kWebhookAbandoned);
    EXPECT_EQ(e.attempts, 1);
  }
  ASSERT_TRUE(events[0].last_error.has_value());
  EXPECT_NE(events[0].last_error->find("loopback"), std::string::npos) << *events[0].last_error;
  EXPECT_TRUE(poster.posts().empty());
}

TEST_F(DispatcherTest, PrivateTargetIsDeliveredWhenAllowed) {
  ScriptedPoster poster;
  WebhookDispatcherOptions options = TestOptions();
  options.allow_private_targets = true;
  WebhookDispatcher dispatcher(engine_.catalog(), poster, clock_, nullptr, options);
  Notify("mig_a", WebhookEventType::kStarted, "http://127.0.0.1:9/hook");
  DrainOutbox(dispatcher);
  EXPECT_EQ(Events("mig_a").at(0).status, model::kWebhookDelivered);
}

TEST_F(DispatcherTest, OutboxSurvivesARestart) {
  const model::WebhookEvent queued = Notify("mig_a", WebhookEventType::kStarted);
  ASSERT_TRUE(RotateSecret(engine_.catalog(), "org_a").ok());
  engine_.Reopen();
  ASSERT_TRUE(engine_.ok());

  ScriptedPoster poster;
  WebhookDispatcher dispatcher(engine_.catalog(), poster, clock_, nullptr, TestOptions());
  DrainOutbox(dispatcher);
  ASSERT_EQ(poster.posts().size(), 1u);
  EXPECT_EQ(poster.posts()[0].headers.at(kDeliveryIdHeader), queued.delivery_id);
  EXPECT_EQ(poster.posts()[0].body, queued.body);
  EXPECT_EQ(Events("mig_a").at(0).status, model::kWebhookDelivered);
}

}  // namespace
}  // namespace ferry::migration::webhooks
