#pragma once
// The two reference figures a migration is compared with, measured in the same process
// on the same machine:
//  A. SQLite's own INSERT … SELECT of the source collection's rows (id, fields, vector)
//     into an empty table of a separate database file with the backend's PRAGMAs.
//  B. The extractor alone over the same texts on every core (one thread per core,
//     static partition), no storage at all.

#include <cstdint>
#include <string>

#include "common/result.h"
#include "extract/extractor.h"

namespace ferry::bench {

struct BaselineRun {
  int64_t items = 0;
  double seconds = 0;
  double per_second() const { return seconds > 0 ? static_cast<double>(items) / seconds : 0; }
};

struct SqliteBaselines {
  BaselineRun insert_select;  // INSERT INTO t2 SELECT * FROM t1 (SQLite's transfer path)
  BaselineRun row_by_row;     // the same with WHERE 1, which disables the transfer path
  int64_t row_bytes = 0;      // average fields + vector bytes per row
};

// Fills t1 of `db_path` (created; must not exist) from `collection_id`'s documents and
// vectors in the namespace database `namespace_db`, then times the copies.
Result<SqliteBaselines> RunSqliteBaseline(const std::string& db_path,
                                          const std::string& namespace_db,
                                          const std::string& collection_id);

// Runs `fx` with its default parameters over SyntheticText(0..n-1) on `threads` threads.
// Internal when an extraction fails.
Result<BaselineRun> RunExtractorBaseline(const extract::FeatureExtractor& fx, int64_t n,
                                         int threads);

}  // namespace ferry::bench
