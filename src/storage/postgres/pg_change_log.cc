// The change log of client writes on PostgreSQL: `change_log` rows by (namespace, seq) and
// each namespace's last sequence in `change_seqs` (schema step 7). A write appends its
// entries with one statement that advances the namespace's row in change_seqs and holds
// its lock to the commit, so entries commit in sequence order.

#include "storage/postgres/pg_change_log.h"

#include <algorithm>

#include "common/clock.h"
#include "storage/postgres/pg_array_param.h"
#include "storage/postgres/pg_namespace_store.h"
#include "storage/postgres/pg_ns_rows.h"
#include "storage/postgres/pg_params.h"

namespace ferry::storage::postgres {
namespace {

constexpr const char* kNowMs = "(extract(epoch from clock_timestamp()) * 1000)::bigint";
// The new sequence of a namespace's change_seqs row `c` advanced by EXCLUDED.seq, unless its
// writes are paused (then the statement fails with SQLSTATE FY001).
constexpr const char* kAdvanceSeq =
    "DO UPDATE SET seq = CASE WHEN c.paused_until > "
    "(extract(epoch from clock_timestamp()) * 1000)::bigint THEN ferry_writes_paused() "
    "ELSE c.seq + EXCLUDED.seq END ";

const char* ItemName(ChangeItem item) {
  return item == ChangeItem::kObject ? "object" : "document";
}
const char* OpName(ChangeOp op) { return op == ChangeOp::kUpsert ? "upsert" : "delete"; }

Result<ChangeEntry> ReadEntry(const pqxx::row& row) {
  ChangeEntry e;
  e.seq = row[0].as<int64_t>();
  const std::string item = row[1].as<std::string>();
  if (item != "object" && item != "document") return Status::DataLoss("change_log item: " + item);
  e.item = item == "object" ? ChangeItem::kObject : ChangeItem::kDocument;
  e.resource_id = row[2].as<std::string>();
  e.item_id = row[3].as<std::string>();
  const std::string op = row[4].as<std::string>();
  if (op != "upsert" && op != "delete") return Status::DataLoss("change_log op: " + op);
  e.op = op == "upsert" ? ChangeOp::kUpsert : ChangeOp::kDelete;
  e.at = row[5].as<int64_t>();
  return e;
}

}  // namespace

void LogChanges(pqxx::work& tx, const std::string& ns, const std::vector<ChangeRecord>& records) {
  if (records.empty()) return;
  std::vector<std::string> items, resources, ids, ops;
  for (const ChangeRecord& r : records) {
    items.push_back(ItemName(r.item));
    resources.push_back(r.resource_id);
    ids.push_back(r.item_id);
    ops.push_back(OpName(r.op));
  }
  tx.exec_params(
      std::string(
          "WITH s AS (INSERT INTO change_seqs AS c VALUES ($1, $2) ON CONFLICT (namespace_id) ") +
          kAdvanceSeq +
          "RETURNING seq) "
          "INSERT INTO change_log (namespace_id, seq, item, resource_id, item_id, op, at) "
          "SELECT $1, (SELECT seq FROM s) - $2 + t.n, t.item, t.rid, t.iid, t.op, " +
          kNowMs +
          " FROM unnest($3::text[], $4::text[], "
          "$5::text[], $6::text[]) "
          "WITH ORDINALITY AS t(item, rid, iid, op, n)",
      ns, static_cast<int64_t>(records.size()), TextArray(items), TextArray(resources),
      TextArray(ids), TextArray(ops));
}

void DeleteDocumentsByRootsLogged(pqxx::work& tx, const std::string& ns,
                                  const std::string& collection_id,
                                  const std::vector<std::string>& root_ids) {
  LockCollectionWrites(tx, ns, {collection_id});
  tx.exec_params(
      std::string("WITH gone AS (DELETE FROM documents WHERE namespace_id = $1 "
                  "AND collection_id = $2 AND root_object_id = ANY ($3::text[]) "
                  "RETURNING document_id), "
                  "d AS (SELECT document_id, row_number() OVER (ORDER BY document_id) AS n "
                  "FROM gone), "
                  "k AS (SELECT count(*) AS k FROM d), "
                  "s AS (INSERT INTO change_seqs AS c SELECT $1, k FROM k WHERE k > 0 "
                  "ON CONFLICT (namespace_id) ") +
          kAdvanceSeq +
          "RETURNING seq) "
          "INSERT INTO change_log (namespace_id, seq, item, resource_id, item_id, op, at) "
          "SELECT $1, (SELECT seq FROM s) - (SELECT k FROM k) + d.n, 'document', $2, "
          "d.document_id, 'delete', " +
          kNowMs + " FROM d",
      ns, collection_id, TextArray(root_ids));
}

Result<int64_t> PgNamespaceStore::LatestChangeSeq() {
  return Run("latest change", [&](pqxx::work& tx) -> Result<int64_t> {
    auto r = tx.exec_params("SELECT seq FROM change_seqs WHERE namespace_id = $1", ns_);
    return r.empty() ? int64_t{0} : r[0][0].as<int64_t>();
  });
}

Result<std::vector<ChangeEntry>> PgNamespaceStore::ListChanges(int64_t after, int limit) {
  if (limit < 1) return Status::InvalidArgument("limit must be at least 1");
  return Run("list changes", [&](pqxx::work& tx) -> Result<std::vector<ChangeEntry>> {
    std::vector<ChangeEntry> out;
    for (const auto& row :
         tx.exec_params("SELECT seq, item, resource_id, item_id, op, at FROM change_log "
                        "WHERE namespace_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
                        ns_, after, limit)) {
      FERRY_ASSIGN_OR_RETURN(ChangeEntry e, ReadEntry(row));
      out.push_back(std::move(e));
    }
    return out;
  });
}

Result<int64_t> PgNamespaceStore::TrimChanges(int64_t upto) {
  return Run("trim changes", [&](pqxx::work& tx) -> Result<int64_t> {
    auto r =
        tx.exec_params("DELETE FROM change_log WHERE namespace_id = $1 AND seq <= $2", ns_, upto);
    return static_cast<int64_t>(r.affected_rows());
  });
}

Status PgNamespaceStore::PauseWrites(TimestampMs until) {
  return Run("pause writes", [&](pqxx::work& tx) -> Status {
    // Writes compare the pause with the database server's clock (kAdvanceSeq), so the
    // pause is stored in that clock: this process's deadline as a duration from the
    // server's now. A clock skew between the two then neither shortens nor lengthens it.
    const int64_t left = std::max<int64_t>(0, until - SystemClock().NowMs());
    tx.exec_params(std::string("INSERT INTO change_seqs AS c (namespace_id, seq, paused_until) "
                               "VALUES ($1, 0, CASE WHEN $2 > 0 THEN ") +
                       kNowMs +
                       " + $2 ELSE 0 END) "
                       "ON CONFLICT (namespace_id) DO UPDATE SET paused_until = "
                       "EXCLUDED.paused_until",
                   ns_, left);
    return Status::Ok();
  });
}

Result<int64_t> PgNamespaceStore::TrimChangesWrittenBefore(int64_t upto, TimestampMs before) {
  return Run("trim changes", [&](pqxx::work& tx) -> Result<int64_t> {
    auto r =
        tx.exec_params("DELETE FROM change_log WHERE namespace_id = $1 AND seq <= $2 AND at < $3",
                       ns_, upto, before);
    return static_cast<int64_t>(r.affected_rows());
  });
}

}  // namespace ferry::storage::postgres
