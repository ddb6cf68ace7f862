// storage/transfer between two embedded engines: every kind of record arrives, field by
// field; a non-empty target is refused; a failed move leaves a target that is refused
// until it is recreated.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "storage/conformance/storage_conformance.h"
#include "storage/sqlite/sqlite_storage_engine.h"
#include "storage/testing/fault_injecting_storage.h"
#include "storage/transfer/storage_transfer.h"
#include "storage/transfer/transfer_test_fill.h"

namespace ferry::storage::transfer {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "ferry-transfer-XXXXXX").string();
    path_ = mkdtemp(pattern.data()) != nullptr ? pattern : "";
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string sub(const char* name) const { return (fs::path(path_) / name).string(); }

 private:
  std::string path_;
};

std::unique_ptr<StorageEngine> OpenDir(const std::string& dir) {
  auto engine = sqlite::SqliteStorageEngine::Open(dir);
  EXPECT_TRUE(engine.ok()) << engine.status().ToString();
  return engine.ok() ? std::move(engine).value() : nullptr;
}

constexpr char kEveryKindCounts[] =
    "organizations 2, api_keys 2, webhook_secrets 1, namespaces 1, buckets 1, objects 2, "
    "batches 1, blobs 2, collections 1, documents 2, taxonomies 1, clusters 1, "
    "cluster_executions 1, retrievers 1, retriever_executions 1, interactions 2, tasks 1, "
    "migrations 1, migration_batches 2, failed_items 2, webhooks 2";

TEST(StorageTransferTest, CopiesEveryKindOfRecord) {
  TempDir dir;
  auto source = OpenDir(dir.sub("source"));
  auto target = OpenDir(dir.sub("target"));
  ASSERT_TRUE(source && target);
  ASSERT_OK(testing::FillEveryKind(*source));
  ASSERT_OK_AND_ASSIGN(TransferCounts counts, TransferAll(*source, *target));
  EXPECT_EQ(FormatCounts(counts), kEveryKindCounts);
  testing::ExpectSameContents(*source, *target);
}

TEST(StorageTransferTest, RefusesATargetThatIsNotEmptyAndWritesNothing) {
  TempDir dir;
  auto source = OpenDir(dir.sub("source"));
  auto target = OpenDir(dir.sub("target"));
  ASSERT_TRUE(source && target);
  ASSERT_OK(testing::FillEveryKind(*source));
  ASSERT_OK(target->catalog().InsertOrganization({"org_z", "already-here", 1}));

  auto moved = TransferAll(*source, *target);
  ASSERT_EQ(STATUS_CODE(moved), StatusCode::kFailedPrecondition);
  EXPECT_NE(moved.status().message().find("not empty"), std::string::npos);
  EXPECT_NE(moved.status().message().find("drop"), std::string::npos);
  ASSERT_OK_AND_ASSIGN(auto orgs, target->catalog().ListOrganizations());
  ASSERT_EQ(orgs.size(), 1u);
  EXPECT_EQ(STATUS_CODE(target->OpenNamespace("ns_move")), StatusCode::kNotFound);
}

TEST(StorageTransferTest, AFailedMoveFailsAndIsRefusedUntilTheTargetIsNew) {
  TempDir dir;
  auto source = OpenDir(dir.sub("source"));
  ASSERT_TRUE(source);
  ASSERT_OK(testing::FillEveryKind(*source));
  {
    auto inner = OpenDir(dir.sub("first"));
    ASSERT_TRUE(inner);
    storage::testing::FaultInjectingStorageEngine target(*inner);
    target.catalog_faults().Fail(storage::testing::CatalogOp::kImportMigrationFailedItems,
                                 Status::Unavailable("injected"));
    EXPECT_EQ(STATUS_CODE(TransferAll(*source, target)), StatusCode::kUnavailable);
    // The half-written target is refused from then on.
    EXPECT_EQ(STATUS_CODE(TransferAll(*source, target)), StatusCode::kFailedPrecondition);
  }
  auto fresh = OpenDir(dir.sub("second"));
  ASSERT_TRUE(fresh);
  ASSERT_OK_AND_ASSIGN(TransferCounts counts, TransferAll(*source, *fresh));
  EXPECT_EQ(FormatCounts(counts), kEveryKindCounts);
  testing::ExpectSameContents(*source, *fresh);
}

}  // namespace
}  // namespace ferry::storage::transfer
