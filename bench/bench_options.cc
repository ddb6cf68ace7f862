#include "bench_options.h"

#include <charconv>
#include <string_view>

namespace ferry::bench {
namespace {

Result<int64_t> ParseInt(std::string_view flag, std::string_view text, int64_t min, int64_t max) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    std::string message(flag);
    message.append(" must be an integer between ")
        .append(std::to_string(min))
        .append(" and ")
        .append(std::to_string(max));
    return Status::InvalidArgument(std::move(message));
  }
  return value;
}

}  // namespace

const char* BenchUsage() {
  return "usage: ferry-bench [--n N] [--data-dir DIR] [--storage URL] [--workers W]\n"
         "                   [--batch-size B] [--reference-n R] [--no-re-extract]\n"
         "  --n N           text objects in the source namespace (default 100000)\n"
         "  --data-dir DIR  data directory, kept afterwards (default: fresh temp dir, removed)\n"
         "  --storage URL   postgresql://user@host:port/db: run on PostgreSQL and compare the\n"
         "                  copy with PostgreSQL's INSERT ... SELECT (default: embedded SQLite)\n"
         "  --workers W     migration max_workers, 1-50 (default: number of cores)\n"
         "  --batch-size B  migration batch_size, 1-1000 (default 1000)\n"
         "  --reference-n R first migrate a namespace of R objects in the same process and\n"
         "                  quote items/s at N relative to it (default 10000; 0 = none)\n"
         "  --no-re-extract measure the copy and its baseline only\n";
}

Result<BenchOptions> ParseBenchOptions(int argc, char** argv) {
  BenchOptions options;
  for (int i = 1; i < argc; ++i) {
    std::string_view flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      options.help = true;
      continue;
    }
    if (flag == "--no-re-extract") {
      options.re_extract = false;
      continue;
    }
    if (i + 1 >= argc) {
      std::string message(flag);
      return Status::InvalidArgument(message.append(": missing value or unknown flag"));
    }
    std::string_view value = argv[++i];
    if (flag == "--n") {
      FERRY_ASSIGN_OR_RETURN(options.n, ParseInt(flag, value, 1, 100'000'000));
    } else if (flag == "--data-dir") {
      options.data_dir = std::string(value);
    } else if (flag == "--storage") {
      if (!value.starts_with("postgresql://") && !value.starts_with("postgres://")) {
        return Status::InvalidArgument("--storage must be a postgresql:// URL");
      }
      options.storage = std::string(value);
    } else if (flag == "--workers") {
      FERRY_ASSIGN_OR_RETURN(options.workers, ParseInt(flag, value, 1, 50));
    } else if (flag == "--reference-n") {
      FERRY_ASSIGN_OR_RETURN(options.reference_n, ParseInt(flag, value, 0, 100'000'000));
    } else if (flag == "--batch-size") {
      FERRY_ASSIGN_OR_RETURN(options.batch_size, ParseInt(flag, value, 1, 1000));
    } else {
      std::string message = "unknown flag ";
      return Status::InvalidArgument(message.append(flag));
    }
  }
  return options;
}

}  // namespace ferry::bench
