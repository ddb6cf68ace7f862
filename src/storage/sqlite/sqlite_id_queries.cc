// SqliteNamespaceStore: keyset pages of object and document ids, and counts of a
// created_at range. Both kinds of row are read the same way through a RowSet.

#include "storage/sqlite/sqlite_id_queries.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "storage/sqlite/sqlite_namespace_store.h"

namespace ferry::storage::sqlite {
namespace {

// A child table and the columns naming its parent and its own id.
struct RowSet {
  const char* table;
  const char* parent_column;
  const char* id_column;
};

constexpr RowSet kObjects{"objects", "bucket_id", "object_id"};
constexpr RowSet kDocuments{"documents", "collection_id", "document_id"};

const RowSet& RowSetOf(IdRows rows) { return rows == IdRows::kObjects ? kObjects : kDocuments; }

// [after, before) as inclusive bounds, so one SQL text serves every combination of
// present and absent bounds. Empty when before is the smallest timestamp.
struct InclusiveRange {
  TimestampMs low = std::numeric_limits<TimestampMs>::min();
  TimestampMs high = std::numeric_limits<TimestampMs>::max();
  bool empty = false;
};

InclusiveRange ToInclusive(std::optional<TimestampMs> after, std::optional<TimestampMs> before) {
  InclusiveRange range;
  if (after.has_value()) range.low = *after;
  if (before.has_value()) {
    if (*before == std::numeric_limits<TimestampMs>::min()) {
      range.empty = true;
    } else {
      range.high = *before - 1;
    }
  }
  return range;
}

// The ids walk (parent, id) in order on the <table>_by_<parent>_id index, which also holds
// created_at, so a page reads at most `limit` matching index entries and no table rows.
Result<std::vector<std::string>> ListIds(SqliteDb& db, IdRows rows, const std::string& parent_id,
                                         const IdQuery& query) {
  InclusiveRange range = ToInclusive(query.created_after, query.created_before);
  if (range.empty || query.limit <= 0) return std::vector<std::string>{};
  FERRY_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(ListIdsSql(rows)));
  stmt.BindText(1, parent_id);
  stmt.BindText(2, query.after_id);
  stmt.BindInt(3, range.low);
  stmt.BindInt(4, range.high);
  stmt.BindInt(5, query.limit);
  return FetchAll(stmt, [](const Statement& row) -> Result<std::string> { return row.Text(0); });
}

// Served by the <table>_by_<parent> index on (parent, created_at, id).
Result<int64_t> CountInRange(SqliteDb& db, IdRows rows, const std::string& parent_id,
                             std::optional<TimestampMs> after, std::optional<TimestampMs> before) {
  InclusiveRange range = ToInclusive(after, before);
  if (range.empty) return int64_t{0};
  FERRY_ASSIGN_OR_RETURN(Statement stmt, db.Prepare(CountInRangeSql(rows)));
  stmt.BindText(1, parent_id);
  stmt.BindInt(2, range.low);
  stmt.BindInt(3, range.high);
  return FetchInt(stmt);
}

}  // namespace

std::string ListIdsSql(IdRows which) {
  const RowSet& rows = RowSetOf(which);
  std::string sql = "SELECT ";
  sql.append(rows.id_column).append(" FROM ").append(rows.table);
  sql.append(" WHERE ").append(rows.parent_column).append(" = ? AND ").append(rows.id_column);
  // "+created_at" keeps the planner off the (parent, created_at) index: that would read the
  // whole range and sort it for every page, where walking ids stops after `limit` matches.
  sql.append(" > ? AND +created_at BETWEEN ? AND ? ORDER BY ").append(rows.id_column);
  return sql.append(" LIMIT ?");
}

std::string CountInRangeSql(IdRows which) {
  const RowSet& rows = RowSetOf(which);
  std::string sql = "SELECT COUNT(*) FROM ";
  sql.append(rows.table).append(" WHERE ").append(rows.parent_column);
  return sql.append(" = ? AND created_at BETWEEN ? AND ?");
}

Result<std::vector<std::string>> SqliteNamespaceStore::ListObjectIds(const std::string& bucket_id,
                                                                     const IdQuery& query) {
  return db_->Locked([&](SqliteDb& db) { return ListIds(db, IdRows::kObjects, bucket_id, query); });
}

Result<std::vector<std::string>> SqliteNamespaceStore::ListDocumentIds(
    const std::string& collection_id, const IdQuery& query) {
  return db_->Locked(
      [&](SqliteDb& db) { return ListIds(db, IdRows::kDocuments, collection_id, query); });
}

Result<int64_t> SqliteNamespaceStore::CountObjectsInRange(const std::string& bucket_id,
                                                          std::optional<TimestampMs> after,
                                                          std::optional<TimestampMs> before) {
  return db_->Locked(
      [&](SqliteDb& db) { return CountInRange(db, IdRows::kObjects, bucket_id, after, before); });
}

Result<int64_t> SqliteNamespaceStore::CountDocumentsInRange(const std::string& collection_id,
                                                            std::optional<TimestampMs> after,
                                                            std::optional<TimestampMs> before) {
  return db_->Locked([&](SqliteDb& db) {
    return CountInRange(db, IdRows::kDocuments, collection_id, after, before);
  });
}

}  // namespace ferry::storage::sqlite
