#include "pg_baselines.h"

#include <chrono>
#include <exception>
#include <pqxx/pqxx>

namespace ferry::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kScratch = "ferry_bench";

// The same table as the SQLite baseline's, with PostgreSQL's types and the backend's
// collation for ids.
std::string CreateTable(const std::string& name) {
  return std::string("CREATE TABLE ") + kScratch + "." + name +
         " (id TEXT COLLATE \"C\" PRIMARY KEY, fields BYTEA NOT NULL, vector BYTEA NOT NULL)";
}

void DropScratch(pqxx::connection& conn) {
  ExecCommitted(conn, std::string("DROP SCHEMA IF EXISTS ") + kScratch + " CASCADE");
}

PgBaselines Measure(pqxx::connection& conn, const std::string& ferry_schema,
                    const std::string& namespace_id, const std::string& collection_id) {
  DropScratch(conn);
  ExecCommitted(conn, std::string("CREATE SCHEMA ") + kScratch);
  ExecCommitted(conn, CreateTable("t1"));
  ExecCommitted(conn, CreateTable("t2"));
  {
    // The very rows of the source collection, in the order they were written.
    pqxx::work tx(conn);
    const std::string s = tx.quote_name(ferry_schema);
    tx.exec_params(std::string("INSERT INTO ") + kScratch +
                       ".t1 SELECT d.document_id, d.fields, d.vectors FROM " + s +
                       ".documents d WHERE d.namespace_id = $1 AND d.collection_id = $2 "
                       "ORDER BY d.write_seq",
                   namespace_id, collection_id);
    tx.commit();
  }
  // Settled statistics and hint bits, as the long-written source tables of the copy have.
  pqxx::nontransaction(conn).exec(std::string("VACUUM ANALYZE ") + kScratch + ".t1");
  PgBaselines out;
  {
    pqxx::work tx(conn);
    out.row_bytes =
        tx.exec1(std::string("SELECT COALESCE(AVG(LENGTH(fields) + LENGTH(vector)), 0)::BIGINT "
                             "FROM ") +
                 kScratch + ".t1")[0]
            .as<int64_t>();
  }
  const auto start = Clock::now();
  {
    pqxx::work tx(conn);
    tx.exec(std::string("INSERT INTO ") + kScratch + ".t2 SELECT * FROM " + kScratch + ".t1");
    tx.commit();
  }
  out.insert_select.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  pqxx::work tx(conn);
  out.insert_select.items =
      tx.exec1(std::string("SELECT COUNT(*) FROM ") + kScratch + ".t2")[0].as<int64_t>();
  return out;
}

}  // namespace

void ExecCommitted(pqxx::connection& conn, const std::string& sql) {
  pqxx::work tx(conn);
  tx.exec(sql);
  tx.commit();
}

Result<PgBaselines> RunPgBaseline(const std::string& url, const std::string& ferry_schema,
                                  const std::string& namespace_id,
                                  const std::string& collection_id) {
  try {
    pqxx::connection conn(url);
    try {
      PgBaselines out = Measure(conn, ferry_schema, namespace_id, collection_id);
      DropScratch(conn);
      return out;
    } catch (const std::exception&) {
      DropScratch(conn);
      throw;
    }
  } catch (const std::exception& e) {
    // libpqxx messages never hold the URL's password; the URL itself is not repeated.
    return Status::Internal(std::string("postgresql baseline: ") + e.what());
  }
}

}  // namespace ferry::bench
