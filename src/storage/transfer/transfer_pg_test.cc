// storage/transfer from the embedded engine into PostgreSQL (what `ferryd move-storage`
// does): every kind of record arrives, field by field, and stays after a restart.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "storage/conformance/storage_conformance.h"
#include "storage/postgres/pg_storage_engine.h"
#include "storage/postgres/pg_test_support.h"
#include "storage/sqlite/sqlite_storage_engine.h"
#include "storage/transfer/storage_transfer.h"
#include "storage/transfer/transfer_test_fill.h"

namespace ferry::storage::transfer {
namespace {

namespace fs = std::filesystem;
namespace pgt = postgres::testing;

class PgTransferTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "ferry-transfer-pg-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    url_ = pgt::TestClusterUrl();
    schema_ = pgt::UniqueSchema();
  }
  void TearDown() override {
    pgt::DropSchema(url_, schema_);
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  Result<std::unique_ptr<postgres::PgStorageEngine>> OpenPg() {
    postgres::PgOptions options;
    options.url = url_;
    options.schema = schema_;
    options.pool_size = 2;
    return postgres::PgStorageEngine::Open(options, std::string(32, 'k'));
  }

  std::string dir_;
  std::string url_;
  std::string schema_;
};

TEST_F(PgTransferTest, MovesEveryKindOfRecordFromSqliteIntoPostgres) {
  ASSERT_OK_AND_ASSIGN(auto source, sqlite::SqliteStorageEngine::Open(dir_));
  ASSERT_OK(testing::FillEveryKind(*source));
  {
    ASSERT_OK_AND_ASSIGN(auto target, OpenPg());
    ASSERT_OK_AND_ASSIGN(TransferCounts counts, TransferAll(*source, *target));
    EXPECT_EQ(counts.documents, 2);
    EXPECT_EQ(counts.blobs, 2);
    testing::ExpectSameContents(*source, *target);
    target->Close();
  }
  // What was written is durable: a new process sees the same.
  ASSERT_OK_AND_ASSIGN(auto reopened, OpenPg());
  testing::ExpectSameContents(*source, *reopened);
  EXPECT_EQ(STATUS_CODE(TransferAll(*source, *reopened)), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace ferry::storage::transfer
