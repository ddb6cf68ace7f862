#pragma once
// The per-namespace partitions of objects and documents (docs/postgres.md "Layout"). Both
// tables are partitioned by LIST (namespace_id); each namespace's partitions are named
// after its number in namespace_data (`part`): objects_p<N>, documents_p<N> (a document's
// vectors are in its row). The primary keys live on the partitioned tables (upserts need
// them); the secondary indexes and the foreign keys
// are the partitions' own, so a bulk load can suspend them for one namespace and build
// them again, by sorting, when it ends — the other namespaces never notice.

#include <cstdint>
#include <pqxx/pqxx>
#include <string>

#include "common/result.h"

namespace ferry::storage::postgres {

// The namespace's partition number; NotFound when it has no data row.
Result<int64_t> PartitionOf(pqxx::work& tx, const std::string& namespace_id);

// Creates the namespace's partitions with their secondary indexes and foreign keys.
void CreatePartitions(pqxx::work& tx, const std::string& namespace_id, int64_t part);

// Drops the namespace's partitions and all their rows (constant time).
void DropPartitions(pqxx::work& tx, int64_t part);

// Drops the partitions' secondary indexes and foreign keys (idempotent).
void SuspendSecondary(pqxx::work& tx, int64_t part);

// Builds the missing secondary indexes and adds the missing foreign keys, NOT VALID
// (idempotent); ValidateForeignKeys then checks the rows without blocking writers of the
// referenced tables.
void RestoreSecondary(pqxx::work& tx, int64_t part);
void ValidateForeignKeys(pqxx::work& tx, int64_t part);

// The same work in lanes that can run at once, one transaction each on its own
// connection (PgNamespaceStore::EndBulkLoad): a lane builds its indexes, then adds its
// foreign keys, then validates them. Lanes take no lock another lane's step waits on for
// long, except that adding a lane's key waits for the other lane's index builds on the
// same table to commit. `one_process` turns PostgreSQL's parallel maintenance workers
// off for the lane's builds: the lanes already keep two cores busy, and on two cores
// lanes with workers ran slower than one connection with them.
constexpr int kRestoreLanes = 2;
void RestoreIndexes(pqxx::work& tx, int64_t part, int lane, bool one_process);
void AddForeignKeys(pqxx::work& tx, int64_t part, int lane);
void ValidateForeignKeys(pqxx::work& tx, int64_t part, int lane);

// Whether every secondary index and foreign key of the partitions exists (tests).
bool SecondaryComplete(pqxx::work& tx, int64_t part);

}  // namespace ferry::storage::postgres
