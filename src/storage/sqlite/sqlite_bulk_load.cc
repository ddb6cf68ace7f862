// SqliteNamespaceStore: bulk load. Every item written into a B-tree index at a random key
// dirties a random page, and each commit appends every dirty page to the WAL (then the
// checkpoint copies it again): with hash-derived ids and five secondary indexes, a slice
// of 1000 documents rewrote thousands of pages. During a bulk load the objects' secondary
// indexes are dropped; building them afterwards sorts their entries once and writes their
// pages in order. Primary keys (and so upserts) are untouched.
//
// The documents' indexes stay: a copy writes documents in key order (ids keep their order
// through the mapping, common/ids.h), and their root objects and creation times follow
// the same order, so their entries are appended; and a rebuild would scan the documents
// table, vectors included (records/packed_vectors.h), once per index. Kept live, the 100k
// copy took 1.77–1.81 s against 1.94–2.11 s with the three rebuilt (docs/benchmarks.md,
// "Session 15"). The objects' indexes are rebuilt: kept live they cost more than that
// (1.82–1.95 s), the content hash index taking its keys in random order.

#include "storage/sqlite/sqlite_bulk_load.h"

#include <string>

#include "storage/sqlite/sqlite_namespace_store.h"

namespace ferry::storage::sqlite {
namespace {

struct SecondaryIndex {
  const char* name;
  const char* definition;  // exactly as the schema steps create it (schema_migrations.cc)
  bool suspended;          // dropped by BeginBulkLoad
};

constexpr SecondaryIndex kSecondaryIndexes[] = {
    {"objects_by_bucket", "objects (bucket_id, created_at, object_id)", true},
    {"objects_by_bucket_id", "objects (bucket_id, object_id, created_at)", true},
    {"object_blob_hashes_by_hash", "object_blob_hashes (content_hash)", true},
    {"documents_by_root", "documents (collection_id, root_object_id)", false},
    {"documents_by_created", "documents (collection_id, created_at, document_id)", false},
    {"documents_by_collection_id", "documents (collection_id, document_id, created_at)", false},
};

}  // namespace

Status EnsureSecondaryIndexes(SqliteDb& db) {
  return InTransaction(db, [&]() -> Status {
    for (const auto& index : kSecondaryIndexes) {
      FERRY_RETURN_IF_ERROR(db.Exec(std::string("CREATE INDEX IF NOT EXISTS ") + index.name +
                                    " ON " + index.definition));
    }
    return Status::Ok();
  });
}

Status SqliteNamespaceStore::BeginBulkLoad() {
  return db_->Locked([](SqliteDb& db) -> Status {
    return InTransaction(db, [&]() -> Status {
      for (const auto& index : kSecondaryIndexes) {
        if (!index.suspended) continue;
        FERRY_RETURN_IF_ERROR(db.Exec(std::string("DROP INDEX IF EXISTS ") + index.name));
      }
      return Status::Ok();
    });
  });
}

// The rebuild sorts every entry of each index: with the connection's temp_store=MEMORY
// the sorter's spill files live in the heap, so a million-document rebuild held ~120 MiB
// (measured with the sqlite3 shell: 138 MiB peak RSS in memory, 21 MiB with files, and
// the file-backed sort was no slower). Spill to files for the rebuild, then go back.
Status SqliteNamespaceStore::EndBulkLoad() {
  return db_->Locked([](SqliteDb& db) -> Status {
    FERRY_RETURN_IF_ERROR(db.Exec("PRAGMA temp_store=FILE"));
    Status built = EnsureSecondaryIndexes(db);
    Status restored = db.Exec("PRAGMA temp_store=MEMORY");
    return built.ok() ? restored : built;
  });
}

}  // namespace ferry::storage::sqlite
