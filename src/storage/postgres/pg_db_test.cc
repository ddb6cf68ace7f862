// PgDb and the schema upgrade against the throwaway cluster.

#include "storage/postgres/pg_db.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
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

// A process frozen in the middle of a transaction (here: a function that stalls after it
// locked a row) must not hold the row past the idle-transaction timeout: the server ends
// the session, another connection can lock the row, and the stalled function's transaction
// is rerun on a new connection rather than committed.
TEST_F(PgDbTest, AStalledTransactionLosesItsLocksAndIsRerun) {
  options_.idle_transaction_timeout_ms = 300;
  auto db = PgDb::Open(options_);
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)
                  ->Run("setup",
                        [](pqxx::work& tx) -> Status {
                          tx.exec("CREATE TABLE lease (k TEXT PRIMARY KEY, n BIGINT)");
                          tx.exec("INSERT INTO lease VALUES ('batch', 0)");
                          return Status::Ok();
                        })
                  .ok());
  std::mutex mu;
  std::condition_variable cv;
  bool taken_over = false;
  int attempts = 0;
  std::thread holder([&] {
    Status s = (*db)->Run("stalled holder", [&](pqxx::work& tx) -> Status {
      tx.exec("SELECT 1 FROM lease WHERE k = 'batch' FOR SHARE");
      std::unique_lock<std::mutex> lock(mu);
      if (++attempts == 1) {
        // Frozen until the row has been locked by another connection (or the deadline).
        cv.wait_for(lock, std::chrono::seconds(30), [&] { return taken_over; });
      }
      lock.unlock();
      tx.exec("UPDATE lease SET n = n + 1 WHERE k = 'batch'");
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString();
  });
  // Another process takes the row over: NOWAIT fails while the stalled holder has it.
  auto other = PgDb::Open(options_);
  ASSERT_TRUE(other.ok());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  Status lock = Status::Internal("not tried");
  while (std::chrono::steady_clock::now() < deadline) {
    lock = (*other)->Run("take over", [](pqxx::work& tx) -> Status {
      tx.exec("SELECT 1 FROM lease WHERE k = 'batch' FOR UPDATE NOWAIT");
      tx.exec("UPDATE lease SET n = n + 100 WHERE k = 'batch'");
      return Status::Ok();
    });
    if (lock.ok()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // pacing between attempts
  }
  {
    std::lock_guard<std::mutex> guard(mu);
    taken_over = lock.ok();
  }
  cv.notify_all();
  holder.join();
  ASSERT_TRUE(lock.ok()) << "the stalled transaction kept its row lock: " << lock.ToString();
  EXPECT_EQ(attempts, 2);  // the first transaction was ended by the server, then rerun
  auto n = (*db)->Run("read", [](pqxx::work& tx) -> Result<int64_t> {
    return tx.exec("SELECT n FROM lease")[0][0].as<int64_t>();
  });
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 101);  // the takeover's write and the rerun's, not the stalled one's
}

TEST_F(PgDbTest, UnreachableServerIsUnavailableWithoutTheUrl) {
  PgOptions bad = options_;
  bad.url = "postgresql://ferry:secret-pw@127.0.0.1:1/nodb";
  auto db = PgDb::Open(bad);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(db.status().message().find("secret-pw"), std::string::npos);
}

// libpq quotes a malformed URL whole in its error, password included.
TEST_F(PgDbTest, AMalformedUrlIsReportedWithoutItsPassword) {
  for (const std::string url : {"postgresql://u:s3cret-pw@[::1]x/db",
                                "postgresql://u@localhost/db?password=s3cret-pw&bogus=1"}) {
    PgOptions bad = options_;
    bad.url = url;
    auto db = PgDb::Open(bad);
    ASSERT_FALSE(db.ok()) << url;
    EXPECT_EQ(db.status().message().find("s3cret-pw"), std::string::npos) << db.status().message();
  }
  EXPECT_EQ(ScrubConnectionMessage("x \"postgresql://a:pw@h/db\" y", "postgresql://a:pw@h/db"),
            "x \"<storage url>\" y");
  EXPECT_EQ(ScrubConnectionMessage("near pw@h", "postgresql://a:pw@h/db"), "near ***@h");
}

// A connection opened while serving requests (authentication opens them) fails with a
// message that can go to any client: no server host, address or port.
TEST_F(PgDbTest, AConnectionFailingLaterNamesNoServerAddress) {
  const std::string role = options_.schema + "_r";
  auto admin = [&](const std::string& sql) {
    pqxx::connection c(options_.url);
    pqxx::nontransaction(c).exec(sql);
  };
  admin("CREATE ROLE " + role + " LOGIN");
  const std::string dbname = pqxx::connection(options_.url).dbname();
  admin("GRANT CREATE ON DATABASE " + dbname + " TO " + role);
  PgOptions as_role = options_;
  as_role.url.replace(as_role.url.find("://") + 3,
                      as_role.url.find('@') - as_role.url.find("://") - 3, role + ":pw");
  auto db = PgDb::Open(as_role);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  admin("ALTER ROLE " + role + " NOLOGIN");
  Status st = (*db)->Run("read", [](pqxx::work& tx) -> Status {
    tx.exec("SELECT 1");
    return Status::Ok();
  });
  EXPECT_EQ(st.code(), StatusCode::kUnavailable);
  const std::string port = as_role.url.substr(as_role.url.rfind(':') + 1);
  for (const std::string& leak :
       std::vector<std::string>{"127.0.0.1", "localhost", port.substr(0, port.find('/')), "pw"}) {
    EXPECT_EQ(st.message().find(leak), std::string::npos) << st.message();
  }
  db->reset();
  admin("DROP SCHEMA IF EXISTS " + options_.schema + " CASCADE");
  admin("REVOKE CREATE ON DATABASE " + dbname + " FROM " + role);
  admin("DROP ROLE " + role);
}

// After a server restart every pooled connection is dead. The first call after it must
// not spend all its attempts on them: one broken connection drops the idle ones too.
TEST_F(PgDbTest, ACallAfterEveryPooledConnectionDiedSucceeds) {
  options_.pool_size = 6;
  auto db = PgDb::Open(options_);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  std::mutex mu;
  std::condition_variable cv;
  std::vector<int64_t> pids;
  std::vector<std::thread> threads;
  for (int i = 0; i < options_.pool_size; ++i) {
    threads.emplace_back([&] {
      // Six transactions at once: six connections, then all idle in the pool.
      Status st = (*db)->Run("hold", [&](pqxx::work& tx) -> Status {
        const int64_t pid = tx.exec("SELECT pg_backend_pid()")[0][0].as<int64_t>();
        std::unique_lock<std::mutex> lock(mu);
        pids.push_back(pid);
        cv.notify_all();
        cv.wait_for(lock, std::chrono::seconds(10), [&] { return pids.size() == 6u; });
        return Status::Ok();
      });
      EXPECT_TRUE(st.ok()) << st.ToString();
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_EQ(pids.size(), 6u);
  {
    pqxx::connection admin(options_.url);
    pqxx::nontransaction n(admin);
    for (int64_t pid : pids) {
      // Waits (up to 10 s) until the backend has exited.
      ASSERT_TRUE(n.exec("SELECT pg_terminate_backend(" + std::to_string(pid) + ", 10000)")[0][0]
                      .as<bool>());
    }
  }
  Status st = (*db)->Run("read", [](pqxx::work& tx) -> Status {
    tx.exec("SELECT 1");
    return Status::Ok();
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
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
