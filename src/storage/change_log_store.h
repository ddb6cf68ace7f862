#pragma once
// ChangeLogStore: a namespace's ordered log of client writes (part of NamespaceStore), what a
// live migration catches up from (issue 13). Every write a client makes through the
// ordinary write methods — InsertObject, UpsertObjects, DeleteObject, UpsertDocuments,
// EditDocuments, DeleteDocuments, DeleteDocumentsByRootObjects — appends one entry per item it
// wrote, in the write's own transaction: no write without its entry, no entry without its write.
// Sequence numbers start at 1, increase by one per entry in commit order, and are never reused (not
// even after a trim). A migration's own writes into its target (the fenced writes and bulk copies
// of BulkStore) are not client writes and are not logged. Implementations are thread-safe; each
// call is atomic.

#include <cstdint>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/result.h"

namespace ferry::storage {

enum class ChangeOp { kUpsert, kDelete };
// What was written: an object (of a bucket) or a document (of a collection).
enum class ChangeItem { kObject, kDocument };

struct ChangeEntry {
  int64_t seq = 0;
  ChangeItem item = ChangeItem::kObject;
  std::string resource_id;  // the bucket's (object) or the collection's (document) id
  std::string item_id;      // the object's or the document's id
  ChangeOp op = ChangeOp::kUpsert;
  TimestampMs at = 0;  // when it was written (the writer's clock)

  bool operator==(const ChangeEntry&) const = default;
};

class ChangeLogStore {
 public:
  virtual ~ChangeLogStore() = default;

  // The last sequence number given out (0 before the first write); trims do not lower it.
  virtual Result<int64_t> LatestChangeSeq() = 0;
  // Entries with seq > after, in seq order, at most `limit` (≥ 1).
  virtual Result<std::vector<ChangeEntry>> ListChanges(int64_t after, int limit) = 0;
  // Removes the entries with seq <= upto; how many.
  virtual Result<int64_t> TrimChanges(int64_t upto) = 0;
  // Pauses client writes until `until` (wall-clock milliseconds since the epoch): every
  // logged write method fails with WritesPaused and writes nothing until then. A pause in
  // the past (0) lifts it. Writes in flight when it is called commit before it returns,
  // so once it returns LatestChangeSeq stays put until the pause ends. The migration's own
  // writes (BulkStore's fenced writes and copies) are not paused.
  virtual Status PauseWrites(TimestampMs until) = 0;
  // Removes the entries with seq <= upto that were written before `before` (at < before);
  // how many. What a retention trims (migration/change_log_retention.h).
  virtual Result<int64_t> TrimChangesWrittenBefore(int64_t upto, TimestampMs before) = 0;
};

}  // namespace ferry::storage
