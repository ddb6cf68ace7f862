#pragma once
// Baseline A on PostgreSQL (issue 11): PostgreSQL's own INSERT … SELECT of the source
// collection's rows (id, fields, vector) into an empty scratch table of the same database,
// measured in the same run as the copy migration. The bench is a tool and talks to the
// database directly (libpqxx); the server code goes through PgStorageEngine only.

#include <cstdint>
#include <pqxx/pqxx>
#include <string>

#include "baselines.h"
#include "common/result.h"

namespace ferry::bench {

struct PgBaselines {
  BaselineRun insert_select;  // INSERT INTO t2 SELECT * FROM t1, committed
  int64_t row_bytes = 0;      // average fields + vector bytes per row
};

// Runs `sql` in a transaction of its own and commits it.
void ExecCommitted(pqxx::connection& conn, const std::string& sql);

// Creates the scratch schema `ferry_bench` in the database of `url` (dropped first when an
// earlier run left it), fills t1 from `collection_id`'s documents and vectors in namespace
// `namespace_id` of the backend's schema `ferry_schema`, in the order they were written,
// then times the copy into t2. Drops the scratch schema again, also on failure. Internal
// on any database error.
Result<PgBaselines> RunPgBaseline(const std::string& url, const std::string& ferry_schema,
                                  const std::string& namespace_id,
                                  const std::string& collection_id);

}  // namespace ferry::bench
