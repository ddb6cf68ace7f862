#pragma once
// SqliteDb: one SQLite connection to one database file, serialized by a mutex (SQLite has
// a single writer per file anyway). Owns a cache of prepared statements. Everything that
// touches the connection runs inside Locked(), which also reports a closed database as
// Unavailable, so a store handed out earlier stays safe to call after Close().

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/result.h"
#include "storage/sqlite/wal_checkpointer.h"

// The driver's handles, declared here so includers do not need <sqlite3.h>.
struct sqlite3;
struct sqlite3_stmt;

namespace ferry::storage::sqlite {

// Maps an SQLite result code (extended codes included) to a Status with `context`.
Status SqliteStatus(int rc, std::string_view context);

class SqliteDb;

// A prepared statement borrowed from the connection's cache; reset and returned to the
// cache when the handle goes out of scope. Bind indexes are 1-based, column indexes
// 0-based. A failed bind is remembered and reported by the next Step().
class Statement {
 public:
  Statement(SqliteDb* db, sqlite3_stmt* stmt, std::string sql);
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  void BindText(int index, std::string_view text);
  void BindInt(int index, int64_t value);
  void BindBlob(int index, std::string_view bytes);
  void BindNull(int index);
  // Binds NULL when absent.
  void BindOptionalText(int index, const std::optional<std::string>& text);
  void BindOptionalInt(int index, std::optional<int64_t> value);

  // True when a row is available, false when the statement is done.
  Result<bool> Step();
  // Steps to completion, for statements that return no rows.
  Status Run();
  // Resets the statement and clears its bindings, so one handle serves many rows of a
  // loop without a trip through the connection's statement cache.
  void Reset();

  bool IsNull(int column) const;
  std::string Text(int column) const;
  int64_t Int(int column) const;
  std::string Blob(int column) const;
  std::optional<std::string> OptionalText(int column) const;
  std::optional<int64_t> OptionalInt(int column) const;
  // The column's bytes without a copy, valid until the next Step, Reset or column read of
  // another type ("" for NULL): for scans that only hash or compare what they read.
  std::string_view TextView(int column) const;
  std::string_view BlobView(int column) const;
  std::optional<std::string_view> OptionalTextView(int column) const;

 private:
  void NoteBind(int rc);

  SqliteDb* db_;
  sqlite3_stmt* stmt_;
  std::string sql_;  // cache key
  int bind_rc_ = 0;  // SQLITE_OK, or the first failed bind's code
};

struct SqliteOpenOptions {
  // Create the file when missing (default: true). When false a missing file is NotFound.
  bool create_if_missing = true;
  // How long a statement waits for a lock held by another connection (default: 5000).
  int busy_timeout_ms = 5000;
  // When set, the connection's WAL checkpoints run on this checkpointer's thread instead
  // of inside the commit that fills the WAL (wal_checkpointer.h). It may be destroyed
  // before the connection.
  WalCheckpointer* checkpointer = nullptr;
  // The page size of a file created by this open (an existing file keeps its own).
  int new_file_page_size = 16384;
};

class SqliteDb {
 public:
  // Opens `path` in WAL mode with synchronous=NORMAL and foreign keys enforced; a new file
  // gets options.new_file_page_size.
  static Result<std::unique_ptr<SqliteDb>> Open(const std::string& path,
                                                const SqliteOpenOptions& options);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Runs fn(*this) holding the connection mutex; Unavailable once closed. fn's return type
  // (Status or Result<T>) is the result type.
  template <typename Fn>
  auto Locked(Fn&& fn) -> decltype(fn(std::declval<SqliteDb&>())) {
    std::lock_guard<std::mutex> lock(mu_);
    if (db_ == nullptr) return Status::Unavailable("database closed: " + name_);
    return fn(*this);
  }

  // Checkpoints the WAL and closes the connection. Idempotent.
  void Close();

  // The methods below REQUIRE the mutex held (call them inside Locked()).
  // Runs one or more statements that return no rows.
  Status Exec(const std::string& sql);
  // Returns a cached prepared statement, reset and with cleared bindings.
  Result<Statement> Prepare(const std::string& sql);
  // Rows changed by the last INSERT/UPDATE/DELETE.
  int64_t Changes() const;
  // Status for the connection's last error, with `context`.
  Status LastError(int rc, std::string_view context) const;
  const std::string& path() const { return path_; }
  // What messages call the database: its file name without directory or extension
  // ("catalog", "ns_…"). Messages reach clients and logs, so they never hold a path.
  const std::string& name() const { return name_; }
  // The driver's connection, for registering SQL functions (sqlite_functions.cc).
  sqlite3* handle() { return db_; }
  // True outside an explicit transaction (each statement is then a transaction of its own).
  bool autocommit() const;

 private:
  friend class Statement;
  SqliteDb(sqlite3* db, std::string path);
  // `message` with the directory of this database's file removed (the driver names
  // files in some of its messages, e.g. of an ATTACH).
  std::string Scrub(std::string message) const;
  Status Configure(const SqliteOpenOptions& options);
  void Release(sqlite3_stmt* stmt, std::string sql);
  void CloseLocked();

  std::mutex mu_;
  sqlite3* db_;
  std::string path_;
  std::unique_ptr<WalCheckpointer::Hook> wal_hook_;  // referenced by db_ until it closes
  int64_t page_size_ = 4096;                         // the file's, read by Configure
  std::string name_;
  std::string dir_;  // path_'s directory with its trailing '/'
  // SQL text → idle prepared statement. A statement in use is absent from the map, so a
  // nested use of the same SQL prepares a second copy instead of clobbering the first.
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

// RAII write transaction (BEGIN IMMEDIATE, so the write lock is taken up front and the
// transaction cannot fail later with a lock upgrade). Rolls back unless committed.
// REQUIRES: the connection mutex held for the transaction's whole life.
class Transaction {
 public:
  explicit Transaction(SqliteDb* db) : db_(db) {}
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  Status Begin();
  Status Commit();

 private:
  SqliteDb* db_;
  bool open_ = false;
};

// Runs fn() inside a transaction on `db`; commits when fn returns ok, rolls back otherwise.
template <typename Fn>
auto InTransaction(SqliteDb& db, Fn&& fn) -> decltype(fn()) {
  Transaction txn(&db);
  FERRY_RETURN_IF_ERROR(txn.Begin());
  auto result = fn();
  if (!result.ok()) return result;
  FERRY_RETURN_IF_ERROR(txn.Commit());
  return result;
}

// Runs fn() inside one read transaction on `db` (within the caller's when there is one):
// the statements of fn share one snapshot, and the WAL read lock is taken once for all of
// them instead of once per statement (a lock and unlock on the -shm file each: about
// half of GetObjects' time in a re_extract's profile).
template <typename Fn>
auto InReadTransaction(SqliteDb& db, Fn&& fn) -> decltype(fn()) {
  if (!db.autocommit()) return fn();
  FERRY_RETURN_IF_ERROR(db.Exec("BEGIN"));
  auto result = fn();
  if (Status end = db.Exec("COMMIT"); !end.ok()) {
    db.Exec("ROLLBACK");  // nothing was written: the snapshot is only let go
    if (result.ok()) return end;
  }
  return result;
}

template <typename R>
struct ResultValue;
template <typename T>
struct ResultValue<Result<T>> {
  using type = T;
};

// Steps `stmt` once: read(stmt) for the row, NotFound(what) when there is none. read
// returns Result<T>.
template <typename Read>
auto FetchOne(Statement& stmt, Read&& read, const std::string& what) -> decltype(read(stmt)) {
  FERRY_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Status::NotFound(what);
  return read(stmt);
}

// read(stmt) for every row, in order.
template <typename Read>
auto FetchAll(Statement& stmt, Read&& read)
    -> Result<std::vector<typename ResultValue<decltype(read(stmt))>::type>> {
  std::vector<typename ResultValue<decltype(read(stmt))>::type> rows;
  while (true) {
    FERRY_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) return rows;
    FERRY_ASSIGN_OR_RETURN(auto value, read(stmt));
    rows.push_back(std::move(value));
  }
}

// The first column of the single row a query returns (COUNT(*) and the like).
Result<int64_t> FetchInt(Statement& stmt);

}  // namespace ferry::storage::sqlite
