// Conformance: what a storage move relies on — enumeration (organizations, keys, tasks,
// ingestion batches), imports of batch plans and failed items exactly as they were, and
// webhook events enqueued with their delivery state.

#include <string>
#include <vector>

#include "model/webhook.h"
#include "storage/conformance/storage_conformance.h"

namespace ferry::storage::testing {
namespace {

using model::TaskStatus;

std::vector<std::string> OrgIds(const std::vector<model::Organization>& orgs) {
  std::vector<std::string> ids;
  for (const auto& o : orgs) ids.push_back(o.org_id);
  return ids;
}

TEST_P(StorageConformanceTest, ListOrganizationsReturnsEveryOneOldestFirst) {
  ASSERT_OK_AND_ASSIGN(auto none, catalog().ListOrganizations());
  EXPECT_TRUE(none.empty());
  model::Organization late{"org_a", "late", 300};
  model::Organization early{"org_b", "early", 100};
  model::Organization tie{"org_c", "tie", 100};
  ASSERT_OK(catalog().InsertOrganization(late));
  ASSERT_OK(catalog().InsertOrganization(tie));
  ASSERT_OK(catalog().InsertOrganization(early));
  ASSERT_OK_AND_ASSIGN(auto orgs, catalog().ListOrganizations());
  EXPECT_EQ(OrgIds(orgs), (std::vector<std::string>{"org_b", "org_c", "org_a"}));
  ASSERT_EQ(orgs.size(), 3u);
  EXPECT_EQ(orgs[0].name, "early");
  EXPECT_EQ(orgs[0].created_at, 100);
}

TEST_P(StorageConformanceTest, ListApiKeysReturnsOneOrganizationsHashes) {
  model::ApiKey second{std::string(64, 'a'), "org_1", "second", 20};
  model::ApiKey first{std::string(64, 'b'), "org_1", "first", 10};
  model::ApiKey other{std::string(64, 'c'), "org_2", "other", 5};
  ASSERT_OK(catalog().InsertApiKey(second));
  ASSERT_OK(catalog().InsertApiKey(first));
  ASSERT_OK(catalog().InsertApiKey(other));
  ASSERT_OK_AND_ASSIGN(auto keys, catalog().ListApiKeys("org_1"));
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].key_hash, first.key_hash);
  EXPECT_EQ(keys[0].org_id, "org_1");
  EXPECT_EQ(keys[0].name, "first");
  EXPECT_EQ(keys[0].created_at, 10);
  EXPECT_EQ(keys[1].key_hash, second.key_hash);
  ASSERT_OK_AND_ASSIGN(auto none, catalog().ListApiKeys("org_3"));
  EXPECT_TRUE(none.empty());
}

TEST_P(StorageConformanceTest, ListTasksReturnsEveryStatusOfOneOrganizationPaged) {
  model::Task done = SampleTask("org_1", "task_b", TaskStatus::kCompleted);
  model::Task pending = SampleTask("org_1", "task_a", TaskStatus::kPending);
  model::Task later = SampleTask("org_1", "task_0", TaskStatus::kFailed);
  later.created_at = done.created_at + 1;
  ASSERT_OK(catalog().UpsertTask(done));
  ASSERT_OK(catalog().UpsertTask(pending));
  ASSERT_OK(catalog().UpsertTask(later));
  ASSERT_OK(catalog().UpsertTask(SampleTask("org_2", "task_x", TaskStatus::kPending)));

  ASSERT_OK_AND_ASSIGN(auto all, catalog().ListTasks("org_1", model::Page{}));
  ASSERT_EQ(all.size(), 3u);
  ExpectSame(pending, all[0]);
  ExpectSame(done, all[1]);
  ExpectSame(later, all[2]);
  ASSERT_OK_AND_ASSIGN(auto page, catalog().ListTasks("org_1", model::Page{1, 1}));
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].task_id, "task_b");
}

TEST_P(NamespaceConformanceTest, ListBatchesReturnsOneBucketsBatchesPaged) {
  ASSERT_OK(store().InsertBucket(SampleBucket("bkt_1", "one")));
  ASSERT_OK(store().InsertBucket(SampleBucket("bkt_2", "two")));
  model::Batch late = SampleBatch("bkt_1", "btch_a");
  late.created_at += 10;
  model::Batch early = SampleBatch("bkt_1", "btch_b");
  ASSERT_OK(store().UpsertBatch(late));
  ASSERT_OK(store().UpsertBatch(early));
  ASSERT_OK(store().UpsertBatch(SampleBatch("bkt_2", "btch_c")));

  ASSERT_OK_AND_ASSIGN(auto batches, store().ListBatches("bkt_1", model::Page{}));
  ASSERT_EQ(batches.size(), 2u);
  ExpectSame(early, batches[0]);
  ExpectSame(late, batches[1]);
  ASSERT_OK_AND_ASSIGN(auto page, store().ListBatches("bkt_1", model::Page{1, 5}));
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].batch_id, "btch_a");
  ASSERT_OK_AND_ASSIGN(auto none, store().ListBatches("bkt_3", model::Page{}));
  EXPECT_TRUE(none.empty());
}

TEST_P(NamespaceConformanceTest, DeleteBatchRemovesOnlyThatBatch) {
  ASSERT_OK(store().InsertBucket(SampleBucket("bkt_1", "one")));
  ASSERT_OK(store().InsertBucket(SampleBucket("bkt_2", "two")));
  ASSERT_OK(store().UpsertBatch(SampleBatch("bkt_1", "btch_a")));
  ASSERT_OK(store().UpsertBatch(SampleBatch("bkt_1", "btch_b")));
  EXPECT_EQ(store().DeleteBatch("bkt_2", "btch_a").code(), StatusCode::kNotFound);
  ASSERT_OK(store().DeleteBatch("bkt_1", "btch_a"));
  EXPECT_EQ(store().GetBatch("bkt_1", "btch_a").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store().DeleteBatch("bkt_1", "btch_a").code(), StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(auto left, store().ListBatches("bkt_1", model::Page{}));
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].batch_id, "btch_b");
}

TEST_P(StorageConformanceTest, ImportedMigrationBatchesKeepWhoCompletedThem) {
  model::MigrationBatch done = SampleMigrationBatch("mig_1", 1);
  done.status = "completed";
  done.attempts = 2;
  done.error = "first try failed";
  done.completed_by = "worker-7";
  model::MigrationBatch open = SampleMigrationBatch("mig_1", 2);
  ASSERT_OK(catalog().ImportMigrationBatches({done, open}));
  ASSERT_OK_AND_ASSIGN(auto got, catalog().ListMigrationBatches("mig_1", 0, 10));
  ASSERT_EQ(got.size(), 2u);
  ExpectSame(done, got[0]);
  EXPECT_EQ(got[0].completed_by, "worker-7");
  ExpectSame(open, got[1]);
  EXPECT_EQ(got[1].completed_by, std::nullopt);
  // One transaction: a batch already present fails the whole import.
  EXPECT_EQ(STATUS_CODE(catalog().ImportMigrationBatches(
                {SampleMigrationBatch("mig_1", 3), SampleMigrationBatch("mig_1", 2)})),
            StatusCode::kAlreadyExists);
  ASSERT_OK_AND_ASSIGN(auto after, catalog().ListMigrationBatches("mig_1", 0, 10));
  EXPECT_EQ(after.size(), 2u);
}

model::MigrationFailedItem FailedItem(const std::string& item_id, const std::string& status,
                                      int64_t attempts) {
  model::MigrationFailedItem f;
  f.migration_id = "mig_1";
  f.item_id = item_id;
  f.resource_id = "bkt_1";
  f.resource_type = model::ResourceType::kBucket;
  f.batch_no = 4;
  f.error = "extractor said no";
  f.attempts = attempts;
  f.status = status;
  f.created_at = 111;
  f.updated_at = 222;
  return f;
}

TEST_P(StorageConformanceTest, ImportedFailedItemsKeepEveryField) {
  std::vector<model::MigrationFailedItem> items = {FailedItem("obj_1", "resolved", 3),
                                                   FailedItem("obj_2", "failed", 1)};
  ASSERT_OK(catalog().ImportMigrationFailedItems(items));
  ASSERT_OK_AND_ASSIGN(auto got, catalog().ListMigrationFailedItems("mig_1", "", model::Page{}));
  ASSERT_EQ(got.size(), 2u);
  for (size_t i = 0; i < items.size(); ++i) {
    EXPECT_EQ(got[i].migration_id, items[i].migration_id);
    EXPECT_EQ(got[i].item_id, items[i].item_id);
    EXPECT_EQ(got[i].resource_id, items[i].resource_id);
    EXPECT_EQ(got[i].resource_type, items[i].resource_type);
    EXPECT_EQ(got[i].batch_no, items[i].batch_no);
    EXPECT_EQ(got[i].error, items[i].error);
    EXPECT_EQ(got[i].attempts, items[i].attempts);
    EXPECT_EQ(got[i].status, items[i].status);
    EXPECT_EQ(got[i].created_at, items[i].created_at);
    EXPECT_EQ(got[i].updated_at, items[i].updated_at);
  }
}

TEST_P(StorageConformanceTest, ImportingAFailedItemTwiceWritesNothing) {
  ASSERT_OK(catalog().ImportMigrationFailedItems({FailedItem("obj_1", "failed", 1)}));
  EXPECT_EQ(STATUS_CODE(catalog().ImportMigrationFailedItems(
                {FailedItem("obj_2", "failed", 1), FailedItem("obj_1", "failed", 2)})),
            StatusCode::kAlreadyExists);
  ASSERT_OK_AND_ASSIGN(int64_t count, catalog().CountMigrationFailedItems("mig_1", "", {}));
  EXPECT_EQ(count, 1);
}

TEST_P(StorageConformanceTest, EnqueuedWebhooksKeepTheirDeliveryState) {
  model::WebhookEvent e;
  e.delivery_id = "whd_moved";
  e.org_id = "org_1";
  e.migration_id = "mig_1";
  e.event = "migration.completed";
  e.url = "https://example.com/hook";
  e.body = "{}";
  e.attempts = 3;
  e.next_attempt_at = 4242;
  e.status = model::kWebhookDelivered;
  e.last_error = "HTTP 502";
  e.created_at = 77;
  ASSERT_OK(catalog().EnqueueWebhook(e).status());
  ASSERT_OK_AND_ASSIGN(auto got, catalog().ListWebhooks("org_1", "mig_1"));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].sequence, 1);
  EXPECT_EQ(got[0].attempts, 3);
  EXPECT_EQ(got[0].next_attempt_at, 4242);
  EXPECT_EQ(got[0].status, model::kWebhookDelivered);
  EXPECT_EQ(got[0].last_error, "HTTP 502");
  EXPECT_EQ(got[0].created_at, 77);
}

}  // namespace
}  // namespace ferry::storage::testing
