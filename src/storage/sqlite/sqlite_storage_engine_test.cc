// What only the SQLite backend has (files, schema versions, query plans, error mapping);
// the shared conformance suite runs in sqlite_conformance_test.cc.

#include "storage/sqlite/sqlite_storage_engine.h"

#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <tuple>

#include "common/crypto.h"
#include "storage/conformance/storage_conformance.h"
#include "storage/records/record_codec.h"
#include "storage/sqlite/schema_migrations.h"
#include "storage/sqlite/sqlite_db.h"
#include "storage/sqlite/sqlite_id_queries.h"
#include "storage/sqlite/temp_dir_for_tests.h"

namespace ferry::storage::sqlite {
namespace {

namespace fs = std::filesystem;

// Opens a raw connection to `path` and runs fn(db) under its lock.
template <typename Fn>
auto WithRawDb(const fs::path& path, Fn&& fn) -> decltype(fn(std::declval<SqliteDb&>())) {
  auto db = SqliteDb::Open(path.string(), {});
  if (!db.ok()) return db.status();
  return (*db)->Locked(fn);
}

Result<int> VersionOf(const fs::path& path) {
  return WithRawDb(path, [](SqliteDb& db) { return SchemaVersion(db); });
}

Status SetVersion(const fs::path& path, int version) {
  return WithRawDb(path, [&](SqliteDb& db) {
    return db.Exec("PRAGMA user_version = " + std::to_string(version));
  });
}

// The names and SQL of the namespace file's indexes, from sqlite_master.
Result<std::string> IndexSchema(const fs::path& path) {
  return WithRawDb(path, [](SqliteDb& db) -> Result<std::string> {
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("SELECT name || ': ' || IFNULL(sql, '') FROM sqlite_master "
                                      "WHERE type = 'index' ORDER BY name"));
    std::string out;
    for (;;) {
      FERRY_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) return out;
      out += stmt.Text(0) + "\n";
    }
  });
}

TEST(SqliteStorageEngineTest, BulkLoadDropsObjectIndexesAndRestoresThemExactly) {
  TempDir dir;
  const fs::path file = dir.path() / "ns" / "ns_1.db";
  std::string original;
  {
    ASSERT_OK_AND_ASSIGN(auto engine, SqliteStorageEngine::Open(dir.path().string()));
    ASSERT_OK(engine->CreateNamespaceData("ns_1"));
    engine->Close();
    ASSERT_OK_AND_ASSIGN(original, IndexSchema(file));
    EXPECT_NE(original.find("documents_by_root: CREATE INDEX documents_by_root"),
              std::string::npos);
  }
  ASSERT_OK_AND_ASSIGN(auto engine, SqliteStorageEngine::Open(dir.path().string()));
  ASSERT_OK_AND_ASSIGN(auto store, engine->OpenNamespace("ns_1"));
  ASSERT_OK(store->BeginBulkLoad());
  ASSERT_OK_AND_ASSIGN(std::string loading, IndexSchema(file));
  EXPECT_EQ(loading.find("objects_by_bucket_id"), std::string::npos);
  EXPECT_EQ(loading.find("object_blob_hashes_by_hash"), std::string::npos);
  EXPECT_NE(loading.find("documents_by_root"), std::string::npos);  // appended in key order
  EXPECT_NE(loading.find("sqlite_autoindex_documents_1"), std::string::npos);  // the key stays
  ASSERT_OK(store->EndBulkLoad());
  ASSERT_OK_AND_ASSIGN(std::string restored, IndexSchema(file));
  EXPECT_EQ(restored, original);
  // A crash during a bulk load: the indexes are back when the file is opened again.
  ASSERT_OK(store->BeginBulkLoad());
  store.reset();
  engine->Close();
  ASSERT_OK_AND_ASSIGN(engine, SqliteStorageEngine::Open(dir.path().string()));
  ASSERT_OK(engine->OpenNamespace("ns_1").status());
  engine->Close();
  ASSERT_OK_AND_ASSIGN(restored, IndexSchema(file));
  EXPECT_EQ(restored, original);
}

TEST(SqliteStorageEngineTest, CreatesLayoutAndRecordsSchemaVersions) {
  TempDir dir;
  ASSERT_OK_AND_ASSIGN(auto engine, SqliteStorageEngine::Open(dir.path().string()));
  ASSERT_OK(engine->CreateNamespaceData("ns_1"));
  engine->Close();
  EXPECT_TRUE(fs::is_directory(dir.path() / "blobs"));
  ASSERT_OK_AND_ASSIGN(int catalog, VersionOf(dir.path() / "catalog.db"));
  EXPECT_EQ(catalog, LatestSchemaVersion(SchemaKind::kCatalog));
  EXPECT_GE(catalog, 1);
  ASSERT_OK_AND_ASSIGN(int ns, VersionOf(dir.path() / "ns" / "ns_1.db"));
  EXPECT_EQ(ns, LatestSchemaVersion(SchemaKind::kNamespace));
}

TEST(SqliteStorageEngineTest, RefusesDatabasesFromTheFuture) {
  TempDir dir;
  {
    ASSERT_OK_AND_ASSIGN(auto engine, SqliteStorageEngine::Open(dir.path().string()));
    ASSERT_OK(engine->CreateNamespaceData("ns_1"));
  }
  ASSERT_OK(
      SetVersion(dir.path() / "ns" / "ns_1.db", LatestSchemaVersion(SchemaKind::kNamespace) + 1));
  {
    ASSERT_OK_AND_ASSIGN(auto engine, SqliteStorageEngine::Open(dir.path().string()));
    EXPECT_EQ(STATUS_CODE(engine->OpenNamespace("ns_1")), StatusCode::kFailedPrecondition);
  }
  ASSERT_OK(SetVersion(dir.path() / "catalog.db", LatestSchemaVersion(SchemaKind::kCatalog) + 1));
  EXPECT_EQ(STATUS_CODE(SqliteStorageEngine::Open(dir.path().string())),
            StatusCode::kFailedPrecondition);
}

TEST(SchemaMigrationsTest, AppliesOnlyMissingStepsAndRollsBackFailures) {
  TempDir dir;
  const fs::path path = dir.path() / "m.db";
  const Migration v1[] = {{1, "CREATE TABLE a (x INTEGER)"}};
  const Migration v3[] = {{1, "CREATE TABLE a (x INTEGER)"},
                          {2, "CREATE TABLE b (y INTEGER)"},
                          {3, "ALTER TABLE b ADD COLUMN z TEXT"}};
  const Migration broken[] = {{1, "CREATE TABLE a (x INTEGER)"},
                              {2, "CREATE TABLE b (y INTEGER)"},
                              {3, "ALTER TABLE b ADD COLUMN z TEXT"},
                              {4, "CREATE TABLE c (w INTEGER)"},
                              {5, "NOT SQL AT ALL"}};
  ASSERT_OK(WithRawDb(path, [&](SqliteDb& db) { return ApplyMigrations(db, v1); }));
  ASSERT_OK(WithRawDb(path, [&](SqliteDb& db) { return ApplyMigrations(db, v3); }));
  ASSERT_OK_AND_ASSIGN(int version, VersionOf(path));
  EXPECT_EQ(version, 3);
  // Applying the same steps again is a no-op (step 1 would fail if re-run).
  ASSERT_OK(WithRawDb(path, [&](SqliteDb& db) { return ApplyMigrations(db, v3); }));

  EXPECT_FALSE(WithRawDb(path, [&](SqliteDb& db) { return ApplyMigrations(db, broken); }).ok());
  ASSERT_OK_AND_ASSIGN(version, VersionOf(path));
  EXPECT_EQ(version, 3);
  EXPECT_OK(WithRawDb(path, [](SqliteDb& db) { return db.Exec("CREATE TABLE c (w INTEGER)"); }));
  EXPECT_EQ(STATUS_CODE(WithRawDb(path, [&](SqliteDb& db) { return ApplyMigrations(db, v1); })),
            StatusCode::kFailedPrecondition);
}

// Brings a new database at `path` to version 1 of `kind` only (what Ferry once shipped).
Status CreateVersion1(const fs::path& path, SchemaKind kind) {
  return WithRawDb(path,
                   [&](SqliteDb& db) { return ApplyMigrations(db, MigrationsFor(kind).first(1)); });
}

TEST(SchemaMigrationsTest, UpgradesVersion1DatabasesInPlaceKeepingTheirRows) {
  TempDir dir;
  ASSERT_OK(CreateVersion1(dir.path() / "catalog.db", SchemaKind::kCatalog));
  fs::create_directories(dir.path() / "ns");
  ASSERT_OK(CreateVersion1(dir.path() / "ns" / "ns_old.db", SchemaKind::kNamespace));
  ASSERT_OK(WithRawDb(dir.path() / "catalog.db", [](SqliteDb& db) {
    return db.Exec("INSERT INTO organizations VALUES ('org_1', 'acme', 5)");
  }));
  ASSERT_OK(WithRawDb(dir.path() / "ns" / "ns_old.db", [](SqliteDb& db) -> Status {
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt,
        db.Prepare("INSERT INTO buckets VALUES ('bkt_1', 'b', NULL, ?, ?, ?, 1, 2)"));
    stmt.BindBlob(1, records::EncodeSchema({}));
    stmt.BindBlob(2, records::EncodeValueBlob(model::Value()));
    stmt.BindBlob(3, records::EncodeValueBlob(model::Value()));
    return stmt.Run();
  }));
  {
    ASSERT_OK_AND_ASSIGN(auto engine, SqliteStorageEngine::Open(dir.path().string()));
    ASSERT_OK_AND_ASSIGN(model::Organization org, engine->catalog().GetOrganizationByName("acme"));
    EXPECT_EQ(org.org_id, "org_1");
    ASSERT_OK(engine->catalog().InsertMigration(testing::SampleMigration("org_1", "mig_1")));
    ASSERT_OK_AND_ASSIGN(auto store, engine->OpenNamespace("ns_old"));
    ASSERT_OK_AND_ASSIGN(model::Bucket bucket, store->GetBucket("bkt_1"));
    EXPECT_EQ(bucket.bucket_name, "b");
    ASSERT_OK(store->InsertObject(testing::SampleObject("bkt_1", "obj_1")));
    ASSERT_OK_AND_ASSIGN(auto ids, store->ListObjectIds("bkt_1", IdQuery{}));
    EXPECT_EQ(ids, std::vector<std::string>{"obj_1"});
  }
  ASSERT_OK_AND_ASSIGN(int catalog, VersionOf(dir.path() / "catalog.db"));
  EXPECT_EQ(catalog, 9);
  EXPECT_EQ(catalog, LatestSchemaVersion(SchemaKind::kCatalog));
  ASSERT_OK_AND_ASSIGN(int ns, VersionOf(dir.path() / "ns" / "ns_old.db"));
  EXPECT_EQ(ns, LatestSchemaVersion(SchemaKind::kNamespace));
}

// Step 10 moves each document's rows of `vectors` into its own row, in position order,
// and drops the table; a document without vectors gets none.
TEST(SchemaMigrationsTest, Version9VectorsArePackedIntoTheirDocuments) {
  TempDir dir;
  fs::create_directories(dir.path() / "ns");
  const fs::path path = dir.path() / "ns" / "ns_v9.db";
  ASSERT_OK(WithRawDb(path, [](SqliteDb& db) {
    return ApplyMigrations(db, MigrationsFor(SchemaKind::kNamespace).first(9));
  }));
  ASSERT_OK(WithRawDb(path, [](SqliteDb& db) -> Status {
    FERRY_RETURN_IF_ERROR(db.Exec(
        "INSERT INTO collections VALUES ('col_1', 'c', NULL, x'', x'', x'', x'', 1, x'', x'', "
        "0, 0, NULL)"));
    FERRY_ASSIGN_OR_RETURN(
        Statement docs,
        db.Prepare("INSERT INTO documents SELECT 'doc_' || value, 'col_1', ?1, 'bucket', 'obj', "
                   "'bkt', NULL, NULL, NULL, '', 'text', 'COMPLETED', NULL, '', 0, 0 "
                   "FROM (SELECT 1 AS value UNION SELECT 2 UNION SELECT 3)"));
    docs.BindBlob(1, records::EncodeValueBlob(model::Value(model::ValueObject{})));
    FERRY_RETURN_IF_ERROR(docs.Run());
    FERRY_ASSIGN_OR_RETURN(Statement stmt,
                           db.Prepare("INSERT INTO vectors VALUES (?, ?, ?, ?, ?)"));
    // doc_1: two vectors written out of position order; doc_3: one; doc_2: none.
    const std::tuple<const char*, const char*, int, std::vector<float>> rows[] = {
        {"doc_1", "uri_b", 1, {3.0f}},
        {"doc_1", "uri_a", 0, {1.0f, 2.0f}},
        {"doc_3", "uri_a", 0, {-1.0f}}};
    for (const auto& [doc, uri, position, values] : rows) {
      stmt.BindText(1, doc);
      stmt.BindText(2, uri);
      stmt.BindInt(3, position);
      stmt.BindInt(4, static_cast<int64_t>(values.size()));
      stmt.BindBlob(5, records::EncodeFloats(values));
      FERRY_RETURN_IF_ERROR(stmt.Run());
      stmt.Reset();
    }
    return Status::Ok();
  }));
  ASSERT_OK_AND_ASSIGN(auto engine, SqliteStorageEngine::Open(dir.path().string()));
  ASSERT_OK_AND_ASSIGN(auto store, engine->OpenNamespace("ns_v9"));
  ASSERT_OK_AND_ASSIGN(auto docs, store->GetDocuments("col_1", {"doc_1", "doc_2", "doc_3"}));
  ASSERT_EQ(docs.size(), 3u);
  ASSERT_EQ(docs[0].vectors.size(), 2u);
  EXPECT_EQ(docs[0].vectors[0].feature_uri, "uri_a");
  EXPECT_EQ(docs[0].vectors[0].values, (std::vector<float>{1.0f, 2.0f}));
  EXPECT_EQ(docs[0].vectors[1].feature_uri, "uri_b");
  EXPECT_EQ(docs[0].vectors[1].values, (std::vector<float>{3.0f}));
  EXPECT_TRUE(docs[1].vectors.empty());
  ASSERT_EQ(docs[2].vectors.size(), 1u);
  EXPECT_EQ(docs[2].vectors[0].values, (std::vector<float>{-1.0f}));
  ASSERT_OK_AND_ASSIGN(std::string indexes, IndexSchema(path));
  EXPECT_EQ(indexes.find("vectors"), std::string::npos) << indexes;  // the table is gone
  ASSERT_OK_AND_ASSIGN(int ns, VersionOf(path));
  EXPECT_EQ(ns, LatestSchemaVersion(SchemaKind::kNamespace));
}

TEST(SchemaMigrationsTest, WebhooksQueuedBeforeClaimsExistedAreClaimable) {
  TempDir dir;
  const fs::path path = dir.path() / "catalog.db";
  auto steps = MigrationsFor(SchemaKind::kCatalog);
  ASSERT_OK(WithRawDb(path, [&](SqliteDb& db) {  // every step before the claims (step 7)
    return ApplyMigrations(db, steps.first(6));
  }));
  ASSERT_OK(WithRawDb(path, [](SqliteDb& db) {
    return db.Exec(
        "INSERT INTO webhook_outbox VALUES ('whd_1', 'org_1', 'mig_1', 1, 'migration.started', "
        "'https://example.com/', x'7b7d', 0, 5, 'pending', NULL, 1)");
  }));
  ASSERT_OK_AND_ASSIGN(auto engine, SqliteStorageEngine::Open(dir.path().string()));
  ASSERT_OK_AND_ASSIGN(auto next, engine->catalog().NextWebhookAttemptAt());
  EXPECT_EQ(next, 5);
  ASSERT_OK_AND_ASSIGN(auto claimed, engine->catalog().ClaimDueWebhooks(5, 10, "whk_1", 100));
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].delivery_id, "whd_1");
}

// The details of EXPLAIN QUERY PLAN for `sql` (parameters unbound, i.e. NULL).
Result<std::vector<std::string>> QueryPlan(SqliteDb& db, const std::string& sql) {
  FERRY_ASSIGN_OR_RETURN(Statement stmt, db.Prepare("EXPLAIN QUERY PLAN " + sql));
  return FetchAll(stmt, [](const Statement& row) -> Result<std::string> { return row.Text(3); });
}

// A plan that neither scans the whole table nor sorts, and uses `index`.
void ExpectIndexedPlan(SqliteDb& db, const std::string& sql, const std::string& index) {
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> plan, QueryPlan(db, sql));
  std::string joined;
  for (const auto& step : plan) joined.append(step).append("; ");
  EXPECT_EQ(joined.find("TEMP B-TREE"), std::string::npos) << sql << " → " << joined;
  EXPECT_NE(joined.find("INDEX " + index + " "), std::string::npos) << sql << " → " << joined;
}

TEST(SqliteSchemaTest, KeysetQueriesNeitherScanNorSort) {
  TempDir dir;
  ASSERT_OK_AND_ASSIGN(auto db, SqliteDb::Open((dir.path() / "ns.db").string(), {}));
  ASSERT_OK(db->Locked([](SqliteDb& d) -> Status {
    FERRY_RETURN_IF_ERROR(MigrateSchema(d, SchemaKind::kNamespace));
    // 100k objects and documents over 4 parents, then statistics as `PRAGMA optimize`
    // would gather them; the plans must hold with and without statistics.
    const std::string numbers =
        "WITH RECURSIVE n(value) AS (SELECT 0 UNION ALL SELECT value + 1 FROM n "
        "WHERE value < 99999) ";
    FERRY_RETURN_IF_ERROR(d.Exec(
        "INSERT INTO buckets SELECT 'bkt_' || value, 'b' || value, NULL, x'', x'', x'', 0, 0 "
        "FROM (SELECT 0 AS value UNION SELECT 1 UNION SELECT 2 UNION SELECT 3);"
        "INSERT INTO collections SELECT 'col_' || value, 'c' || value, NULL, x'', x'', x'', "
        "x'', 1, x'', x'', 0, 0, NULL "
        "FROM (SELECT 0 AS value UNION SELECT 1 UNION SELECT 2 UNION SELECT 3);"));
    FERRY_RETURN_IF_ERROR(
        d.Exec(numbers +
               "INSERT INTO objects SELECT printf('obj_%06d', value), 'bkt_' || (value % 4), "
               "NULL, x'', 'DRAFT', NULL, 0, value % 1000, 0 FROM n"));
    return d.Exec(numbers +
                  "INSERT INTO documents SELECT printf('doc_%06d', value), 'col_' || (value % 4), "
                  "x'', 'bucket', 'obj', 'bkt', NULL, NULL, NULL, '', 'text', 'COMPLETED', NULL, "
                  "'', value % 1000, 0, x'' FROM n");
  }));
  for (bool analyzed : {false, true}) {
    SCOPED_TRACE(analyzed ? "with statistics" : "without statistics");
    if (analyzed) ASSERT_OK(db->Locked([](SqliteDb& d) { return d.Exec("ANALYZE"); }));
    ASSERT_OK(db->Locked([](SqliteDb& d) -> Status {
      ExpectIndexedPlan(d, ListIdsSql(IdRows::kObjects), "objects_by_bucket_id");
      ExpectIndexedPlan(d, ListIdsSql(IdRows::kDocuments), "documents_by_collection_id");
      ExpectIndexedPlan(d, CountInRangeSql(IdRows::kObjects), "objects_by_bucket");
      ExpectIndexedPlan(d, CountInRangeSql(IdRows::kDocuments), "documents_by_created");
      return Status::Ok();
    }));
  }
}

TEST(FileBlobStoreTest, DetectsCorruptionAndLaysOutByHashPrefix) {
  TempDir dir;
  ASSERT_OK_AND_ASSIGN(auto blobs, FileBlobStore::Open(dir.path() / "blobs"));
  ASSERT_OK_AND_ASSIGN(std::string hash, blobs->Put("precious bytes"));
  const fs::path file = blobs->PathFor(hash);
  EXPECT_EQ(file, dir.path() / "blobs" / hash.substr(0, 2) / hash.substr(2));
  ASSERT_TRUE(fs::exists(file));
  {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(3);
    f.put('X');
  }
  EXPECT_EQ(STATUS_CODE(blobs->Get(hash)), StatusCode::kDataLoss);
  EXPECT_EQ(STATUS_CODE(blobs->Get("../../etc/passwd")), StatusCode::kInvalidArgument);
  // No temp files left behind.
  for (const auto& entry : fs::recursive_directory_iterator(dir.path() / "blobs")) {
    EXPECT_EQ(entry.path().filename().string().rfind(".tmp", 0), std::string::npos);
  }
}

TEST(SqliteStorageEngineTest, DropRemovesTheFilesAndRejectsBadIds) {
  TempDir dir;
  ASSERT_OK_AND_ASSIGN(auto engine, SqliteStorageEngine::Open(dir.path().string()));
  ASSERT_OK(engine->CreateNamespaceData("ns_1"));
  ASSERT_OK_AND_ASSIGN(auto store, engine->OpenNamespace("ns_1"));
  ASSERT_OK(store->InsertBucket(testing::SampleBucket("bkt_1", "b")));
  ASSERT_OK(engine->DropNamespaceData("ns_1"));
  for (const char* name : {"ns_1.db", "ns_1.db-wal", "ns_1.db-shm"}) {
    EXPECT_FALSE(fs::exists(dir.path() / "ns" / name)) << name;
  }
  EXPECT_EQ(STATUS_CODE(engine->CreateNamespaceData("../escape")), StatusCode::kInvalidArgument);
  EXPECT_EQ(STATUS_CODE(engine->OpenNamespace("a/b")), StatusCode::kInvalidArgument);
}

TEST(SqliteStorageEngineTest, CorruptNamespaceFileIsDataLoss) {
  TempDir dir;
  ASSERT_OK_AND_ASSIGN(auto engine, SqliteStorageEngine::Open(dir.path().string()));
  {
    std::ofstream garbage(dir.path() / "ns" / "ns_bad.db", std::ios::binary);
    garbage << std::string(8192, 'z');
  }
  EXPECT_EQ(STATUS_CODE(engine->OpenNamespace("ns_bad")), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace ferry::storage::sqlite
