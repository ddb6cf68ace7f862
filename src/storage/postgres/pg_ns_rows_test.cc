// The row writers of pg_ns_rows.h, inside a caller's transaction: what they leave of it.

#include "storage/postgres/pg_ns_rows.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "storage/conformance/storage_conformance.h"
#include "storage/postgres/pg_params.h"
#include "storage/postgres/pg_storage_engine.h"
#include "storage/postgres/pg_test_support.h"

namespace ferry::storage::postgres {
namespace {

using storage::testing::SampleBucket;
using storage::testing::SampleCollection;
using storage::testing::SampleDocument;
using storage::testing::SampleObject;

class PgRowWritesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.url = testing::TestClusterUrl();
    options_.schema = testing::UniqueSchema();
    options_.pool_size = 2;
    auto engine = PgStorageEngine::Open(options_, std::string(32, 'k'));
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = std::move(*engine);
    ASSERT_TRUE(engine_->CreateNamespaceData("ns_a").ok());
    auto store = engine_->OpenNamespace("ns_a").value();
    ASSERT_TRUE(store->InsertBucket(SampleBucket("bkt_1", "b")).ok());
    ASSERT_TRUE(store->InsertCollection(SampleCollection("col_1", "c")).ok());
    db_ = std::move(PgDb::Open(options_).value());
  }
  void TearDown() override {
    engine_.reset();
    db_.reset();
    testing::DropSchema(options_.url, options_.schema);
  }

  PgOptions options_;
  std::unique_ptr<PgStorageEngine> engine_;
  std::unique_ptr<PgDb> db_;
};

// The writers plan their statements generically (their column arrays are not folded into
// the plan) and give the transaction back its own setting for what it runs next.
TEST_F(PgRowWritesTest, AWriteGivesTheTransactionBackItsPlanCacheMode) {
  Result<std::string> after = db_->Run("write", [&](pqxx::work& tx) -> Result<std::string> {
    tx.exec("SET LOCAL plan_cache_mode = force_custom_plan");
    FERRY_RETURN_IF_ERROR(UpsertObjectRows(tx, "ns_a", {SampleObject("bkt_1", "obj_1")}));
    FERRY_RETURN_IF_ERROR(
        UpsertDocumentRows(tx, "ns_a", {SampleDocument("col_1", "doc_1", "obj_1")}));
    return ReadText(tx.exec("SHOW plan_cache_mode")[0][0]);
  });
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(*after, "force_custom_plan");
  auto store = engine_->OpenNamespace("ns_a").value();
  EXPECT_EQ(store->CountDocuments("col_1").value(), 1);
  EXPECT_EQ(store->CountObjects("bkt_1").value(), 1);
}

}  // namespace
}  // namespace ferry::storage::postgres
