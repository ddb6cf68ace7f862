// Data at rest is private (issue 10, item 13): modes of the data directory and its files
// whatever the umask, and webhook secrets sealed under the data directory's key.

#include "storage/sqlite/private_files.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "storage/conformance/storage_conformance.h"
#include "storage/sqlite/sqlite_db.h"
#include "storage/sqlite/sqlite_storage_engine.h"
#include "storage/sqlite/temp_dir_for_tests.h"

namespace ferry::storage::sqlite {
namespace {

namespace fs = std::filesystem;

// Sets the process umask for the scope (0: everything would be world-writable).
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : old_(::umask(mask)) {}
  ~ScopedUmask() { ::umask(old_); }

 private:
  mode_t old_;
};

mode_t ModeOf(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 07777;  // absent: never a valid expectation
  return st.st_mode & 07777;
}

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Raw statements on catalog.db, bypassing the store.
template <typename Fn>
auto WithCatalogDb(const fs::path& dir, Fn&& fn) -> decltype(fn(std::declval<SqliteDb&>())) {
  auto db = SqliteDb::Open((dir / "catalog.db").string(), {});
  if (!db.ok()) return db.status();
  return (*db)->Locked(fn);
}

Result<std::string> SecretColumnType(const fs::path& dir, const std::string& org_id) {
  return WithCatalogDb(dir, [&](SqliteDb& db) -> Result<std::string> {
    FERRY_ASSIGN_OR_RETURN(
        Statement stmt, db.Prepare("SELECT typeof(secret) FROM webhook_secrets WHERE org_id = ?"));
    stmt.BindText(1, org_id);
    return FetchOne(
        stmt, [](const Statement& row) -> Result<std::string> { return row.Text(0); }, "no row");
  });
}

TEST(PrivateFilesTest, DataDirectoryIs0700AndEveryFile0600WhateverTheUmask) {
  TempDir dir;
  const fs::path data = dir.path() / "data";
  ScopedUmask umask(0);
  ASSERT_OK_AND_ASSIGN(auto engine, SqliteStorageEngine::Open(data.string()));
  ASSERT_OK(engine->CreateNamespaceData("ns_1"));
  ASSERT_OK_AND_ASSIGN(std::string hash, engine->blobs().Put("blob bytes"));
  ASSERT_OK(engine->catalog().SetWebhookSecret("org_a", "whsec_x"));
  // While open, the WAL and shared-memory files exist.
  for (const fs::path& d :
       {data, data / "ns", data / "blobs", data / "blobs" / hash.substr(0, 2)}) {
    EXPECT_EQ(ModeOf(d), 0700u) << d;
  }
  for (const fs::path& f :
       {data / "catalog.db", data / "catalog.db-wal", data / "catalog.db-shm",
        data / "ns" / "ns_1.db", data / "ns" / "ns_1.db-wal", data / "ns" / "ns_1.db-shm",
        data / "secret.key", data / "blobs" / hash.substr(0, 2) / hash.substr(2)}) {
    EXPECT_EQ(ModeOf(f), 0600u) << f;
  }
  EXPECT_EQ(fs::file_size(data / "secret.key"), 32u);
  engine->Close();
}

TEST(PrivateFilesTest, LooseModesOfAnOlderDataDirectoryAreTightenedOnOpen) {
  TempDir dir;
  const fs::path data = dir.path();
  {
    ASSERT_OK_AND_ASSIGN(auto engine, SqliteStorageEngine::Open(data.string()));
    ASSERT_OK(engine->CreateNamespaceData("ns_1"));
    engine->Close();
  }
  fs::permissions(data, fs::perms(0755));
  fs::permissions(data / "ns", fs::perms(0755));
  fs::permissions(data / "blobs", fs::perms(0755));
  fs::permissions(data / "catalog.db", fs::perms(0644));
  fs::permissions(data / "ns" / "ns_1.db", fs::perms(0644));
  ASSERT_OK_AND_ASSIGN(auto engine, SqliteStorageEngine::Open(data.string()));
  ASSERT_OK_AND_ASSIGN(auto ns, engine->OpenNamespace("ns_1"));
  EXPECT_EQ(ModeOf(data), 0700u);
  EXPECT_EQ(ModeOf(data / "ns"), 0700u);
  EXPECT_EQ(ModeOf(data / "blobs"), 0700u);
  EXPECT_EQ(ModeOf(data / "catalog.db"), 0600u);
  EXPECT_EQ(ModeOf(data / "ns" / "ns_1.db"), 0600u);
  engine->Close();
}

TEST(PrivateFilesTest, WebhookSecretIsNotStoredInPlainText) {
  TempDir dir;
  const std::string secret = "whsec_PLAINTEXT_MARKER_0123456789";
  {
    ASSERT_OK_AND_ASSIGN(auto engine, SqliteStorageEngine::Open(dir.path().string()));
    ASSERT_OK(engine->catalog().SetWebhookSecret("org_a", secret));
    ASSERT_OK_AND_ASSIGN(std::string back, engine->catalog().GetWebhookSecret("org_a"));
    EXPECT_EQ(back, secret);
    // Neither the database nor its WAL holds the plaintext.
    EXPECT_EQ(ReadAll(dir.path() / "catalog.db").find(secret), std::string::npos);
    EXPECT_EQ(ReadAll(dir.path() / "catalog.db-wal").find(secret), std::string::npos);
    engine->Close();
  }
  EXPECT_EQ(ReadAll(dir.path() / "catalog.db").find(secret), std::string::npos);
  ASSERT_OK_AND_ASSIGN(std::string type, SecretColumnType(dir.path(), "org_a"));
  EXPECT_EQ(type, "blob");
  ASSERT_OK_AND_ASSIGN(auto engine, SqliteStorageEngine::Open(dir.path().string()));
  ASSERT_OK_AND_ASSIGN(std::string back, engine->catalog().GetWebhookSecret("org_a"));
  EXPECT_EQ(back, secret);
  engine->Close();
}

TEST(PrivateFilesTest, PlaintextSecretsOfAnOlderVersionAreSealedOnOpen) {
  TempDir dir;
  {
    ASSERT_OK_AND_ASSIGN(auto engine, SqliteStorageEngine::Open(dir.path().string()));
    engine->Close();
  }
  ASSERT_OK(WithCatalogDb(dir.path(), [](SqliteDb& db) {
    return db.Exec("INSERT INTO webhook_secrets (org_id, secret) VALUES ('org_old', 'whsec_old')");
  }));
  ASSERT_OK_AND_ASSIGN(auto engine, SqliteStorageEngine::Open(dir.path().string()));
  ASSERT_OK_AND_ASSIGN(std::string type, SecretColumnType(dir.path(), "org_old"));
  EXPECT_EQ(type, "blob");
  ASSERT_OK_AND_ASSIGN(std::string back, engine->catalog().GetWebhookSecret("org_old"));
  EXPECT_EQ(back, "whsec_old");
  engine->Close();
}

TEST(PrivateFilesTest, TamperedSecretOrAnotherKeyIsDataLossNotAWrongSecret) {
  TempDir dir;
  {
    ASSERT_OK_AND_ASSIGN(auto engine, SqliteStorageEngine::Open(dir.path().string()));
    ASSERT_OK(engine->catalog().SetWebhookSecret("org_a", "whsec_a"));
    ASSERT_OK(engine->catalog().SetWebhookSecret("org_b", "whsec_b"));
    engine->Close();
  }
  // org_b's sealed secret copied onto org_a: bound to org_b, so it does not open.
  ASSERT_OK(WithCatalogDb(dir.path(), [](SqliteDb& db) {
    return db.Exec(
        "UPDATE webhook_secrets SET secret = (SELECT secret FROM webhook_secrets WHERE "
        "org_id = 'org_b') WHERE org_id = 'org_a'");
  }));
  {
    ASSERT_OK_AND_ASSIGN(auto engine, SqliteStorageEngine::Open(dir.path().string()));
    auto moved = engine->catalog().GetWebhookSecret("org_a");
    EXPECT_EQ(STATUS_CODE(moved), StatusCode::kDataLoss);
    EXPECT_EQ(moved.status().message().find("whsec"), std::string::npos);
    engine->Close();
  }
  // Another key (a data directory's catalog opened with a foreign key file).
  std::ofstream(dir.path() / "secret.key", std::ios::binary | std::ios::trunc)
      << std::string(32, 'z');
  {
    ASSERT_OK_AND_ASSIGN(auto engine, SqliteStorageEngine::Open(dir.path().string()));
    EXPECT_EQ(STATUS_CODE(engine->catalog().GetWebhookSecret("org_b")), StatusCode::kDataLoss);
    engine->Close();
  }
  std::ofstream(dir.path() / "secret.key", std::ios::binary | std::ios::trunc) << "short";
  EXPECT_EQ(STATUS_CODE(SqliteStorageEngine::Open(dir.path().string())), StatusCode::kDataLoss);
}

TEST(PrivateFilesTest, SecretKeyIsCreatedOnceAndKept) {
  TempDir dir;
  const fs::path path = dir.path() / "secret.key";
  ASSERT_OK_AND_ASSIGN(std::string first, LoadOrCreateSecretKey(path));
  ASSERT_OK_AND_ASSIGN(std::string again, LoadOrCreateSecretKey(path));
  EXPECT_EQ(first.size(), 32u);
  EXPECT_EQ(first, again);
  EXPECT_EQ(ModeOf(path), 0600u);
  // No temporary file is left behind.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
}

}  // namespace
}  // namespace ferry::storage::sqlite
