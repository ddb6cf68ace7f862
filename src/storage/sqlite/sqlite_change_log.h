#pragma once
// Appending to a namespace's change log (storage/change_log_store.h) inside a write's own
// transaction. REQUIRES for each: the connection mutex held and a transaction open.

#include <string>
#include <utility>

#include "common/result.h"
#include "storage/change_log_store.h"
#include "storage/sqlite/sqlite_db.h"

namespace ferry::storage::sqlite {

// Appends entries with one prepared statement (for a write's loop over its items).
class ChangeLogWriter {
 public:
  static Result<ChangeLogWriter> Create(SqliteDb& db);
  Status Add(ChangeItem item, const std::string& resource_id, const std::string& item_id,
             ChangeOp op);

 private:
  ChangeLogWriter(Statement stmt, TimestampMs at) : stmt_(std::move(stmt)), at_(at) {}
  Statement stmt_;
  TimestampMs at_;
};

// One entry.
Status LogChange(SqliteDb& db, ChangeItem item, const std::string& resource_id,
                 const std::string& item_id, ChangeOp op);
// A delete entry for each document of `collection_id` derived from `root_object_id`, to be
// called before those documents are deleted.
Status LogDocumentDeletesByRoot(SqliteDb& db, const std::string& collection_id,
                                const std::string& root_object_id);

}  // namespace ferry::storage::sqlite
