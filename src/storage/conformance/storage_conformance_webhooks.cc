// Conformance: the webhook outbox and per-organization signing secrets in the catalog.

#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "storage/conformance/storage_conformance.h"

namespace ferry::storage::testing {
namespace {

model::WebhookEvent SampleWebhook(const std::string& org_id, const std::string& migration_id,
                                  const std::string& delivery_id, TimestampMs due) {
  model::WebhookEvent e;
  e.delivery_id = delivery_id;
  e.org_id = org_id;
  e.migration_id = migration_id;
  e.sequence = 99;  // ignored: the store assigns it
  e.event = "migration.started";
  e.url = "https://example.com/hook?x=1";
  e.body = std::string("{\"event\":\"migration.started\"}") + '\0' + "tail";  // bytes
  e.attempts = 2;
  e.next_attempt_at = due;
  e.last_error = "HTTP 500";
  e.created_at = 1700000000123;
  return e;
}

void ExpectSame(const model::WebhookEvent& want, const model::WebhookEvent& got) {
  EXPECT_EQ(want.delivery_id, got.delivery_id);
  EXPECT_EQ(want.org_id, got.org_id);
  EXPECT_EQ(want.migration_id, got.migration_id);
  EXPECT_EQ(want.sequence, got.sequence);
  EXPECT_EQ(want.event, got.event);
  EXPECT_EQ(want.url, got.url);
  EXPECT_EQ(want.body, got.body);
  EXPECT_EQ(want.attempts, got.attempts);
  EXPECT_EQ(want.next_attempt_at, got.next_attempt_at);
  EXPECT_EQ(want.status, got.status);
  EXPECT_EQ(want.last_error, got.last_error);
  EXPECT_EQ(want.created_at, got.created_at);
}

std::vector<std::string> DeliveryIds(const std::vector<model::WebhookEvent>& events) {
  std::vector<std::string> ids;
  for (const auto& e : events) ids.push_back(e.delivery_id);
  return ids;
}

TEST_P(StorageConformanceTest, WebhooksRoundTripAndGetSequences) {
  model::WebhookEvent first = SampleWebhook("org_a", "mig_1", "whd_1", 10);
  ASSERT_OK_AND_ASSIGN(int64_t seq, catalog().EnqueueWebhook(first));
  EXPECT_EQ(seq, 1);
  ASSERT_OK_AND_ASSIGN(seq, catalog().EnqueueWebhook(SampleWebhook("org_a", "mig_1", "whd_2", 5)));
  EXPECT_EQ(seq, 2);
  ASSERT_OK_AND_ASSIGN(seq, catalog().EnqueueWebhook(SampleWebhook("org_a", "mig_2", "whd_3", 5)));
  EXPECT_EQ(seq, 1);  // per migration
  EXPECT_EQ(STATUS_CODE(catalog().EnqueueWebhook(first)), StatusCode::kAlreadyExists);
  Restart();

  ASSERT_OK_AND_ASSIGN(auto events, catalog().ListWebhooks("org_a", "mig_1"));
  ASSERT_EQ(DeliveryIds(events), (std::vector<std::string>{"whd_1", "whd_2"}));
  first.sequence = 1;
  ExpectSame(first, events[0]);
  ASSERT_OK_AND_ASSIGN(events, catalog().ListWebhooks("org_b", "mig_1"));
  EXPECT_TRUE(events.empty());  // another organization's rows are invisible
}

TEST_P(StorageConformanceTest, DueWebhooksAreTheHeadOfEachMigration) {
  for (const char* id : {"whd_a1", "whd_a2"}) {
    ASSERT_OK(catalog().EnqueueWebhook(SampleWebhook("org_a", "mig_a", id, 0)).status());
  }
  ASSERT_OK(catalog().EnqueueWebhook(SampleWebhook("org_a", "mig_b", "whd_b1", 50)).status());

  ASSERT_OK_AND_ASSIGN(std::optional<TimestampMs> next, catalog().NextWebhookAttemptAt());
  EXPECT_EQ(next, 0);
  ASSERT_OK_AND_ASSIGN(auto due, catalog().ClaimDueWebhooks(10, 64, "whk_1", 5));
  EXPECT_EQ(DeliveryIds(due), (std::vector<std::string>{"whd_a1"}));  // b1 not yet due

  // A head retried later holds back its successor, even though that one is due.
  model::WebhookEvent head = due[0];
  head.attempts = 1;
  head.next_attempt_at = 100;
  ASSERT_OK(catalog().UpdateWebhook(head, "whk_1"));
  ASSERT_OK_AND_ASSIGN(next, catalog().NextWebhookAttemptAt());
  EXPECT_EQ(next, 50);
  ASSERT_OK_AND_ASSIGN(due, catalog().ClaimDueWebhooks(1000, 1, "whk_1", 5));
  EXPECT_EQ(DeliveryIds(due), (std::vector<std::string>{"whd_b1"}));  // limit, earliest first
  ASSERT_OK(catalog().UpdateWebhook(due[0], "whk_1"));  // released, still pending at 50

  // Once the head is resolved (delivered or abandoned) the next one is due.
  head.status = model::kWebhookAbandoned;
  ASSERT_OK_AND_ASSIGN(due, catalog().ClaimDueWebhooks(1000, 1, "whk_1", 5));
  ASSERT_EQ(DeliveryIds(due), (std::vector<std::string>{"whd_b1"}));
  ASSERT_OK_AND_ASSIGN(due, catalog().ClaimDueWebhooks(1000, 1, "whk_1", 5));
  ASSERT_EQ(DeliveryIds(due), (std::vector<std::string>{"whd_a1"}));
  ASSERT_OK(catalog().UpdateWebhook(head, "whk_1"));
  ASSERT_OK_AND_ASSIGN(due, catalog().ClaimDueWebhooks(1000, 64, "whk_2", 5));
  EXPECT_EQ(DeliveryIds(due), (std::vector<std::string>{"whd_a2"}));  // b1 still claimed
}

TEST_P(StorageConformanceTest, UpdateWebhookReplacesDeliveryStateAndReleasesTheClaim) {
  ASSERT_OK(catalog().EnqueueWebhook(SampleWebhook("org_a", "mig_1", "whd_1", 0)).status());
  ASSERT_OK_AND_ASSIGN(auto events, catalog().ClaimDueWebhooks(0, 64, "whk_1", 1000));
  ASSERT_EQ(events.size(), 1u);
  model::WebhookEvent e = events[0];
  e.attempts = 3;
  e.next_attempt_at = 777;
  e.last_error = "HTTP 502";
  ASSERT_OK(catalog().UpdateWebhook(e, "whk_1"));
  ASSERT_OK_AND_ASSIGN(events, catalog().ListWebhooks("org_a", "mig_1"));
  ExpectSame(e, events[0]);
  ASSERT_OK_AND_ASSIGN(std::optional<TimestampMs> next, catalog().NextWebhookAttemptAt());
  EXPECT_EQ(next, 777);  // released: not held back to the claim's end (1000)
  EXPECT_EQ(STATUS_CODE(catalog().UpdateWebhook(e, "whk_1")), StatusCode::kLeaseLost);

  ASSERT_OK_AND_ASSIGN(events, catalog().ClaimDueWebhooks(777, 64, "whk_1", 1000));
  e.status = model::kWebhookDelivered;
  e.last_error.reset();
  ASSERT_OK(catalog().UpdateWebhook(e, "whk_1"));
  ASSERT_OK_AND_ASSIGN(events, catalog().ListWebhooks("org_a", "mig_1"));
  ExpectSame(e, events[0]);
  ASSERT_OK_AND_ASSIGN(next, catalog().NextWebhookAttemptAt());
  EXPECT_FALSE(next.has_value());

  model::WebhookEvent foreign = e;
  foreign.org_id = "org_b";
  EXPECT_EQ(STATUS_CODE(catalog().UpdateWebhook(foreign, "whk_1")), StatusCode::kNotFound);
  foreign.org_id = "org_a";
  foreign.delivery_id = "whd_none";
  EXPECT_EQ(STATUS_CODE(catalog().UpdateWebhook(foreign, "whk_1")), StatusCode::kNotFound);
}

TEST_P(StorageConformanceTest, ExpiredWebhookClaimIsTakenOverAndTheOldOwnerIsLeaseLost) {
  ASSERT_OK(catalog().EnqueueWebhook(SampleWebhook("org_a", "mig_a", "whd_a1", 0)).status());
  ASSERT_OK(catalog().EnqueueWebhook(SampleWebhook("org_a", "mig_a", "whd_a2", 0)).status());
  ASSERT_OK_AND_ASSIGN(auto first, catalog().ClaimDueWebhooks(10, 64, "whk_old", 100));
  ASSERT_EQ(DeliveryIds(first), (std::vector<std::string>{"whd_a1"}));

  // Claimed: neither the head nor (in order) its successor is due for anyone.
  ASSERT_OK_AND_ASSIGN(auto due, catalog().ClaimDueWebhooks(109, 64, "whk_new", 100));
  EXPECT_TRUE(due.empty());
  ASSERT_OK_AND_ASSIGN(std::optional<TimestampMs> next, catalog().NextWebhookAttemptAt());
  EXPECT_EQ(next, 110);  // the claim's end

  ASSERT_OK_AND_ASSIGN(due, catalog().ClaimDueWebhooks(110, 64, "whk_new", 100));
  ASSERT_EQ(DeliveryIds(due), (std::vector<std::string>{"whd_a1"}));
  model::WebhookEvent stale = first[0];
  stale.attempts = 9;
  stale.status = model::kWebhookDelivered;
  EXPECT_EQ(STATUS_CODE(catalog().UpdateWebhook(stale, "whk_old")), StatusCode::kLeaseLost);
  ASSERT_OK_AND_ASSIGN(auto events, catalog().ListWebhooks("org_a", "mig_a"));
  EXPECT_EQ(events[0].attempts, 2);  // unchanged
  EXPECT_EQ(events[0].status, model::kWebhookPending);

  model::WebhookEvent delivered = due[0];
  delivered.attempts = 3;
  delivered.status = model::kWebhookDelivered;
  ASSERT_OK(catalog().UpdateWebhook(delivered, "whk_new"));
  EXPECT_EQ(STATUS_CODE(catalog().UpdateWebhook(stale, "whk_old")), StatusCode::kLeaseLost);
  ASSERT_OK_AND_ASSIGN(due, catalog().ClaimDueWebhooks(110, 64, "whk_old", 100));
  EXPECT_EQ(DeliveryIds(due), (std::vector<std::string>{"whd_a2"}));
}

TEST_P(StorageConformanceTest, ConcurrentWebhookClaimsNeverShareAnEvent) {
  constexpr int kEvents = 60;
  for (int i = 0; i < kEvents; ++i) {
    const std::string n = std::to_string(i);
    ASSERT_OK(catalog().EnqueueWebhook(SampleWebhook("org_a", "mig_" + n, "whd_" + n, 0)).status());
  }
  // Two owners claim small slices at once until nothing is left.
  std::vector<std::string> claimed[2];
  Status failed[2];
  auto claim_all = [&](int who) {
    const std::string owner = "whk_" + std::to_string(who);
    for (int pass = 0; pass < kEvents; ++pass) {  // bounded: a claim that took nothing
      Result<std::vector<model::WebhookEvent>> due = catalog().ClaimDueWebhooks(5, 3, owner, 1000);
      if (!due.ok()) {
        failed[who] = due.status();
        return;
      }
      if (due->empty()) return;
      for (const auto& e : *due) claimed[who].push_back(e.delivery_id);
    }
  };
  std::thread other(claim_all, 1);
  claim_all(0);
  other.join();
  ASSERT_OK(failed[0]);
  ASSERT_OK(failed[1]);

  std::set<std::string> all(claimed[0].begin(), claimed[0].end());
  for (const auto& id : claimed[1]) EXPECT_TRUE(all.insert(id).second) << id << " claimed twice";
  EXPECT_EQ(all.size(), static_cast<size_t>(kEvents));
  EXPECT_EQ(claimed[0].size() + claimed[1].size(), static_cast<size_t>(kEvents));
}

TEST_P(StorageConformanceTest, WebhookSecretsArePerOrganizationAndReplaceable) {
  EXPECT_EQ(STATUS_CODE(catalog().GetWebhookSecret("org_a")), StatusCode::kNotFound);
  ASSERT_OK(catalog().SetWebhookSecret("org_a", "whsec_one"));
  ASSERT_OK(catalog().SetWebhookSecret("org_a", "whsec_two"));
  Restart();
  ASSERT_OK_AND_ASSIGN(std::string secret, catalog().GetWebhookSecret("org_a"));
  EXPECT_EQ(secret, "whsec_two");
  EXPECT_EQ(STATUS_CODE(catalog().GetWebhookSecret("org_b")), StatusCode::kNotFound);
}

}  // namespace
}  // namespace ferry::storage::testing
