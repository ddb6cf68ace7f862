// A bulk-copied slice checksummed in its own statements (sqlite_slice_digest.h): the
// checksums are exactly those of reading the slice back (ChecksumItems of both sides).

#include "storage/sqlite/sqlite_slice_digest.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "common/ids.h"
#include "storage/conformance/storage_conformance.h"
#include "storage/sqlite/sqlite_storage_engine.h"
#include "storage/sqlite/temp_dir_for_tests.h"

namespace ferry::storage::sqlite {
namespace {

using testing::SampleBucket;
using testing::SampleCollection;
using testing::SampleDocument;
using testing::SampleObject;

constexpr char kMigration[] = "mig_digest";

std::string Mapped(const std::string& id) { return MapResourceId(kMigration, id, false); }

class SliceDigestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(engine_, SqliteStorageEngine::Open(dir_.path().string()));
    for (const char* ns : {"ns_src", "ns_dst"}) ASSERT_OK(engine_->CreateNamespaceData(ns));
    ASSERT_OK_AND_ASSIGN(source_, engine_->OpenNamespace("ns_src"));
    ASSERT_OK_AND_ASSIGN(target_, engine_->OpenNamespace("ns_dst"));
    for (const char* bucket : {"bkt_1", "bkt_2"}) {
      ASSERT_OK(source_->InsertBucket(SampleBucket(bucket, bucket)));
      ASSERT_OK(target_->InsertBucket(SampleBucket(Mapped(bucket), bucket)));
    }
    ASSERT_OK(source_->InsertCollection(SampleCollection("col_1", "c")));
    ASSERT_OK(source_->InsertCollection(SampleCollection("col_2", "d")));
    ASSERT_OK(target_->InsertCollection(SampleCollection(Mapped("col_1"), "c")));
    for (int i = 1; i <= 3; ++i) {
      const std::string n = std::to_string(i);
      ASSERT_OK(source_->InsertObject(SampleObject("bkt_1", "obj_" + n)));
      model::Document d = SampleDocument("col_1", "doc_" + n, "obj_" + n);
      if (i == 2) d.lineage.source_object_id.reset();  // an absent id, NULL in its row
      ASSERT_OK(source_->UpsertDocuments({d}));
    }
    // Rows of another resource named by a slice: skipped, as missing ids are.
    ASSERT_OK(source_->InsertObject(SampleObject("bkt_2", "obj_x")));
    ASSERT_OK(source_->UpsertDocuments({SampleDocument("col_2", "doc_x", "obj_1")}));
  }
  void TearDown() override {
    source_.reset();
    target_.reset();
    engine_->Close();
  }

  static BulkCopyRequest Slice(model::ResourceType type, const std::string& resource,
                               std::vector<std::string> ids) {
    BulkCopyRequest r;
    r.resource_type = type;
    r.source_resource_id = resource;
    r.item_ids = std::move(ids);
    r.mapping = {kMigration, false};
    r.checksum = true;
    return r;
  }

  // The slice read back, as the migration does without in-write checksums
  // (verification.cc's ChecksumCopiedSlice).
  void ExpectReadBackGives(const BulkCopyRequest& r, const BulkCopyResult& got) {
    ASSERT_TRUE(got.checksums.has_value());
    ChecksumRequest source;
    source.resource_type = r.resource_type;
    source.resource_id = r.source_resource_id;
    source.mapping = r.mapping;
    source.item_ids = r.item_ids;
    ChecksumRequest target;
    target.resource_type = r.resource_type;
    target.resource_id = Mapped(r.source_resource_id);
    target.item_ids.emplace();
    for (const auto& id : r.item_ids) target.item_ids->push_back(Mapped(id));
    ASSERT_OK_AND_ASSIGN(ItemChecksum want_source, source_->ChecksumItems(source));
    ASSERT_OK_AND_ASSIGN(ItemChecksum want_target, target_->ChecksumItems(target));
    EXPECT_EQ(want_source.count, 3);
    EXPECT_EQ(got.checksums->first.count, want_source.count);
    EXPECT_EQ(got.checksums->first.checksum.Hex(), want_source.checksum.Hex());
    EXPECT_EQ(got.checksums->second.count, want_target.count);
    EXPECT_EQ(got.checksums->second.checksum.Hex(), want_target.checksum.Hex());
  }

  TempDir dir_;
  std::unique_ptr<SqliteStorageEngine> engine_;
  std::shared_ptr<NamespaceStore> source_;
  std::shared_ptr<NamespaceStore> target_;
};

TEST_F(SliceDigestTest, ChecksumsOfTheWriteAreThoseOfReadingTheSliceBack) {
  const BulkCopyRequest objects =
      Slice(model::ResourceType::kBucket, "bkt_1", {"obj_1", "obj_2", "obj_3", "obj_9", "obj_x"});
  const BulkCopyRequest documents = Slice(model::ResourceType::kCollection, "col_1",
                                          {"doc_1", "doc_2", "doc_3", "doc_9", "doc_x"});
  for (int attempt = 0; attempt < 2; ++attempt) {  // a first write, then a rerun's upsert
    for (const auto& r : {objects, documents}) {
      ASSERT_OK_AND_ASSIGN(BulkCopyResult got, engine_->CopyItems("ns_src", "ns_dst", r));
      EXPECT_EQ(got.copied, 3);
      ExpectReadBackGives(r, got);
    }
  }
}

// Only a slice whose ids ascend without repeats is checksummed as it is written (a repeated
// id would be written, and counted, twice); the migration reads the others back.
TEST_F(SliceDigestTest, OtherSlicesAreLeftToTheReadBack) {
  for (const auto& ids : {std::vector<std::string>{"obj_2", "obj_1"},
                          std::vector<std::string>{"obj_1", "obj_1", "obj_2"}}) {
    ASSERT_OK_AND_ASSIGN(
        BulkCopyResult got,
        engine_->CopyItems("ns_src", "ns_dst", Slice(model::ResourceType::kBucket, "bkt_1", ids)));
    EXPECT_FALSE(got.checksums.has_value());
  }
  ASSERT_OK_AND_ASSIGN(int64_t written, target_->CountObjects(Mapped("bkt_1")));
  EXPECT_EQ(written, 2);
  EXPECT_TRUE(IdsStrictlyAscending({}));
  EXPECT_TRUE(IdsStrictlyAscending({"a", "b"}));
  EXPECT_FALSE(IdsStrictlyAscending({"b", "a"}));
}

// A source row whose fields would not checksum fails its slice with the checksum's own
// error, and the slice writes nothing; copied without checksums it moves as stored bytes.
TEST_F(SliceDigestTest, ASourceRowThatDoesNotDecodeFailsItsSliceWhole) {
  source_.reset();
  {
    ASSERT_OK_AND_ASSIGN(auto raw,
                         SqliteDb::Open((dir_.path() / "ns" / "ns_src.db").string(), {}));
    ASSERT_OK(raw->Locked([](SqliteDb& db) {
      return db.Exec("UPDATE documents SET fields = x'ff00ff' WHERE document_id = 'doc_2'");
    }));
  }
  BulkCopyRequest r = Slice(model::ResourceType::kCollection, "col_1", {"doc_1", "doc_2"});
  Result<BulkCopyResult> failed = engine_->CopyItems("ns_src", "ns_dst", r);
  EXPECT_EQ(failed.status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(failed.status().message(), "stored field does not decode: documents.fields");
  ASSERT_OK_AND_ASSIGN(int64_t written, target_->CountDocuments(Mapped("col_1")));
  EXPECT_EQ(written, 0);
  r.checksum = false;
  ASSERT_OK_AND_ASSIGN(BulkCopyResult plain, engine_->CopyItems("ns_src", "ns_dst", r));
  EXPECT_EQ(plain.copied, 2);
}

}  // namespace
}  // namespace ferry::storage::sqlite
