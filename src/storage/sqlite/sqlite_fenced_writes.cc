// SqliteNamespaceStore: writes guarded by a migration worker's fencing token. The
// `write_fences` row of the key is checked and advanced in the same transaction as the
// rows, so a worker whose lease was taken over cannot overwrite its successor's work.

#include <string>
#include <vector>

#include "storage/sqlite/sqlite_namespace_store.h"
#include "storage/sqlite/sqlite_write_rows.h"

namespace ferry::storage::sqlite {
// OK, with the fence advanced to fence.token, unless a higher token wrote under the key.
// REQUIRES: inside a transaction.
Status AdvanceWriteFence(SqliteDb& db, const WriteFence& fence, bool* first_write) {
  FERRY_ASSIGN_OR_RETURN(Statement read,
                         db.Prepare("SELECT token FROM write_fences WHERE fence_key = ?"));
  read.BindText(1, fence.key);
  FERRY_ASSIGN_OR_RETURN(bool row, read.Step());
  if (first_write != nullptr) *first_write = !row;
  if (row && read.Int(0) > fence.token) {
    return Status::LeaseLost("stale fencing token " + std::to_string(fence.token) + " for " +
                             fence.key + " (a newer holder has token " +
                             std::to_string(read.Int(0)) + ")");
  }
  FERRY_ASSIGN_OR_RETURN(
      Statement write, db.Prepare("INSERT INTO write_fences (fence_key, token) VALUES (?, ?) "
                                  "ON CONFLICT (fence_key) DO UPDATE SET token = excluded.token"));
  write.BindText(1, fence.key);
  write.BindInt(2, fence.token);
  return write.Run();
}

Status SqliteNamespaceStore::UpsertObjectsFenced(const WriteFence& fence,
                                                 const std::vector<model::Object>& objects) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    return InTransaction(db, [&]() -> Status {
      FERRY_RETURN_IF_ERROR(AdvanceWriteFence(db, fence));
      return UpsertObjectRows(db, objects);
    });
  });
}

Status SqliteNamespaceStore::UpsertDocumentsFenced(const WriteFence& fence,
                                                   const std::vector<model::Document>& docs) {
  return db_->Locked([&](SqliteDb& db) -> Status {
    return InTransaction(db, [&]() -> Status {
      FERRY_RETURN_IF_ERROR(AdvanceWriteFence(db, fence));
      FERRY_RETURN_IF_ERROR(UpsertDocumentRows(db, docs));
      ReachedCrashPoint("fenced_write.before_commit");
      return Status::Ok();
    });
  });
}

}  // namespace ferry::storage::sqlite
