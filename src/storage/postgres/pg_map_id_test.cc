// The SQL id mapping of bulk copies (ferry_map_id / ferry_map_path, pg_schema.cc) equals
// the C++ definition (common/ids.h) for canonical ids, wrap-around, other ids and paths.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/ids.h"
#include "storage/postgres/pg_db.h"
#include "storage/postgres/pg_params.h"
#include "storage/postgres/pg_schema.h"
#include "storage/postgres/pg_test_support.h"

namespace ferry::storage::postgres {
namespace {

TEST(PgMapIdTest, SqlMappingEqualsTheCppDefinition) {
  PgOptions options;
  options.url = testing::TestClusterUrl();
  options.schema = testing::UniqueSchema();
  auto db = PgDb::Open(options);
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  ASSERT_TRUE(MigrateSchema(**db).ok());
  const std::vector<std::string> migrations = {"mig_0123456789abcdef01234567", "m", "ü-mig"};
  const std::vector<std::string> ids = {
      "obj_000000000000000000000000",
      "obj_ffffffffffffffffffffffff",
      "doc_7fffffffffffffffffffffff",
      "col_0a1b2c3d4e5f60718293a4b5",
      "obj_ABCDEF000000000000000000",  // upper case: not canonical, hashed
      "plain",
      "x_y_z",
      "",
      "_",
      "obj_123"};
  for (const auto& m : migrations) {
    for (const auto& id : ids) {
      for (bool preserve : {false, true}) {
        auto got = (*db)->Run("map", [&](pqxx::work& tx) -> Result<std::string> {
          return ReadText(tx.exec_params("SELECT ferry_map_id($1, $2, $3)", m, id, preserve)[0][0]);
        });
        ASSERT_TRUE(got.ok()) << got.status().ToString();
        EXPECT_EQ(*got, MapResourceId(m, id, preserve)) << m << " " << id;
      }
    }
    const std::string path = "obj_000000000000000000000001/doc_ffffffffffffffffffffffff/x";
    auto got = (*db)->Run("path", [&](pqxx::work& tx) -> Result<std::string> {
      return ReadText(tx.exec_params("SELECT ferry_map_path($1, $2, false)", m, path)[0][0]);
    });
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(*got, MapLineagePath(m, path, false));
  }
  auto null_id = (*db)->Run("null", [&](pqxx::work& tx) -> Result<bool> {
    return tx.exec("SELECT ferry_map_id('m', NULL, false) IS NULL")[0][0].as<bool>();
  });
  ASSERT_TRUE(null_id.ok());
  EXPECT_TRUE(*null_id);
  db->reset();
  testing::DropSchema(options.url, options.schema);
}

}  // namespace
}  // namespace ferry::storage::postgres
