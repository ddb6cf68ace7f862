// Conformance: batch leases with fencing tokens, fenced namespace writes, and failed
// migration items.

#include <string>
#include <vector>

#include "storage/conformance/storage_conformance.h"

namespace ferry::storage::testing {
namespace {

constexpr int64_t kTtl = 1000;

// A migration with two pending batches of three documents each.
void InsertPlan(CatalogStore& catalog) {
  ASSERT_OK(catalog.InsertMigration(MinimalMigration("org_a", "mig_1")));
  std::vector<model::MigrationBatch> plan;
  for (int64_t no : {1, 2}) {
    model::MigrationBatch b = SampleMigrationBatch("mig_1", no);
    b.status = "pending";
    b.item_ids = {"doc_a", "doc_b", "doc_c"};
    plan.push_back(b);
  }
  ASSERT_OK(catalog.InsertMigrationBatches(plan));
}

model::MigrationBatch BatchOf(CatalogStore& catalog, int64_t no) {
  auto page = catalog.ListMigrationBatches("mig_1", no - 1, 1);
  EXPECT_TRUE(page.ok() && page->size() == 1);
  return page.ok() && !page->empty() ? page->front() : model::MigrationBatch{};
}

model::MigrationFailedItem Failed(const model::MigrationBatch& b, const std::string& id,
                                  const std::string& error, TimestampMs now) {
  model::MigrationFailedItem f;
  f.migration_id = b.migration_id;
  f.item_id = id;
  f.resource_id = b.resource_id;
  f.resource_type = b.resource_type;
  f.batch_no = b.batch_no;
  f.error = error;
  f.created_at = f.updated_at = now;
  return f;
}

TEST_P(StorageConformanceTest, LeaseClaimIssuesIncreasingTokensAndExcludesOthers) {
  InsertPlan(catalog());
  ASSERT_OK_AND_ASSIGN(model::BatchLease a,
                       catalog().ClaimMigrationBatch("mig_1", 1, "w1", 100, kTtl));
  EXPECT_EQ(a.owner, "w1");
  EXPECT_EQ(a.expires_at, 100 + kTtl);
  EXPECT_GT(a.token, 0);
  // Another worker cannot take an unexpired lease.
  EXPECT_EQ(STATUS_CODE(catalog().ClaimMigrationBatch("mig_1", 1, "w2", 500, kTtl)),
            StatusCode::kUnavailable);
  // Tokens grow across batches too.
  ASSERT_OK_AND_ASSIGN(model::BatchLease b,
                       catalog().ClaimMigrationBatch("mig_1", 2, "w2", 500, kTtl));
  EXPECT_GT(b.token, a.token);
  EXPECT_EQ(STATUS_CODE(catalog().ClaimMigrationBatch("mig_1", 9, "w1", 500, kTtl)),
            StatusCode::kNotFound);
}

TEST_P(StorageConformanceTest, LeaseRenewExtendsUntilSomeoneReclaims) {
  InsertPlan(catalog());
  ASSERT_OK_AND_ASSIGN(model::BatchLease a,
                       catalog().ClaimMigrationBatch("mig_1", 1, "w1", 100, kTtl));
  ASSERT_OK_AND_ASSIGN(a, catalog().RenewBatchLease(a, 900, kTtl));
  EXPECT_EQ(a.expires_at, 900 + kTtl);
  // Still held at 1500 thanks to the renewal.
  EXPECT_EQ(STATUS_CODE(catalog().ClaimMigrationBatch("mig_1", 1, "w2", 1500, kTtl)),
            StatusCode::kUnavailable);
  // Expired and reclaimed: a new, higher token; the old holder can no longer renew.
  ASSERT_OK_AND_ASSIGN(model::BatchLease b,
                       catalog().ClaimMigrationBatch("mig_1", 1, "w2", 2000, kTtl));
  EXPECT_GT(b.token, a.token);
  EXPECT_EQ(b.owner, "w2");
  EXPECT_EQ(STATUS_CODE(catalog().RenewBatchLease(a, 2001, kTtl)), StatusCode::kLeaseLost);
  EXPECT_EQ(STATUS_CODE(catalog().ReleaseBatchLease(a)), StatusCode::kLeaseLost);
}

TEST_P(StorageConformanceTest, LeaseExpiredLeaseSurvivesRestartAndIsReclaimed) {
  InsertPlan(catalog());
  ASSERT_OK_AND_ASSIGN(model::BatchLease dead,
                       catalog().ClaimMigrationBatch("mig_1", 1, "w1", 100, kTtl));
  Restart();  // the holder's process is gone; its lease stays until it expires
  EXPECT_EQ(STATUS_CODE(catalog().ClaimMigrationBatch("mig_1", 1, "w2", 100 + kTtl - 1, kTtl)),
            StatusCode::kUnavailable);
  ASSERT_OK_AND_ASSIGN(model::BatchLease next,
                       catalog().ClaimMigrationBatch("mig_1", 1, "w2", 100 + kTtl, kTtl));
  EXPECT_GT(next.token, dead.token);
}

TEST_P(StorageConformanceTest, LeaseReleaseLetsAnotherWorkerClaimAtOnce) {
  InsertPlan(catalog());
  ASSERT_OK_AND_ASSIGN(model::BatchLease a,
                       catalog().ClaimMigrationBatch("mig_1", 1, "w1", 100, kTtl));
  ASSERT_OK(catalog().ReleaseBatchLease(a));
  ASSERT_OK_AND_ASSIGN(model::BatchLease b,
                       catalog().ClaimMigrationBatch("mig_1", 1, "w2", 101, kTtl));
  EXPECT_GT(b.token, a.token);
  // A released lease cannot complete the batch.
  model::MigrationBatch batch = BatchOf(catalog(), 1);
  batch.status = "completed";
  EXPECT_EQ(STATUS_CODE(catalog().CompleteMigrationBatch(a, batch, {}, 102)),
            StatusCode::kLeaseLost);
}

TEST_P(StorageConformanceTest, LeaseCompleteWithStaleTokenIsRejectedAndWritesNothing) {
  InsertPlan(catalog());
  ASSERT_OK_AND_ASSIGN(model::BatchLease old,
                       catalog().ClaimMigrationBatch("mig_1", 1, "w1", 100, kTtl));
  ASSERT_OK_AND_ASSIGN(model::BatchLease cur,
                       catalog().ClaimMigrationBatch("mig_1", 1, "w2", 100 + kTtl, kTtl));
  model::MigrationBatch batch = BatchOf(catalog(), 1);
  batch.status = "completed";
  batch.items_failed = 1;
  batch.attempts = 1;
  EXPECT_EQ(STATUS_CODE(catalog().CompleteMigrationBatch(old, batch,
                                                         {Failed(batch, "doc_a", "boom", 5)}, 5)),
            StatusCode::kLeaseLost);
  EXPECT_EQ(BatchOf(catalog(), 1).status, "pending");
  ASSERT_OK_AND_ASSIGN(int64_t n, catalog().CountMigrationFailedItems("mig_1", "", std::nullopt));
  EXPECT_EQ(n, 0);
  // The current holder completes; afterwards nobody can claim or renew.
  ASSERT_OK(catalog().CompleteMigrationBatch(cur, batch, {Failed(batch, "doc_a", "boom", 5)}, 5));
  EXPECT_EQ(BatchOf(catalog(), 1).status, "completed");
  EXPECT_EQ(BatchOf(catalog(), 1).items_failed, 1);
  EXPECT_EQ(STATUS_CODE(catalog().ClaimMigrationBatch("mig_1", 1, "w3", 99999, kTtl)),
            StatusCode::kAlreadyCompleted);
  EXPECT_EQ(STATUS_CODE(catalog().RenewBatchLease(cur, 200, kTtl)), StatusCode::kLeaseLost);
}

TEST_P(StorageConformanceTest, LeaseFailedItemsAreRecordedResolvedAndCounted) {
  InsertPlan(catalog());
  model::MigrationBatch batch = BatchOf(catalog(), 1);
  ASSERT_OK_AND_ASSIGN(model::BatchLease l,
                       catalog().ClaimMigrationBatch("mig_1", 1, "w1", 10, kTtl));
  batch.status = "completed";
  batch.items_failed = 2;
  ASSERT_OK(catalog().CompleteMigrationBatch(
      l, batch, {Failed(batch, "doc_b", "bad image", 10), Failed(batch, "doc_c", "timeout", 10)},
      10));
  ASSERT_OK_AND_ASSIGN(auto items, catalog().ListMigrationFailedItems("mig_1", "failed", {0, 10}));
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].item_id, "doc_b");
  EXPECT_EQ(items[0].error, "bad image");
  EXPECT_EQ(items[0].resource_id, batch.resource_id);
  EXPECT_EQ(items[0].resource_type, batch.resource_type);
  EXPECT_EQ(items[0].batch_no, 1);
  EXPECT_EQ(items[0].attempts, 1);
  EXPECT_EQ(items[0].status, "failed");
  EXPECT_EQ(items[0].created_at, 10);
  ASSERT_OK_AND_ASSIGN(items, catalog().ListMigrationFailedItems("mig_1", "failed", {1, 10}));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].item_id, "doc_c");

  // A retry batch of both: doc_b succeeds, doc_c fails again.
  model::MigrationBatch retry = BatchOf(catalog(), 2);
  retry.resource_id = batch.resource_id;
  retry.item_ids = {"doc_b", "doc_c"};
  ASSERT_OK_AND_ASSIGN(l, catalog().ClaimMigrationBatch("mig_1", 2, "w1", 20, kTtl));
  retry.status = "completed";
  ASSERT_OK(
      catalog().CompleteMigrationBatch(l, retry, {Failed(retry, "doc_c", "timeout 2", 20)}, 20));
  Restart();
  ASSERT_OK_AND_ASSIGN(items, catalog().ListMigrationFailedItems("mig_1", "failed", {0, 10}));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].item_id, "doc_c");
  EXPECT_EQ(items[0].attempts, 2);
  EXPECT_EQ(items[0].error, "timeout 2");
  EXPECT_EQ(items[0].batch_no, 2);
  ASSERT_OK_AND_ASSIGN(items, catalog().ListMigrationFailedItems("mig_1", "resolved", {0, 10}));
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].item_id, "doc_b");
  EXPECT_EQ(items[0].updated_at, 20);
  ASSERT_OK_AND_ASSIGN(int64_t n, catalog().CountMigrationFailedItems("mig_1", "", std::nullopt));
  EXPECT_EQ(n, 2);
  ASSERT_OK_AND_ASSIGN(
      n, catalog().CountMigrationFailedItems("mig_1", "failed", std::string("col_other")));
  EXPECT_EQ(n, 0);
  // Deleting the migration deletes its failed items.
  ASSERT_OK(catalog().DeleteMigration("org_a", "mig_1"));
  ASSERT_OK_AND_ASSIGN(n, catalog().CountMigrationFailedItems("mig_1", "", std::nullopt));
  EXPECT_EQ(n, 0);
}

// ---- fenced writes in a namespace ----

TEST_P(NamespaceConformanceTest, FencedWritesRejectStaleTokens) {
  ASSERT_OK(store().InsertBucket(SampleBucket("bkt_1", "b")));
  ASSERT_OK(store().InsertCollection(SampleCollection("col_1", "c")));
  model::Object o = SampleObject("bkt_1", "obj_1");
  model::Document d = SampleDocument("col_1", "doc_1", "obj_1");
  ASSERT_OK(store().UpsertObjectsFenced({"mig_1/1", 5}, {o}));
  ASSERT_OK(store().UpsertDocumentsFenced({"mig_1/1", 5}, {d}));
  // A newer holder writes; the older one is refused from then on and writes nothing.
  o.key_prefix = "/newer";
  ASSERT_OK(store().UpsertObjectsFenced({"mig_1/1", 7}, {o}));
  model::Object stale = o;
  stale.key_prefix = "/stale";
  EXPECT_EQ(STATUS_CODE(store().UpsertObjectsFenced({"mig_1/1", 5}, {stale})),
            StatusCode::kLeaseLost);
  model::Document stale_doc = SampleDocument("col_1", "doc_2", "obj_1");
  EXPECT_EQ(STATUS_CODE(store().UpsertDocumentsFenced({"mig_1/1", 6}, {stale_doc})),
            StatusCode::kLeaseLost);
  ASSERT_OK_AND_ASSIGN(model::Object got, store().GetObject("bkt_1", "obj_1"));
  EXPECT_EQ(got.key_prefix, "/newer");
  EXPECT_EQ(STATUS_CODE(store().GetDocument("col_1", "doc_2", false)), StatusCode::kNotFound);
  // Other keys are independent; the same token may write again.
  ASSERT_OK(store().UpsertDocumentsFenced({"mig_1/2", 1}, {stale_doc}));
  ASSERT_OK(store().UpsertObjectsFenced({"mig_1/1", 7}, {o}));
  Restart();
  ASSERT_OK_AND_ASSIGN(auto reopened, engine().OpenNamespace("ns_test"));
  EXPECT_EQ(STATUS_CODE(reopened->UpsertObjectsFenced({"mig_1/1", 6}, {stale})),
            StatusCode::kLeaseLost);
}

}  // namespace

}  // namespace ferry::storage::testing
