#pragma once
// Tests of the postgres backend: each test gets its own schema in the throwaway cluster
// that ctest's `postgres` fixture started (tests/pg/pg_cluster.sh), dropped at the end.

#include <string>

#include "storage/postgres/pg_db.h"

namespace ferry::storage::postgres::testing {

// The cluster's URL (from $FERRY_TEST_PG_URL_FILE, or $FERRY_TEST_PG_URL). Aborts the
// test binary with a clear message when neither is set: these tests never skip.
std::string TestClusterUrl();

// A fresh, unique schema name ("t_<pid>_<n>").
std::string UniqueSchema();

// Drops `schema` and everything in it.
void DropSchema(const std::string& url, const std::string& schema);

}  // namespace ferry::storage::postgres::testing
