// The change log of client writes on SQLite: the namespace file's `change_log` table
// (schema v8). Entries are appended by the write methods in their own transaction;
// sequence numbers are SQLite's AUTOINCREMENT rowids (commit order: one writer at a time).

#include "storage/sqlite/sqlite_change_log.h"

#include <chrono>

#include "storage/sqlite/sqlite_namespace_store.h"

namespace ferry::storage::sqlite {
namespace {

const char* ItemName(ChangeItem item) {
  return item == ChangeItem::kObject ? "object" : "document";
}

const char* OpName(ChangeOp op) { return op == ChangeOp::kUpsert ? "upsert" : "delete"; }

TimestampMs Now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<ChangeEntry> ReadEntry(const Statement& row) {
  ChangeEntry e;
  e.seq = row.Int(0);
  const std::string item = row.Text(1);
  if (item != "object" && item != "document") return Status::DataLoss("change_log item: " + item);
  e.item = item == "object" ? ChangeItem::kObject : ChangeItem::kDocument;
  e.resource_id = row.Text(2);
  e.item_id = row.Text(3);
  const std::string op = row.Text(4);
  if (op != "upsert" && op != "delete") return Status::DataLoss("change_log op: " + op);
  e.op = op == "upsert" ? ChangeOp::kUpsert : ChangeOp::kDelete;
  e.at = row.Int(5);
  return e;
}

// WritesPaused while a pause of client writes (write_pause) lasts.
Status CheckNotPaused(SqliteDb& db, TimestampMs now) {
  FERRY_ASSIGN_OR_RETURN(Statement stmt, db.Prepare("SELECT until FROM write_pause WHERE id = 1"));
  FERRY_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (row && stmt.Int(0) > now) {
    return Status::WritesPaused(
        "writes to this namespace are paused for a moment (a migration is cutting over); "
        "retry shortly");
  }
  return Status::Ok();
}

}  // namespace

Result<ChangeLogWriter> ChangeLogWriter::Create(SqliteDb& db) {
  const TimestampMs now = Now();
  FERRY_RETURN_IF_ERROR(CheckNotPaused(db, now));
  FERRY_ASSIGN_OR_RETURN(Statement stmt,
                         db.Prepare("INSERT INTO change_log (item, resource_id, item_id, op, at) "
                                    "VALUES (?, ?, ?, ?, ?)"));
  return ChangeLogWriter(std::move(stmt), now);
}

Status ChangeLogWriter::Add(ChangeItem item, const std::string& resource_id,
                            const std::string& item_id, ChangeOp op) {
  stmt_.BindText(1, ItemName(item));
  stmt_.BindText(2, resource_id);
  stmt_.BindText(3, item_id);
  stmt_.BindText(4, OpName(op));
  stmt_.BindInt(5, at_);
  Status st = stmt_.Run();
  stmt_.Reset();
  return st;
}

Status LogChange(SqliteDb& db, ChangeItem item, const std::string& resource_id,
                 const std::string& item_id, ChangeOp op) {
  FERRY_ASSIGN_OR_RETURN(ChangeLogWriter writer, ChangeLogWriter::Create(db));
  return writer.Add(item, resource_id, item_id, op);
}

Status LogDocumentDeletesByRoot(SqliteDb& db, const std::string& collection_id,
                                const std::string& root_object_id) {
  FERRY_RETURN_IF_ERROR(CheckNotPaused(db, Now()));
  FERRY_ASSIGN_OR_RETURN(
      Statement stmt,
      db.Prepare("INSERT INTO change_log (item, resource_id, item_id, op, at) "
                 "SELECT 'document', collection_id, document_id, 'delete', ? FROM documents "
                 "WHERE collection_id = ? AND root_object_id = ? ORDER BY document_id"));
  stmt.BindInt(1, Now());
  stmt.BindText(2, collection_id);
  stmt.BindText(3, root_object_id);
  return stmt.Run();
}

Result<int64_t> SqliteNamespaceStore::LatestChangeSeq() {
  return db_->Locked([](SqliteDb& db) -> Result<int64_t> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("SELECT seq FROM sqlite_sequence WHERE name = 'change_log'"));
    FERRY_ASSIGN_OR_RETURN(bool row, stmt.Step());
    return row ? stmt.Int(0) : int64_t{0};
  });
}

Result<std::vector<ChangeEntry>> SqliteNamespaceStore::ListChanges(int64_t after, int limit) {
  if (limit < 1) return Status::InvalidArgument("limit must be at least 1");
  return db_->Locked([&](SqliteDb& db) -> Result<std::vector<ChangeEntry>> {
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt, db.Prepare("SELECT seq, item, resource_id, item_id, op, at FROM change_log "
                                   "WHERE seq > ? ORDER BY seq LIMIT ?"));
    stmt.BindInt(1, after);
    stmt.BindInt(2, limit);
    std::vector<ChangeEntry> out;
    for (;;) {
      FERRY_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) return out;
      FERRY_ASSIGN_OR_RETURN(ChangeEntry e, ReadEntry(stmt));
      out.push_back(std::move(e));
    }
  });
}

Result<int64_t> SqliteNamespaceStore::TrimChanges(int64_t upto) {
  return db_->Locked([&](SqliteDb& db) -> Result<int64_t> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt, db.Prepare("DELETE FROM change_log WHERE seq <= ?"));
    stmt.BindInt(1, upto);
    FERRY_RETURN_IF_ERROR(stmt.Run());
    return static_cast<int64_t>(db.Changes());
  });
}

Status SqliteNamespaceStore::PauseWrites(TimestampMs until) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    // The connection's lock orders this after every write in flight (one writer).
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("UPDATE write_pause SET until = ? WHERE id = 1"));
    stmt.BindInt(1, until);
    return stmt.Run();
  });
}

Result<int64_t> SqliteNamespaceStore::TrimChangesWrittenBefore(int64_t upto, TimestampMs before) {
  return db_->Locked([&](SqliteDb& db) -> Result<int64_t> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("DELETE FROM change_log WHERE seq <= ? AND at < ?"));
    stmt.BindInt(1, upto);
    stmt.BindInt(2, before);
    FERRY_RETURN_IF_ERROR(stmt.Run());
    return static_cast<int64_t>(db.Changes());
  });
}

}  // namespace ferry::storage::sqlite
