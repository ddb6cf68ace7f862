#include "storage/sqlite/sqlite_db.h"

#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include "storage/sqlite/private_files.h"

namespace ferry::storage::sqlite {

Status SqliteStatus(int rc, std::string_view context) {
  std::string message = std::string(context) + ": " + sqlite3_errstr(rc);
  switch (rc) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return Status::AlreadyExists(std::move(message));
    default:
      break;
  }
  switch (rc & 0xff) {  // primary code
    case SQLITE_OK:
      return Status::Ok();
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Unavailable(std::move(message));
    case SQLITE_FULL:
      return Status::ResourceExhausted(std::move(message));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::DataLoss(std::move(message));
    default:
      return Status::Internal(std::move(message));
  }
}

// ---- Statement ----

Statement::Statement(SqliteDb* db, sqlite3_stmt* stmt, std::string sql)
    : db_(db), stmt_(stmt), sql_(std::move(sql)) {}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(other.stmt_), sql_(std::move(other.sql_)), bind_rc_(other.bind_rc_) {
  other.stmt_ = nullptr;
}

Statement::~Statement() {
  if (stmt_ != nullptr) db_->Release(stmt_, std::move(sql_));
}

void Statement::NoteBind(int rc) {
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

void Statement::BindText(int index, std::string_view text) {
  NoteBind(
      sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
}

void Statement::BindInt(int index, int64_t value) {
  NoteBind(sqlite3_bind_int64(stmt_, index, value));
}

void Statement::BindBlob(int index, std::string_view bytes) {
  // A zero-length blob must still be a BLOB, not NULL, so never pass a null pointer.
  NoteBind(sqlite3_bind_blob64(stmt_, index, bytes.empty() ? "" : bytes.data(), bytes.size(),
                               SQLITE_TRANSIENT));
}

void Statement::BindNull(int index) { NoteBind(sqlite3_bind_null(stmt_, index)); }

void Statement::BindOptionalText(int index, const std::optional<std::string>& text) {
  if (text.has_value()) {
    BindText(index, *text);
  } else {
    BindNull(index);
  }
}

void Statement::BindOptionalInt(int index, std::optional<int64_t> value) {
  if (value.has_value()) {
    BindInt(index, *value);
  } else {
    BindNull(index);
  }
}

Result<bool> Statement::Step() {
  if (bind_rc_ != SQLITE_OK) return SqliteStatus(bind_rc_, "bind");
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return db_->LastError(rc, "step");
}

Status Statement::Run() {
  while (true) {
    FERRY_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_rc_ = SQLITE_OK;
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::string Statement::Text(int column) const { return std::string(TextView(column)); }

int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

std::string Statement::Blob(int column) const { return std::string(BlobView(column)); }

std::optional<std::string> Statement::OptionalText(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Text(column);
}

std::string_view Statement::TextView(int column) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (text == nullptr) return {};
  return std::string_view(text, sqlite3_column_bytes(stmt_, column));
}

std::string_view Statement::BlobView(int column) const {
  const auto* data = static_cast<const char*>(sqlite3_column_blob(stmt_, column));
  if (data == nullptr) return {};
  return std::string_view(data, sqlite3_column_bytes(stmt_, column));
}

std::optional<std::string_view> Statement::OptionalTextView(int column) const {
  if (IsNull(column)) return std::nullopt;
  return TextView(column);
}

std::optional<int64_t> Statement::OptionalInt(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Int(column);
}

// ---- SqliteDb ----

Result<std::unique_ptr<SqliteDb>> SqliteDb::Open(const std::string& path,
                                                 const SqliteOpenOptions& options) {
  // NOMUTEX: the connection is serialized by SqliteDb's own mutex.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (options.create_if_missing) flags |= SQLITE_OPEN_CREATE;
  // 0600 whatever the umask; SQLite copies the mode to the -wal and -shm files.
  FERRY_RETURN_IF_ERROR(MakeDatabaseFilesPrivate(path, options.create_if_missing));
  sqlite3* handle = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &handle, flags, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_close_v2(handle);  // a handle is returned even on most failures
    return SqliteStatus(rc, "open " + std::filesystem::path(path).stem().string());
  }
  std::unique_ptr<SqliteDb> db(new SqliteDb(handle, path));
  FERRY_RETURN_IF_ERROR(db->Configure(options));
  // After Configure: the hook replaces the auto-checkpoint it sets.
  if (options.checkpointer != nullptr) {
    db->wal_hook_ =
        options.checkpointer->Attach(handle, path, options.busy_timeout_ms, db->page_size_);
  }
  return db;
}

SqliteDb::SqliteDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {
  std::filesystem::path p(path_);
  name_ = p.stem().string();
  dir_ = p.parent_path().string();
  if (!dir_.empty()) dir_ += '/';
}

std::string SqliteDb::Scrub(std::string message) const {
  if (dir_.empty()) return message;
  for (size_t at = message.find(dir_); at != std::string::npos; at = message.find(dir_, at)) {
    message.erase(at, dir_.size());
  }
  return message;
}

Status SqliteDb::Configure(const SqliteOpenOptions& options) {
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, options.busy_timeout_ms);
  // journal_mode returns a row; Exec ignores rows. Reading the header here also turns a
  // file that is not a database into DataLoss at open time rather than on first use.
  FERRY_RETURN_IF_ERROR(Exec(
      // 16 KiB pages for a new file (an existing one keeps its own): a document row with
      // its vectors is ~2 KB, and with 4 KiB pages a 2.3 KB row took a page of its own.
      // Fewer, fuller pages are fewer WAL frames, B-tree splits and checkpoint writes: a
      // 100k copy ran in ~0.75x the time (docs/benchmarks.md, session 20). Small
      // transactions write more bytes (a 16 KiB frame per page they touch).
      "PRAGMA page_size=" + std::to_string(options.new_file_page_size) +
      ";"
      "PRAGMA journal_mode=WAL;"
      "PRAGMA synchronous=NORMAL;"
      "PRAGMA foreign_keys=ON;"
      // Statement journals of large upserts stay in memory instead of /var/tmp.
      "PRAGMA temp_store=MEMORY;"
      // A bounded page cache (8 MiB per connection): room for the random-order
      // inserts of hash-derived ids, fixed so memory does not grow with the data.
      "PRAGMA cache_size=-8192;"));
  // Checkpoint every 128 MiB of WAL, not every 1000 pages: bulk transactions dirty
  // thousands of index pages each, and a page rewritten by several transactions between
  // two checkpoints is copied into the database once.
  {
    FERRY_ASSIGN_OR_RETURN(Statement page_size, Prepare("PRAGMA main.page_size"));
    FERRY_ASSIGN_OR_RETURN(bool row, page_size.Step());
    if (row) page_size_ = std::max<int64_t>(512, page_size.Int(0));
  }
  return Exec("PRAGMA wal_autocheckpoint=" +
              std::to_string(WalCheckpointer::kDefaultThresholdBytes / page_size_));
}

SqliteDb::~SqliteDb() { Close(); }

void SqliteDb::Close() {
  std::lock_guard<std::mutex> lock(mu_);
  CloseLocked();
}

void SqliteDb::CloseLocked() {
  if (db_ == nullptr) return;
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  cache_.clear();
  // Best effort: a failed checkpoint leaves the WAL for the next open to replay.
  sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
  sqlite3_close_v2(db_);
  db_ = nullptr;
}

Status SqliteDb::Exec(const std::string& sql) {
  char* error = nullptr;
  int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string message = error != nullptr ? error : "";
  sqlite3_free(error);
  return SqliteStatus(rc, "exec: " + Scrub(std::move(message)));
}

Result<Statement> SqliteDb::Prepare(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) {
    sqlite3_stmt* stmt = it->second;
    cache_.erase(it);
    return Statement(this, stmt, sql);
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return LastError(rc, "prepare \"" + sql + "\"");
  return Statement(this, stmt, sql);
}

void SqliteDb::Release(sqlite3_stmt* stmt, std::string sql) {
  sqlite3_reset(stmt);
  sqlite3_clear_bindings(stmt);
  // A second copy of the same SQL (nested use) is dropped rather than cached twice.
  if (db_ == nullptr || !cache_.emplace(std::move(sql), stmt).second) {
    sqlite3_finalize(stmt);
  }
}

int64_t SqliteDb::Changes() const { return sqlite3_changes64(db_); }

Status SqliteDb::LastError(int rc, std::string_view context) const {
  int extended = sqlite3_extended_errcode(db_);
  // Extended code refines rc when it belongs to the same primary code.
  int code = (extended & 0xff) == (rc & 0xff) ? extended : rc;
  return SqliteStatus(code, std::string(context) + " (" + Scrub(sqlite3_errmsg(db_)) + ")");
}

Result<int64_t> FetchInt(Statement& stmt) {
  FERRY_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Status::Internal("query returned no row");
  return stmt.Int(0);
}

bool SqliteDb::autocommit() const { return sqlite3_get_autocommit(db_) != 0; }

// ---- Transaction ----

Transaction::~Transaction() {
  if (open_) db_->Exec("ROLLBACK");  // nothing useful to do if rollback itself fails
}

Status Transaction::Begin() {
  FERRY_RETURN_IF_ERROR(db_->Exec("BEGIN IMMEDIATE"));
  open_ = true;
  return Status::Ok();
}

Status Transaction::Commit() {
  Status status = db_->Exec("COMMIT");
  // A failed COMMIT (e.g. SQLITE_BUSY) leaves the transaction open; the destructor rolls
  // it back so the connection is usable again.
  if (status.ok()) open_ = false;
  return status;
}

}  // namespace ferry::storage::sqlite
