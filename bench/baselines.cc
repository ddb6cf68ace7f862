#include "baselines.h"

#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "synthetic_text.h"

namespace ferry::bench {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct CloseDb {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using DbHandle = std::unique_ptr<sqlite3, CloseDb>;

Status Exec(sqlite3* db, const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) == SQLITE_OK) return Status::Ok();
  std::string message = "baseline sql failed: ";
  message.append(error != nullptr ? error : "?").append(" in: ").append(sql);
  sqlite3_free(error);
  return Status::Internal(std::move(message));
}

Result<int64_t> QueryInt(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    std::string message = "baseline prepare failed: ";
    return Status::Internal(message.append(sqlite3_errmsg(db)));
  }
  int64_t value = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
  sqlite3_finalize(stmt);
  return value;
}

// Times one statement (autocommit: its commit and any WAL checkpoint included).
Result<BaselineRun> TimeCopy(sqlite3* db, const std::string& table, const std::string& sql) {
  FERRY_RETURN_IF_ERROR(
      Exec(db, "CREATE TABLE " + table + " (id TEXT PRIMARY KEY, fields BLOB, vector BLOB)"));
  const auto start = Clock::now();
  FERRY_RETURN_IF_ERROR(Exec(db, sql));
  BaselineRun run;
  run.seconds = SecondsSince(start);
  FERRY_ASSIGN_OR_RETURN(run.items, QueryInt(db, "SELECT COUNT(*) FROM " + table));
  return run;
}

}  // namespace

Result<SqliteBaselines> RunSqliteBaseline(const std::string& db_path,
                                          const std::string& namespace_db,
                                          const std::string& collection_id) {
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(db_path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  DbHandle db(raw);
  if (rc != SQLITE_OK) return Status::Internal("cannot open baseline database " + db_path);
  // The backend's PRAGMAs (storage/sqlite/sqlite_db.cc).
  FERRY_RETURN_IF_ERROR(Exec(db.get(), "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"));
  // The very rows of the source collection, in the order they were written.
  FERRY_RETURN_IF_ERROR(Exec(db.get(), "ATTACH DATABASE '" + namespace_db + "' AS src"));
  FERRY_RETURN_IF_ERROR(
      Exec(db.get(), "CREATE TABLE t1 (id TEXT PRIMARY KEY, fields BLOB, vector BLOB)"));
  // The vector column holds the document's packed vectors, the very bytes Ferry moves.
  FERRY_RETURN_IF_ERROR(Exec(db.get(),
                             "INSERT INTO t1 SELECT d.document_id, d.fields, d.vectors "
                             "FROM src.documents d WHERE d.collection_id = '" +
                                 collection_id + "' ORDER BY d.rowid"));
  FERRY_RETURN_IF_ERROR(Exec(db.get(), "DETACH DATABASE src"));
  SqliteBaselines out;
  FERRY_ASSIGN_OR_RETURN(out.row_bytes,
                         QueryInt(db.get(), "SELECT AVG(LENGTH(fields) + LENGTH(vector)) FROM t1"));
  FERRY_ASSIGN_OR_RETURN(out.insert_select,
                         TimeCopy(db.get(), "t2", "INSERT INTO t2 SELECT * FROM t1"));
  FERRY_ASSIGN_OR_RETURN(out.row_by_row,
                         TimeCopy(db.get(), "t3", "INSERT INTO t3 SELECT * FROM t1 WHERE 1"));
  return out;
}

Result<BaselineRun> RunExtractorBaseline(const extract::FeatureExtractor& fx, int64_t n,
                                         int threads) {
  std::atomic<int64_t> failures{0};
  std::vector<std::thread> pool;
  const auto start = Clock::now();
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      const int64_t begin = n * t / threads;
      const int64_t end = n * (t + 1) / threads;
      extract::ExtractorInput input;
      for (int64_t i = begin; i < end; ++i) {
        input.text = SyntheticText(i);
        auto docs = fx.Extract(input, fx.info().default_parameters);
        if (!docs.ok() || docs->empty()) failures.fetch_add(1);
      }
    });
  }
  for (auto& th : pool) th.join();
  BaselineRun run;
  run.seconds = SecondsSince(start);
  run.items = n;
  if (failures.load() > 0) {
    std::string message = "extractor baseline: ";
    return Status::Internal(message.append(std::to_string(failures.load())).append(" failures"));
  }
  return run;
}

}  // namespace ferry::bench
