// PgDb and the schema upgrade against the throwaway cluster.

#include "storage/postgres/pg_db.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "storage/postgres/pg_params.h"
#include "storage/postgres/pg_schema.h"
#include "storage/postgres/pg_test_support.h"

namespace ferry::storage::postgres {
namespace {

class PgDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.url = testing::TestClusterUrl();
    options_.schema = testing::UniqueSchema();
    options_.pool_size = 3;
  }
  void TearDown() override { testing::DropSchema(options_.url, options_.schema); }
  PgOptions options_;
};

TEST_F(PgDbTest, CommitsOnOkAndRollsBackOnError) {
  auto db = PgDb::Open(options_);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ASSERT_TRUE((*db)
                  ->Run("create",
                        [](pqxx::work& tx) -> Status {
                          tx.exec("CREATE TABLE t (k TEXT PRIMARY KEY, v BYTEA, n BIGINT)");
                          return Status::Ok();
                        })
                  .ok());
  const std::string bytes("a\0b\xff", 4);
  ASSERT_TRUE((*db)
                  ->Run("insert",
                        [&](pqxx::work& tx) -> Status {
                          tx.exec_params("INSERT INTO t VALUES ($1, $2, $3)", "x", Bytes(bytes),
                                         std::optional<int64_t>());
                          return Status::Ok();
                        })
                  .ok());
  // A function that fails leaves nothing behind.
  Status failed = (*db)->Run("insert then fail", [&](pqxx::work& tx) -> Status {
    tx.exec_params("INSERT INTO t VALUES ($1, $2, $3)", "y", Bytes(""), std::optional<int64_t>(7));
    return Status::InvalidArgument("no");
  });
  EXPECT_EQ(failed.code(), StatusCode::kInvalidArgument);
  auto rows = (*db)->Run("read", [](pqxx::work& tx) -> Result<std::vector<std::string>> {
    std::vector<std::string> out;
    for (const auto& row : tx.exec("SELECT k, v, n FROM t ORDER BY k")) {
      out.push_back(ReadText(row[0]) + "|" + ReadBytes(row[1]) + "|" +
                    (ReadOptionalInt(row[2]) ? "n" : "null"));
    }
    return out;
  });
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0], "x|" + bytes + "|null");
}

TEST_F(PgDbTest, DriverErrorsBecomeStatuses) {
  auto db = PgDb::Open(options_);
  ASSERT_TRUE(db.ok());
  auto run = [&](const char* sql) {
    return (*db)->Run("stmt", [&](pqxx::work& tx) -> Status {
      tx.exec(sql);
      return Status::Ok();
    });
  };
  ASSERT_TRUE(run("CREATE TABLE p (k TEXT PRIMARY KEY)").ok());
  ASSERT_TRUE(run("CREATE TABLE c (k TEXT REFERENCES p (k))").ok());
  ASSERT_TRUE(run("INSERT INTO p VALUES ('a')").ok());
  EXPECT_EQ(run("INSERT INTO p VALUES ('a')").code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(run("INSERT INTO c VALUES ('zz')").code(), StatusCode::kNotFound);
  Status bad = run("SELECT * FROM no_such_table");
  EXPECT_EQ(bad.code(), StatusCode::kInternal);
  EXPECT_EQ(bad.message().find(options_.url), std::string::npos);
}

TEST_F(PgDbTest, UnreachableServerIsUnavailableWithoutTheUrl) {
  PgOptions bad = options_;
  bad.url = "postgresql://ferry:secret-pw@127.0.0.1:1/nodb";
  auto db = PgDb::Open(bad);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(db.status().message().find("secret-pw"), std::string::npos);
}

TEST_F(PgDbTest, SchemaUpgradeRunsOnceUnderConcurrentOpens) {
  std::vector<Status> results(4);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] {
      auto db = PgDb::Open(options_);
      results[i] = db.ok() ? MigrateSchema(**db) : db.status();
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& s : results) EXPECT_TRUE(s.ok()) << s.ToString();
  auto db = PgDb::Open(options_);
  ASSERT_TRUE(db.ok());
  auto versions = (*db)->Run("versions", [](pqxx::work& tx) -> Result<int64_t> {
    return tx.exec("SELECT COUNT(*) FROM schema_version")[0][0].as<int64_t>();
  });
  ASSERT_TRUE(versions.ok());
  EXPECT_EQ(*versions, LatestSchemaVersion());
}

TEST_F(PgDbTest, NewerSchemaIsRefused) {
  auto db = PgDb::Open(options_);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(MigrateSchema(**db).ok());
  ASSERT_TRUE((*db)
                  ->Run("bump",
                        [](pqxx::work& tx) -> Status {
                          tx.exec("INSERT INTO schema_version VALUES (9999)");
                          return Status::Ok();
                        })
                  .ok());
  EXPECT_EQ(MigrateSchema(**db).code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace ferry::storage::postgres
