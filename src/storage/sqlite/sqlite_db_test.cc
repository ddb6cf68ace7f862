// SqliteDb: error codes, the statement cache, the page size of new files and the WAL checkpoint
// threshold that follows it, and read transactions (one snapshot for several statements).

#include "storage/sqlite/sqlite_db.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <memory>
#include <string>
#include <vector>

#include "storage/sqlite/temp_dir_for_tests.h"

namespace ferry::storage::sqlite {
namespace {

class SqliteDbTest : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteDb> Open(const std::string& name, int page_size = 16384) {
    SqliteOpenOptions options;
    options.new_file_page_size = page_size;
    auto db = SqliteDb::Open((dir_.path() / name).string(), options);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return db.ok() ? std::move(*db) : nullptr;
  }

  static int64_t Int(SqliteDb& db, const std::string& sql) {
    auto stmt = db.Prepare(sql);
    EXPECT_TRUE(stmt.ok()) << sql;
    if (!stmt.ok()) return -1;
    auto row = stmt->Step();
    EXPECT_TRUE(row.ok() && *row) << sql;
    return stmt->Int(0);
  }

  TempDir dir_;
};

TEST_F(SqliteDbTest, MapsErrorCodes) {
  EXPECT_EQ(SqliteStatus(SQLITE_CONSTRAINT_UNIQUE, "x").code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(SqliteStatus(SQLITE_CONSTRAINT_PRIMARYKEY, "x").code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(SqliteStatus(SQLITE_CONSTRAINT_NOTNULL, "x").code(), StatusCode::kInternal);
  EXPECT_EQ(SqliteStatus(SQLITE_BUSY, "x").code(), StatusCode::kUnavailable);
  EXPECT_EQ(SqliteStatus(SQLITE_BUSY_SNAPSHOT, "x").code(), StatusCode::kUnavailable);
  EXPECT_EQ(SqliteStatus(SQLITE_LOCKED, "x").code(), StatusCode::kUnavailable);
  EXPECT_EQ(SqliteStatus(SQLITE_FULL, "x").code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(SqliteStatus(SQLITE_CORRUPT, "x").code(), StatusCode::kDataLoss);
  EXPECT_EQ(SqliteStatus(SQLITE_NOTADB, "x").code(), StatusCode::kDataLoss);
  EXPECT_EQ(SqliteStatus(SQLITE_IOERR, "x").code(), StatusCode::kInternal);
}

TEST_F(SqliteDbTest, StatementCacheSurvivesNestedUseOfTheSameSql) {
  auto db = Open("t.db");
  ASSERT_NE(db, nullptr);
  Status status = db->Locked([](SqliteDb& d) -> Status {
    FERRY_RETURN_IF_ERROR(d.Exec("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2);"));
    FERRY_ASSIGN_OR_RETURN(Statement outer, d.Prepare("SELECT x FROM t ORDER BY x"));
    FERRY_ASSIGN_OR_RETURN(bool row, outer.Step());
    EXPECT_TRUE(row);
    {
      FERRY_ASSIGN_OR_RETURN(Statement inner, d.Prepare("SELECT x FROM t ORDER BY x"));
      FERRY_ASSIGN_OR_RETURN(auto all, FetchAll(inner, [](const Statement& s) -> Result<int64_t> {
                               return s.Int(0);
                             }));
      EXPECT_EQ(all, (std::vector<int64_t>{1, 2}));
    }
    FERRY_ASSIGN_OR_RETURN(row, outer.Step());
    EXPECT_TRUE(row);
    EXPECT_EQ(outer.Int(0), 2);
    return Status::Ok();
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
}

// A new file gets the page size asked for (16 KiB by default); an existing file keeps its
// own, and its auto-checkpoint still means 128 MiB of WAL.
TEST_F(SqliteDbTest, ANewFileGetsThePageSizeAndAnOldFileKeepsItsOwn) {
  auto old_file = Open("old.db", /*page_size=*/4096);
  ASSERT_NE(old_file, nullptr);
  ASSERT_TRUE(
      old_file->Exec("CREATE TABLE t (v BLOB); INSERT INTO t VALUES (zeroblob(5000))").ok());
  old_file.reset();

  SqliteOpenOptions defaults;
  EXPECT_EQ(defaults.new_file_page_size, 16384);
  auto reopened = Open("old.db", defaults.new_file_page_size);
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(Int(*reopened, "PRAGMA page_size"), 4096);
  EXPECT_EQ(Int(*reopened, "PRAGMA wal_autocheckpoint"),
            WalCheckpointer::kDefaultThresholdBytes / 4096);
  ASSERT_TRUE(reopened->Exec("INSERT INTO t VALUES (zeroblob(5000))").ok());
  EXPECT_EQ(Int(*reopened, "SELECT COUNT(*) FROM t"), 2);

  auto created = Open("new.db", defaults.new_file_page_size);
  ASSERT_NE(created, nullptr);
  EXPECT_EQ(Int(*created, "PRAGMA page_size"), 16384);
  EXPECT_EQ(Int(*created, "PRAGMA wal_autocheckpoint"),
            WalCheckpointer::kDefaultThresholdBytes / 16384);
}

// The statements inside InReadTransaction see one snapshot: a write committed by another
// connection between two of them is not seen by the second. Afterwards it is.
TEST_F(SqliteDbTest, AReadTransactionsStatementsShareOneSnapshot) {
  auto db = Open("ns.db");
  auto writer = Open("ns.db");
  ASSERT_NE(db, nullptr);
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(db->Exec("CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1)").ok());
  Result<int64_t> second = InReadTransaction(*db, [&]() -> Result<int64_t> {
    EXPECT_FALSE(db->autocommit());
    EXPECT_EQ(Int(*db, "SELECT COUNT(*) FROM t"), 1);
    FERRY_RETURN_IF_ERROR(writer->Exec("INSERT INTO t VALUES (2)"));
    return Int(*db, "SELECT COUNT(*) FROM t");
  });
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(*second, 1) << "the second statement saw a later snapshot";
  EXPECT_TRUE(db->autocommit()) << "the read transaction was left open";
  EXPECT_EQ(Int(*db, "SELECT COUNT(*) FROM t"), 2);
}

// Inside a caller's transaction it runs in that transaction (no nested BEGIN), which stays
// open; an error of fn is returned and the read transaction is still ended.
TEST_F(SqliteDbTest, AReadTransactionNestsInTheCallersAndEndsOnError) {
  auto db = Open("ns.db");
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Exec("CREATE TABLE t (v INTEGER)").ok());
  {
    Transaction txn(db.get());
    ASSERT_TRUE(txn.Begin().ok());
    ASSERT_TRUE(db->Exec("INSERT INTO t VALUES (1)").ok());
    Result<int64_t> inside = InReadTransaction(
        *db, [&]() -> Result<int64_t> { return Int(*db, "SELECT COUNT(*) FROM t"); });
    ASSERT_TRUE(inside.ok()) << inside.status().ToString();
    EXPECT_EQ(*inside, 1);
    EXPECT_FALSE(db->autocommit());
    ASSERT_TRUE(txn.Commit().ok());
  }
  Status failed = InReadTransaction(*db, [&]() -> Status { return Status::NotFound("nothing"); });
  EXPECT_EQ(failed.code(), StatusCode::kNotFound) << failed.ToString();
  EXPECT_TRUE(db->autocommit());
}

}  // namespace
}  // namespace ferry::storage::sqlite
