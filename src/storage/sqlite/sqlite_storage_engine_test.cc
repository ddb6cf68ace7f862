// The SQLite backend: the conformance suite, plus what only this backend has (files,
// schema versions, error mapping).

#include "storage/sqlite/sqlite_storage_engine.h"

#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "common/crypto.h"
#include "storage/sqlite/record_codec.h"
#include "storage/sqlite/schema_migrations.h"
#include "storage/sqlite/sqlite_db.h"
#include "storage/sqlite/storage_conformance.h"

namespace ferry::storage::sqlite {
namespace {

namespace fs = std::filesystem;
using testing::BackendParam;

Result<std::unique_ptr<StorageEngine>> OpenSqlite(const std::string& location) {
  FERRY_ASSIGN_OR_RETURN(auto engine, SqliteStorageEngine::Open(location));
  return std::unique_ptr<StorageEngine>(std::move(engine));
}

const BackendParam kSqliteBackend{"sqlite", OpenSqlite};
FERRY_INSTANTIATE_STORAGE_CONFORMANCE(Sqlite, kSqliteBackend);

// A fresh directory, removed with its contents at scope exit.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "ferry-sqlite-XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

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

TEST(SqliteDbTest, MapsErrorCodes) {
  EXPECT_EQ(SqliteStatus(SQLITE_CONSTRAINT_UNIQUE, "x").code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(SqliteStatus(SQLITE_CONSTRAINT_PRIMARYKEY, "x").code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(SqliteStatus(SQLITE_CONSTRAINT_NOTNULL, "x").code(), StatusCode::kInternal);
  EXPECT_EQ(SqliteStatus(SQLITE_BUSY, "x").code(), StatusCode::kUnavailable);
  EXPECT_EQ(SqliteStatus(SQLITE_BUSY_SNAPSHOT, "x").code(), StatusCode::kUnavailable);
  EXPECT_EQ(SqliteStatus(SQLITE_LOCKED, "x").code(), StatusCode::kUnavailable);
  EXPECT_EQ(SqliteStatus(SQLITE_FULL, "x").code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(SqliteStatus(SQLITE_CORRUPT, "x").code(), StatusCode::kDataLoss);
  EXPECT_EQ(SqliteStatus(SQLITE_NOTADB, "x").code(), StatusCode::kDataLoss);
  EXPECT_EQ(SqliteStatus(SQLITE_IOERR, "x").code(), StatusCode::kInternal);
}

TEST(SqliteDbTest, StatementCacheSurvivesNestedUseOfTheSameSql) {
  TempDir dir;
  ASSERT_OK_AND_ASSIGN(auto db, SqliteDb::Open((dir.path() / "t.db").string(), {}));
  ASSERT_OK(db->Locked([](SqliteDb& d) -> Status {
    FERRY_RETURN_IF_ERROR(d.Exec("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2);"));
    FERRY_ASSIGN_OR_RETURN(Statement outer, d.Prepare("SELECT x FROM t ORDER BY x"));
    FERRY_ASSIGN_OR_RETURN(bool row, outer.Step());
    EXPECT_TRUE(row);
    {
      FERRY_ASSIGN_OR_RETURN(Statement inner, d.Prepare("SELECT x FROM t ORDER BY x"));
      FERRY_ASSIGN_OR_RETURN(auto all, FetchAll(inner, [](const Statement& s) -> Result<int64_t> {
                               return s.Int(0);
                             }));
      EXPECT_EQ(all, (std::vector<int64_t>{1, 2}));
    }
    FERRY_ASSIGN_OR_RETURN(row, outer.Step());
    EXPECT_TRUE(row);
    EXPECT_EQ(outer.Int(0), 2);
    return Status::Ok();
  }));
}

TEST(RecordCodecTest, FloatsAreLittleEndianAndChecked) {
  EXPECT_EQ(EncodeFloats({1.0f}), std::string("\x00\x00\x80\x3f", 4));
  std::vector<float> out;
  EXPECT_TRUE(DecodeFloats(std::string("\x00\x00\x80\x3f", 4), 1, &out));
  EXPECT_EQ(out, std::vector<float>{1.0f});
  EXPECT_FALSE(DecodeFloats("abc", 1, &out));
  model::BucketSchema schema;
  EXPECT_FALSE(DecodeSchema("not an encoded value", &schema));
}

}  // namespace
}  // namespace ferry::storage::sqlite
