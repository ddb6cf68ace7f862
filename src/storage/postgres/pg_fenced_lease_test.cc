// On PostgreSQL the lease, the fence and the target write are one transaction: a fenced
// write checks the batch's lease row itself, so a holder whose lease was taken over is
// refused even before the new holder has written anything (on SQLite, whose catalog is
// another file, only the fence table can refuse it, once the new holder wrote).

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "storage/postgres/pg_storage_engine.h"
#include "storage/postgres/pg_test_support.h"

namespace ferry::storage::postgres {
namespace {

constexpr int64_t kTtl = 1000;

TEST(PgFencedLeaseTest, AWriteUnderATakenOverLeaseIsRefusedBeforeTheNewHolderWrites) {
  PgOptions options;
  options.url = testing::TestClusterUrl();
  options.schema = testing::UniqueSchema();
  auto engine = PgStorageEngine::Open(options, std::string(32, 'k'));
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  CatalogStore& catalog = (*engine)->catalog();
  model::Migration m;
  m.migration_id = "mig_1";
  m.org_id = "org_a";
  m.status = model::MigrationStatus::kInProgress;
  m.config.source_namespace_id = "ns_source";
  m.created_at = 1;
  ASSERT_TRUE(catalog.InsertMigration(m).ok());
  model::MigrationBatch b;
  b.migration_id = "mig_1";
  b.batch_no = 1;
  b.resource_id = "bkt_1";
  b.resource_type = model::ResourceType::kBucket;
  b.item_ids = {"obj_1"};
  ASSERT_TRUE(catalog.InsertMigrationBatches({b}).ok());
  ASSERT_TRUE((*engine)->CreateNamespaceData("ns_target").ok());
  auto target = (*engine)->OpenNamespace("ns_target");
  ASSERT_TRUE(target.ok());

  auto first = catalog.ClaimNextMigrationBatch("mig_1", 0, "w1", 100, kTtl);
  ASSERT_TRUE(first.ok() && first->has_value());
  const model::BatchLease old = (*first)->lease;
  auto second = catalog.ClaimNextMigrationBatch("mig_1", 0, "w2", 100 + kTtl, kTtl);
  ASSERT_TRUE(second.ok() && second->has_value()) << "the expired lease is taken over";

  WriteFence stale{"mig_1/1", old.token, "mig_1", 1};
  EXPECT_EQ((*target)->UpsertObjectsFenced(stale, {}).code(), StatusCode::kLeaseLost);
  WriteFence current{"mig_1/1", (*second)->lease.token, "mig_1", 1};
  EXPECT_TRUE((*target)->UpsertObjectsFenced(current, {}).ok());
  // A fence that names no batch is checked against the fence table only, as on SQLite.
  WriteFence unnamed{"mig_1/1", old.token, "", 0};
  EXPECT_EQ((*target)->UpsertObjectsFenced(unnamed, {}).code(), StatusCode::kLeaseLost);
  testing::DropSchema(options.url, options.schema);
}

}  // namespace
}  // namespace ferry::storage::postgres
