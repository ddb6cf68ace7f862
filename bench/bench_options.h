#pragma once
// Command line of ferry-bench:
//   ferry-bench [--n N] [--data-dir DIR] [--storage URL] [--workers W] [--batch-size B]
//               [--reference-n R] [--no-re-extract]

#include <cstdint>
#include <string>

#include "common/result.h"

namespace ferry::bench {

struct BenchOptions {
  // Text objects in the source namespace (default: 100000).
  int64_t n = 100000;
  // Where the server data and the baseline database go (default: "" = a fresh temporary
  // directory, removed at the end). A given directory is kept.
  std::string data_dir;
  // Storage of the server data: "" = the embedded SQLite store in data_dir (default), or
  // postgresql://user@host:port/db (the backend's schema `ferry` in that database; the
  // baseline is then PostgreSQL's INSERT … SELECT, pg_baselines.h).
  std::string storage;
  // batch_options.max_workers of both migrations, 1–50 (default: 0 = number of cores).
  int64_t workers = 0;
  // batch_options.batch_size of both migrations, 1–1000 (default: 1000).
  int64_t batch_size = 1000;
  // Objects of a reference namespace migrated first in the same process, so each
  // migration's items/s at N is quoted relative to the same migration at this size
  // (flat cost per item). 0 or equal to n: no reference run (default 10000).
  int64_t reference_n = 10000;
  // False with --no-re-extract: only the copy and its baseline are measured (default true).
  bool re_extract = true;
  // True when --help was given; nothing else is run.
  bool help = false;
};

// InvalidArgument names the offending flag.
Result<BenchOptions> ParseBenchOptions(int argc, char** argv);

// The usage text printed by --help.
const char* BenchUsage();

}  // namespace ferry::bench
