// WalCheckpointer: a commit that fills the WAL queues its file, the checkpointer's thread
// moves the frames into the database file, and a connection that outlives the
// checkpointer checkpoints itself.

#include "storage/sqlite/wal_checkpointer.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <memory>
#include <string>

#include "storage/sqlite/sqlite_db.h"
#include "storage/sqlite/temp_dir_for_tests.h"

namespace ferry::storage::sqlite {
namespace {

namespace fs = std::filesystem;

// The page size of the files of these tests, unless a test says otherwise.
constexpr int kPage = 4096;

class WalCheckpointerTest : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteDb> Open(WalCheckpointer* checkpointer, int page_size = kPage) {
    SqliteOpenOptions options;
    options.checkpointer = checkpointer;
    options.new_file_page_size = page_size;
    auto db = SqliteDb::Open(path_, options);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return db.ok() ? std::move(*db) : nullptr;
  }

  // `n` commits of one 4 KiB row each.
  static void Write(SqliteDb& db, int n) {
    ASSERT_TRUE(db.Exec("CREATE TABLE IF NOT EXISTS t (v BLOB)").ok());
    for (int i = 0; i < n; ++i) {
      ASSERT_TRUE(db.Exec("INSERT INTO t VALUES (zeroblob(4096))").ok());
    }
  }

  static int64_t Rows(SqliteDb& db) {
    auto stmt = db.Prepare("SELECT COUNT(*) FROM t");
    EXPECT_TRUE(stmt.ok());
    auto row = stmt->Step();
    EXPECT_TRUE(row.ok() && *row);
    return stmt->Int(0);
  }

  uintmax_t DatabaseFileSize() const { return fs::file_size(path_); }

  TempDir dir_;
  const std::string path_ = (dir_.path() / "ns.db").string();
};

TEST_F(WalCheckpointerTest, ACommitThatFillsTheWalIsCheckpointedInTheBackground) {
  WalCheckpointer checkpointer(/*threshold_bytes=*/16 * kPage);
  auto db = Open(&checkpointer);
  ASSERT_NE(db, nullptr);
  const uintmax_t before = DatabaseFileSize();
  Write(*db, 64);
  // Committed pages reached the database file although the writer's own auto-checkpoint
  // was replaced (how many depends on when the pass ran: it moves what was committed). A
  // pass that ran beside the writes may have found the checkpoint lock busy and moved
  // nothing; the commits after it queued the next one, so wait pass by pass.
  for (int64_t pass = 1; DatabaseFileSize() <= before; ++pass) {
    ASSERT_TRUE(checkpointer.WaitForCompleted(pass, 10000)) << "no background checkpoint " << pass;
  }
  EXPECT_GT(DatabaseFileSize(), before);
  EXPECT_EQ(Rows(*db), 64);
  // Reopened from the files alone, everything is there.
  db.reset();
  auto again = Open(nullptr);
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(Rows(*again), 64);
}

// Regression (issue 9): a background pass opened its connection and checkpointed before
// reading the file, so it did nothing (SQLite answers -1 frames until a connection knows
// the file is in WAL mode); the writer checkpointed everything itself once the WAL reached
// 4x the threshold. And nothing let the WAL start over. Now the pass moves the frames,
// and the first commit after it checkpoints the short tail itself without queueing
// another pass; the next transaction writes the WAL again from its beginning.
TEST_F(WalCheckpointerTest, ABackgroundPassMovesTheFramesAndTheWalStartsOver) {
  WalCheckpointer checkpointer(/*threshold_bytes=*/64 * kPage);
  auto db = Open(&checkpointer);
  ASSERT_NE(db, nullptr);
  Write(*db, 1);
  const uintmax_t before = DatabaseFileSize();
  // One commit of 80 rows (over a page each) past the threshold: one background pass.
  ASSERT_TRUE(db->Exec("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                       "WHERE x < 80) INSERT INTO t SELECT zeroblob(4096) FROM c")
                  .ok());
  ASSERT_TRUE(checkpointer.WaitForCompleted(1, 10000)) << "no background checkpoint";
  EXPECT_GT(DatabaseFileSize(), before + 64 * 4096) << "the pass moved nothing";
  Write(*db, 1);  // a tail within 1/16 of the threshold: checkpointed inline
  const uintmax_t wal = fs::file_size(path_ + "-wal");
  Write(*db, 4);  // from the WAL's beginning
  EXPECT_EQ(fs::file_size(path_ + "-wal"), wal) << "the WAL grew: it did not start over";
  EXPECT_FALSE(checkpointer.WaitForCompleted(2, 300)) << "a second pass was queued";
  EXPECT_EQ(Rows(*db), 86);
  db.reset();
  auto again = Open(nullptr);
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(Rows(*again), 86);
}

// Regression (issue 9): a reader on an older snapshot when the writer checkpointed
// inline (a migration worker reading back the slice it had just written) stopped the
// PASSIVE checkpoint short of the last frame, so the WAL never started over: a 1M-document
// copy grew it past 760 MB, every frame extending the file. The inline checkpoint now
// waits for that reader (here the wait itself ends the reader's transaction).
TEST_F(WalCheckpointerTest, AnInlineCheckpointWaitsForAReaderSoTheWalStartsOver) {
  WalCheckpointer checkpointer(/*threshold_bytes=*/64 * kPage);
  std::unique_ptr<SqliteDb> reader;
  bool reading = false;
  int waits = 0;
  checkpointer.SetInlineWaitObserver([&] {
    ++waits;
    if (reading) {
      ASSERT_TRUE(reader->Exec("COMMIT").ok());
    }
    reading = false;
  });
  auto db = Open(&checkpointer);
  ASSERT_NE(db, nullptr);
  Write(*db, 8);  // under the threshold: nothing is checkpointed
  reader = Open(nullptr);
  ASSERT_NE(reader, nullptr);
  // A read transaction on those frames, still open at the next commit.
  ASSERT_TRUE(reader->Exec("BEGIN").ok());
  ASSERT_TRUE(reader->Exec("SELECT COUNT(*) FROM t").ok());
  reading = true;
  // Past 4x the threshold in one commit: checkpointed inline.
  ASSERT_TRUE(db->Exec("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                       "WHERE x < 300) INSERT INTO t SELECT zeroblob(4096) FROM c")
                  .ok());
  EXPECT_GT(waits, 0) << "the inline checkpoint did not wait for the reader";
  if (reading) {
    ASSERT_TRUE(reader->Exec("COMMIT").ok());
  }
  const uintmax_t wal = fs::file_size(path_ + "-wal");
  Write(*db, 4);
  EXPECT_EQ(fs::file_size(path_ + "-wal"), wal) << "the WAL grew: it did not start over";
  EXPECT_EQ(Rows(*db), 312);
  EXPECT_EQ(Rows(*reader), 312);
}

// A reader that outlasts the wait (a long scan): the inline checkpoint gives up, and the
// commits right after it do not wait again.
TEST_F(WalCheckpointerTest, AfterAWaitInVainTheNextInlineCheckpointsDoNotWait) {
  WalCheckpointer checkpointer(/*threshold_bytes=*/64 * kPage);
  int retries = 0;
  checkpointer.SetInlineWaitObserver([&] { ++retries; });
  auto db = Open(&checkpointer);
  ASSERT_NE(db, nullptr);
  Write(*db, 8);
  auto reader = Open(nullptr);
  ASSERT_NE(reader, nullptr);
  ASSERT_TRUE(reader->Exec("BEGIN").ok());
  ASSERT_TRUE(reader->Exec("SELECT COUNT(*) FROM t").ok());
  // Three commits, each leaving the WAL past 4x the threshold: each checkpoints inline.
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(db->Exec("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                         "WHERE x < 300) INSERT INTO t SELECT zeroblob(4096) FROM c")
                    .ok());
  }
  EXPECT_GT(retries, 0) << "the first inline checkpoint did not wait";
  // One wait in vain is 100 retries; the three commits take far less than a second.
  EXPECT_LT(retries, 200) << "the commits after a wait in vain waited again";
  ASSERT_TRUE(reader->Exec("COMMIT").ok());
  EXPECT_EQ(Rows(*db), 908);
}

TEST_F(WalCheckpointerTest, BelowTheThresholdNothingIsQueued) {
  WalCheckpointer checkpointer(/*threshold_bytes=*/100000 * kPage);
  auto db = Open(&checkpointer);
  ASSERT_NE(db, nullptr);
  Write(*db, 32);
  EXPECT_FALSE(checkpointer.WaitForCompleted(1, 200));
  EXPECT_EQ(Rows(*db), 32);
}

TEST_F(WalCheckpointerTest, AConnectionOutlivingItsCheckpointerCheckpointsItself) {
  auto checkpointer = std::make_unique<WalCheckpointer>(/*threshold_bytes=*/16 * kPage);
  auto db = Open(checkpointer.get());
  ASSERT_NE(db, nullptr);
  Write(*db, 1);
  checkpointer.reset();
  const uintmax_t before = DatabaseFileSize();
  Write(*db, 64);
  // With no background left, the commits past the threshold checkpointed inline.
  EXPECT_GT(DatabaseFileSize(), before + 16 * 4096);
  EXPECT_EQ(Rows(*db), 65);
}

// The threshold is an amount of WAL, not a number of frames: a file of 16 KiB pages
// reaches 64 KiB-pages' worth in a quarter of the frames.
TEST_F(WalCheckpointerTest, TheThresholdIsInBytesWhateverTheFilesPageSize) {
  WalCheckpointer checkpointer(/*threshold_bytes=*/64 * kPage);
  auto db = Open(&checkpointer, /*page_size=*/4 * kPage);
  ASSERT_NE(db, nullptr);
  // 20 commits of a row each: at least 20 frames of 16 KiB, past 64 * 4 KiB.
  Write(*db, 20);
  EXPECT_TRUE(checkpointer.WaitForCompleted(1, 10000)) << "no background checkpoint";
  EXPECT_EQ(Rows(*db), 20);
}

}  // namespace
}  // namespace ferry::storage::sqlite
