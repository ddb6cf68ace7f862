#include "pg_copy_ceiling.h"

#include <chrono>
#include <exception>
#include <pqxx/pqxx>
#include <thread>
#include <vector>

#include "pg_baselines.h"

namespace ferry::bench {
namespace {

constexpr const char* kScratch = "ferry_bench_c";

struct Table {
  std::string source;                // the namespace's partition, schema-qualified and quoted
  std::string scratch;               // its scratch copy
  std::vector<std::string> indexes;  // CREATE INDEX statements for the scratch table
  int64_t rows = 0;
  std::string error;
};

// The partition of `table` ("objects", "documents") that holds the namespace, its
// secondary index definitions rewritten for the scratch table, and the scratch table.
Table Prepare(pqxx::connection& conn, const std::string& schema, int64_t part,
              const std::string& table, const std::string& key) {
  Table t;
  pqxx::work tx(conn);
  t.source = tx.quote_name(schema) + "." + tx.quote_name(table + "_p" + std::to_string(part));
  t.scratch = std::string(kScratch) + "." + table;
  for (const auto& row :
       tx.exec("SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i WHERE i.indrelid = " +
               tx.quote(t.source) + "::regclass AND NOT i.indisprimary ORDER BY i.indexrelid")) {
    const std::string def = row[0].c_str();
    const size_t using_at = def.find(" USING ");
    if (using_at == std::string::npos) continue;
    t.indexes.push_back("CREATE INDEX ON " + t.scratch + def.substr(using_at));
  }
  tx.exec("CREATE TABLE " + t.scratch + " (LIKE " + t.source +
          " INCLUDING DEFAULTS INCLUDING STORAGE)");
  tx.exec("ALTER TABLE " + t.scratch + " ADD PRIMARY KEY (" + key + ")");
  tx.commit();
  return t;
}

// Loads then indexes one table on its own connection (one per thread).
void LoadAndIndex(pqxx::connection& conn, Table* t) {
  try {
    {
      pqxx::work tx(conn);
      t->rows =
          tx.exec("INSERT INTO " + t->scratch + " SELECT * FROM " + t->source).affected_rows();
      tx.commit();
    }
    for (const auto& sql : t->indexes) ExecCommitted(conn, sql);
  } catch (const std::exception& e) {
    t->error = e.what();
  }
}

}  // namespace

Result<BaselineRun> RunPgCopyCeiling(const std::string& url, const std::string& ferry_schema,
                                     const std::string& namespace_id) {
  try {
    pqxx::connection conn(url);
    const std::string drop = std::string("DROP SCHEMA IF EXISTS ") + kScratch + " CASCADE";
    ExecCommitted(conn, drop);
    ExecCommitted(conn, std::string("CREATE SCHEMA ") + kScratch);
    BaselineRun run;
    std::string error;
    try {
      int64_t part = 0;
      {
        pqxx::work tx(conn);
        part = tx.exec_params1("SELECT part FROM " + tx.quote_name(ferry_schema) +
                                   ".namespace_data WHERE namespace_id = $1",
                               namespace_id)[0]
                   .as<int64_t>();
      }
      Table objects = Prepare(conn, ferry_schema, part, "objects", "namespace_id, object_id");
      Table documents = Prepare(conn, ferry_schema, part, "documents", "namespace_id, document_id");
      pqxx::connection objects_conn(url);
      pqxx::connection documents_conn(url);
      const auto start = std::chrono::steady_clock::now();
      std::thread other([&] { LoadAndIndex(objects_conn, &objects); });
      LoadAndIndex(documents_conn, &documents);
      other.join();
      run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      run.items = objects.rows + documents.rows;
      error = !objects.error.empty() ? objects.error : documents.error;
    } catch (const std::exception& e) {
      error = e.what();
    }
    ExecCommitted(conn, drop);
    if (!error.empty()) return Status::Internal("postgresql copy ceiling: " + error);
    return run;
  } catch (const std::exception& e) {
    // libpqxx messages never hold the URL's password; the URL itself is not repeated.
    return Status::Internal(std::string("postgresql copy ceiling: ") + e.what());
  }
}

}  // namespace ferry::bench
