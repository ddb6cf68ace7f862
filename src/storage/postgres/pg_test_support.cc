#include "storage/postgres/pg_test_support.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace ferry::storage::postgres::testing {

std::string TestClusterUrl() {
  if (const char* url = std::getenv("FERRY_TEST_PG_URL"); url != nullptr && *url != '\0') {
    return url;
  }
  const char* file = std::getenv("FERRY_TEST_PG_URL_FILE");
  std::string url;
  if (file != nullptr) {
    std::ifstream in(file);
    std::getline(in, url);
  }
  if (url.empty()) {
    std::fprintf(stderr,
                 "no PostgreSQL test cluster: run through ctest (fixture pg_cluster_start) or "
                 "set FERRY_TEST_PG_URL\n");
    std::abort();
  }
  return url;
}

std::string UniqueSchema() {
  static std::atomic<int> n{0};
  return "t_" + std::to_string(::getpid()) + "_" + std::to_string(n++);
}

void DropSchema(const std::string& url, const std::string& schema) {
  pqxx::connection c(url);
  pqxx::nontransaction tx(c);
  tx.exec("DROP SCHEMA IF EXISTS " + c.quote_name(schema) + " CASCADE");
}

}  // namespace ferry::storage::postgres::testing
