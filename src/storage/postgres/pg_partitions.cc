#include "storage/postgres/pg_partitions.h"

namespace ferry::storage::postgres {
namespace {

constexpr const char* kTables[] = {"objects", "documents"};

std::string Name(const char* table, int64_t part) {
  return std::string(table) + "_p" + std::to_string(part);
}

struct Index {
  const char* table;
  const char* suffix;
  const char* columns;
  int lane;  // RestoreIndexes
};

// The secondary indexes of a namespace's partitions (all non-unique). The lanes split
// their builds in two of about the same cost: documents are twice as wide as objects.
constexpr Index kIndexes[] = {
    {"objects", "by_bucket", "namespace_id, bucket_id, created_at, object_id", 0},
    {"objects", "by_bucket_id", "namespace_id, bucket_id, object_id, created_at", 0},
    {"documents", "by_root", "namespace_id, collection_id, root_object_id", 0},
    {"documents", "by_created", "namespace_id, collection_id, created_at, document_id", 1},
    {"documents", "by_collection_id", "namespace_id, collection_id, document_id, created_at", 1},
    {"documents", "by_write", "namespace_id, collection_id, write_seq", 1},
};

struct ForeignKey {
  const char* table;
  const char* suffix;
  const char* columns;
  const char* parent;  // a shared table
  int lane;
};

// Children go with their parents: objects with their bucket, documents with their
// collection.
constexpr ForeignKey kForeignKeys[] = {
    {"objects", "bucket", "namespace_id, bucket_id", "buckets", 0},
    {"documents", "collection", "namespace_id, collection_id", "collections", 1},
};

std::string IndexName(const Index& i, int64_t part) { return Name(i.table, part) + "_" + i.suffix; }
std::string KeyName(const ForeignKey& k, int64_t part) {
  return Name(k.table, part) + "_" + k.suffix;
}

bool HasConstraint(pqxx::work& tx, const std::string& table, const std::string& name) {
  return !tx.exec_params(
                "SELECT 1 FROM pg_constraint WHERE conrelid = $1::regclass "
                "AND conname = $2",
                table, name)
              .empty();
}

}  // namespace

Result<int64_t> PartitionOf(pqxx::work& tx, const std::string& namespace_id) {
  auto r = tx.exec_params("SELECT part FROM namespace_data WHERE namespace_id = $1", namespace_id);
  if (r.empty()) return Status::NotFound("namespace data not found: " + namespace_id);
  return r[0][0].as<int64_t>();
}

void CreatePartitions(pqxx::work& tx, const std::string& namespace_id, int64_t part) {
  // A string constant with its quotes doubled (standard_conforming_strings is on since
  // PostgreSQL 9.1; pqxx's quote() trips a GCC 12 false -Wrestrict here).
  std::string bound = " FOR VALUES IN ('";
  for (char c : namespace_id) bound.append(c == '\'' ? 2 : 1, c);
  bound.append("')");
  for (const char* table : kTables) {
    std::string sql = "CREATE TABLE ";
    sql.append(Name(table, part)).append(" PARTITION OF ").append(table).append(bound);
    tx.exec(sql);
  }
  RestoreSecondary(tx, part);
}

void DropPartitions(pqxx::work& tx, int64_t part) {
  tx.exec("DROP TABLE IF EXISTS " + Name("documents", part) + ", " + Name("objects", part));
}

void SuspendSecondary(pqxx::work& tx, int64_t part) {
  for (const auto& k : kForeignKeys) {
    tx.exec("ALTER TABLE " + Name(k.table, part) + " DROP CONSTRAINT IF EXISTS " +
            KeyName(k, part));
  }
  for (const auto& i : kIndexes) tx.exec("DROP INDEX IF EXISTS " + IndexName(i, part));
}

void RestoreSecondary(pqxx::work& tx, int64_t part) {
  for (int lane = 0; lane < kRestoreLanes; ++lane) RestoreIndexes(tx, part, lane, false);
  for (int lane = 0; lane < kRestoreLanes; ++lane) AddForeignKeys(tx, part, lane);
}

void ValidateForeignKeys(pqxx::work& tx, int64_t part) {
  for (int lane = 0; lane < kRestoreLanes; ++lane) ValidateForeignKeys(tx, part, lane);
}

void RestoreIndexes(pqxx::work& tx, int64_t part, int lane, bool one_process) {
  if (one_process) tx.exec("SET LOCAL max_parallel_maintenance_workers = 0");
  for (const auto& i : kIndexes) {
    if (i.lane != lane) continue;
    tx.exec("CREATE INDEX IF NOT EXISTS " + IndexName(i, part) + " ON " + Name(i.table, part) +
            " (" + i.columns + ")");
  }
}

void AddForeignKeys(pqxx::work& tx, int64_t part, int lane) {
  for (const auto& k : kForeignKeys) {
    const std::string table = Name(k.table, part);
    if (k.lane != lane || HasConstraint(tx, table, KeyName(k, part))) continue;
    tx.exec("ALTER TABLE " + table + " ADD CONSTRAINT " + KeyName(k, part) + " FOREIGN KEY (" +
            k.columns + ") REFERENCES " + k.parent + " ON DELETE CASCADE NOT VALID");
  }
}

void ValidateForeignKeys(pqxx::work& tx, int64_t part, int lane) {
  for (const auto& k : kForeignKeys) {
    if (k.lane != lane) continue;
    tx.exec("ALTER TABLE " + Name(k.table, part) + " VALIDATE CONSTRAINT " + KeyName(k, part));
  }
}

bool SecondaryComplete(pqxx::work& tx, int64_t part) {
  for (const auto& i : kIndexes) {
    if (tx.exec_params("SELECT to_regclass($1)", IndexName(i, part))[0][0].is_null()) return false;
  }
  for (const auto& k : kForeignKeys) {
    if (!HasConstraint(tx, Name(k.table, part), KeyName(k, part))) return false;
  }
  return true;
}

}  // namespace ferry::storage::postgres
