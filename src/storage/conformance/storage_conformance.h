#pragma once
// Storage conformance suite: behaviour every StorageEngine backend must show, written
// against the storage/ interfaces only. A backend runs all of it with one line at
// namespace scope of its test, given a BackendParam (test_store.h) that makes a fresh,
// empty store for each test:
//   FERRY_INSTANTIATE_STORAGE_CONFORMANCE(Sqlite, DirectoryBackend("sqlite", OpenSqlite));
// and links ferry_storage_conformance whole-archive (README.md). Restart() closes the
// engine and opens a new one over the same store (a process restart).

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "model/migration.h"
#include "model/resources.h"
#include "storage/conformance/test_store.h"
#include "storage/storage_engine.h"

#define ASSERT_OK(expr)                                     \
  do {                                                      \
    const ::ferry::Status _s = (expr);                      \
    ASSERT_TRUE(_s.ok()) << #expr << ": " << _s.ToString(); \
  } while (0)
#define EXPECT_OK(expr)                                     \
  do {                                                      \
    const ::ferry::Status _s = (expr);                      \
    EXPECT_TRUE(_s.ok()) << #expr << ": " << _s.ToString(); \
  } while (0)
#define FERRY_TEST_ASSIGN_IMPL(tmp, lhs, expr)                       \
  auto tmp = (expr);                                                 \
  ASSERT_TRUE(tmp.ok()) << #expr << ": " << tmp.status().ToString(); \
  lhs = std::move(tmp).value()
// lhs = value of a Result<T>, or fail the test.
#define ASSERT_OK_AND_ASSIGN(lhs, expr) \
  FERRY_TEST_ASSIGN_IMPL(FERRY_CONCAT(_test_res_, __LINE__), lhs, expr)
// The code of a Status or of a Result's status.
#define STATUS_CODE(expr) (::ferry::storage::testing::CodeOf(expr))

namespace ferry::storage::testing {

inline StatusCode CodeOf(const Status& s) { return s.code(); }
template <typename T>
StatusCode CodeOf(const Result<T>& r) {
  return r.ok() ? StatusCode::kOk : r.status().code();
}

// Test name suffix: the backend's name.
inline std::string BackendName(const ::testing::TestParamInfo<BackendParam>& info) {
  return info.param.name;
}

class StorageConformanceTest : public ::testing::TestWithParam<BackendParam> {
 protected:
  void SetUp() override;
  void TearDown() override;
  // Closes the engine and opens a new one over the same store (a process restart).
  void Restart();
  // Creates and opens a namespace's data.
  std::shared_ptr<NamespaceStore> NewNamespace(const std::string& namespace_id);

  StorageEngine& engine() { return *engine_; }
  CatalogStore& catalog() { return engine_->catalog(); }

  std::unique_ptr<TestStore> test_store_;
  std::string location_;  // test_store_->location()
  std::unique_ptr<StorageEngine> engine_;
};

// The same, with one namespace's data created and opened as store().
class NamespaceConformanceTest : public StorageConformanceTest {
 protected:
  void SetUp() override;
  void TearDown() override;
  NamespaceStore& store() { return *store_; }

  std::shared_ptr<NamespaceStore> store_;
};

// Two namespaces, "ns_src" (a bucket "bkt_1" with obj_1..3, a collection "col_1" with
// doc_1..3 created at 100, 200, 300) and "ns_dst" (the bucket and collection under the ids
// migration "mig_bulk" maps them to), for the bulk data operations.
class BulkConformanceTest : public StorageConformanceTest {
 protected:
  void SetUp() override;
  void TearDown() override;
  Result<BulkCopyResult> copy(const BulkCopyRequest& r) {
    return engine().CopyItems("ns_src", "ns_dst", r);
  }

  std::shared_ptr<NamespaceStore> source_;
  std::shared_ptr<NamespaceStore> target_;
};

// Instantiates every suite for one backend. Use at namespace scope.
#define FERRY_INSTANTIATE_STORAGE_CONFORMANCE(prefix, param)                           \
  using ::ferry::storage::testing::StorageConformanceTest;                             \
  using ::ferry::storage::testing::NamespaceConformanceTest;                           \
  using ::ferry::storage::testing::BulkConformanceTest;                                \
  INSTANTIATE_TEST_SUITE_P(prefix, StorageConformanceTest, ::testing::Values(param),   \
                           ::ferry::storage::testing::BackendName);                    \
  INSTANTIATE_TEST_SUITE_P(prefix, NamespaceConformanceTest, ::testing::Values(param), \
                           ::ferry::storage::testing::BackendName);                    \
  INSTANTIATE_TEST_SUITE_P(prefix, BulkConformanceTest, ::testing::Values(param),      \
                           ::ferry::storage::testing::BackendName)

// Sample resources with every field set to a non-default value, so a round trip that drops
// or confuses a field is visible.
model::Value SampleValue();
model::Organization SampleOrganization(const std::string& org_id, const std::string& name);
model::Namespace SampleNamespace(const std::string& org_id, const std::string& namespace_id,
                                 const std::string& name);
model::Task SampleTask(const std::string& org_id, const std::string& task_id,
                       model::TaskStatus status);
model::Bucket SampleBucket(const std::string& bucket_id, const std::string& name);
model::Object SampleObject(const std::string& bucket_id, const std::string& object_id);
model::Collection SampleCollection(const std::string& collection_id, const std::string& name);
model::Document SampleDocument(const std::string& collection_id, const std::string& document_id,
                               const std::string& root_object_id);
// "<prefix>_0007" for (7, 4): ids whose text order is their numeric order (i < 10^width).
std::string NumberedId(const char* prefix, int i, int width);
model::Batch SampleBatch(const std::string& bucket_id, const std::string& batch_id);

// Field-by-field comparisons (the model structs have no operator==).
void ExpectSame(const model::Namespace& want, const model::Namespace& got);
void ExpectSame(const model::Task& want, const model::Task& got);
void ExpectSame(const model::Bucket& want, const model::Bucket& got);
void ExpectSame(const model::Object& want, const model::Object& got);
void ExpectSame(const model::Collection& want, const model::Collection& got);
// Vectors are compared only when `with_vectors`.
void ExpectSame(const model::Document& want, const model::Document& got, bool with_vectors = true);
void ExpectSame(const model::Batch& want, const model::Batch& got);

// Migrations (storage_conformance_migrations_fixtures.cc). SampleMigration sets every
// optional and nested block to a non-default value; MinimalMigration leaves every optional
// unset; DefaultBlocksMigration sets every optional block of the config to its defaults
// (which must not come back as unset).
model::Migration SampleMigration(const std::string& org_id, const std::string& migration_id);
model::Migration MinimalMigration(const std::string& org_id, const std::string& migration_id);
model::Migration DefaultBlocksMigration(const std::string& org_id, const std::string& migration_id);
model::MigrationBatch SampleMigrationBatch(const std::string& migration_id, int64_t batch_no);
// Values compared strictly: the kinds must match too (an int is not a double).
void ExpectSameValue(const model::Value& want, const model::Value& got);
void ExpectSame(const model::Migration& want, const model::Migration& got);
void ExpectSame(const model::MigrationBatch& want, const model::MigrationBatch& got);

}  // namespace ferry::storage::testing
