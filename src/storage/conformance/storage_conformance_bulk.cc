// Conformance: bulk data operations (bulk_data.h) — a copied slice between two
// namespaces with the id mapping applied in the engine, and streamed checksums.

#include <algorithm>
#include <string>
#include <vector>

#include "common/ids.h"
#include "storage/conformance/storage_conformance.h"

namespace ferry::storage::testing {
namespace {

constexpr char kMigration[] = "mig_bulk";

std::string Mapped(const std::string& id) { return MapResourceId(kMigration, id, false); }

}  // namespace

void BulkConformanceTest::SetUp() {
  StorageConformanceTest::SetUp();
  source_ = NewNamespace("ns_src");
  target_ = NewNamespace("ns_dst");
  ASSERT_OK(source_->InsertBucket(SampleBucket("bkt_1", "b")));
  ASSERT_OK(source_->InsertCollection(SampleCollection("col_1", "c")));
  for (int i = 1; i <= 3; ++i) {
    ASSERT_OK(source_->InsertObject(SampleObject("bkt_1", "obj_" + std::to_string(i))));
    model::Document d = SampleDocument("col_1", "doc_" + std::to_string(i), "obj_1");
    d.created_at = 100 * i;
    ASSERT_OK(source_->UpsertDocuments({d}));
  }
  ASSERT_OK(target_->InsertBucket(SampleBucket(Mapped("bkt_1"), "b")));
  ASSERT_OK(target_->InsertCollection(SampleCollection(Mapped("col_1"), "c")));
}

void BulkConformanceTest::TearDown() {
  source_.reset();
  target_.reset();
  StorageConformanceTest::TearDown();
}

namespace {

BulkCopyRequest Request(model::ResourceType type, const std::string& resource,
                        std::vector<std::string> ids) {
  BulkCopyRequest r;
  r.resource_type = type;
  r.source_resource_id = resource;
  r.item_ids = std::move(ids);
  r.mapping = {kMigration, false};
  return r;
}

ChecksumRequest SourceSide(model::ResourceType type, const std::string& id) {
  ChecksumRequest r;
  r.resource_type = type;
  r.resource_id = id;
  r.mapping = IdMapping{kMigration, false};
  return r;
}

ChecksumRequest TargetSide(model::ResourceType type, const std::string& id) {
  ChecksumRequest r;
  r.resource_type = type;
  r.resource_id = Mapped(id);
  return r;
}

TEST_P(BulkConformanceTest, CopiesObjectsWithMappedIdsAndEveryField) {
  ASSERT_OK_AND_ASSIGN(auto copied, copy(Request(model::ResourceType::kBucket, "bkt_1",
                                                 {"obj_2", "obj_9", "obj_1"})));
  EXPECT_EQ(copied.copied, 2);  // obj_9 does not exist: skipped
  for (const char* id : {"obj_1", "obj_2"}) {
    model::Object want = SampleObject("bkt_1", id);  // blob ids are not mapped
    want.object_id = Mapped(id);
    want.bucket_id = Mapped("bkt_1");
    ASSERT_OK_AND_ASSIGN(model::Object got, target_->GetObject(Mapped("bkt_1"), Mapped(id)));
    ExpectSame(want, got);
  }
  ASSERT_OK_AND_ASSIGN(int64_t count, target_->CountObjects(Mapped("bkt_1")));
  EXPECT_EQ(count, 2);
  ASSERT_OK_AND_ASSIGN(auto hashes, target_->ListBlobHashes());
  EXPECT_EQ(hashes, std::vector<std::string>{std::string(64, 'a')});
}

TEST_P(BulkConformanceTest, CopiesDocumentsWithVectorsAndMappedLineage) {
  ASSERT_OK_AND_ASSIGN(
      auto copied, copy(Request(model::ResourceType::kCollection, "col_1", {"doc_1", "doc_3"})));
  EXPECT_EQ(copied.copied, 2);
  model::Document want = SampleDocument(Mapped("col_1"), Mapped("doc_3"), Mapped("obj_1"));
  want.created_at = 300;
  want.lineage.root_bucket_id = Mapped("bkt_root");
  want.lineage.source_document_id = Mapped("doc_src");
  want.lineage.source_collection_id = Mapped("col_src");
  want.lineage.path = MapLineagePath(kMigration, "bkt_root/col_src/col_1", false);
  ASSERT_OK_AND_ASSIGN(model::Document got,
                       target_->GetDocument(Mapped("col_1"), Mapped("doc_3"), true));
  ExpectSame(want, got);
  EXPECT_EQ(got.lineage.path, Mapped("bkt_root") + "/" + Mapped("col_src") + "/" + Mapped("col_1"));
  EXPECT_FALSE(got.lineage.source_object_id.has_value());
}

TEST_P(BulkConformanceTest, ARerunSliceReplacesRatherThanDuplicates) {
  auto r = Request(model::ResourceType::kCollection, "col_1", {"doc_1", "doc_2", "doc_3"});
  r.fence = WriteFence{"mig_bulk/1", 5};
  ASSERT_OK(copy(r).status());
  ASSERT_OK(copy(r).status());
  ASSERT_OK_AND_ASSIGN(int64_t count, target_->CountDocuments(Mapped("col_1")));
  EXPECT_EQ(count, 3);
  ASSERT_OK_AND_ASSIGN(model::Document got,
                       target_->GetDocument(Mapped("col_1"), Mapped("doc_2"), true));
  EXPECT_EQ(got.vectors.size(), 2u);
}

// A slice's first write under its fence over rows that something else wrote (another fence
// key) replaces them too, with their vectors, and counts them as copied.
TEST_P(BulkConformanceTest, AFirstWriteOverRowsWrittenElsewhereReplacesThem) {
  for (auto type : {model::ResourceType::kBucket, model::ResourceType::kCollection}) {
    const bool bucket = type == model::ResourceType::kBucket;
    auto r = Request(type, bucket ? "bkt_1" : "col_1",
                     bucket ? std::vector<std::string>{"obj_1", "obj_2"}
                            : std::vector<std::string>{"doc_1", "doc_2"});
    r.checksum = true;
    r.fence = WriteFence{"mig_bulk/a", 1};
    ASSERT_OK(copy(r).status());
    r.fence = WriteFence{"mig_bulk/b", 1};
    ASSERT_OK_AND_ASSIGN(auto again, copy(r));
    EXPECT_EQ(again.copied, 2);
    if (again.checksums) {
      EXPECT_EQ(again.checksums->first.checksum, again.checksums->second.checksum);
    }
  }
  ASSERT_OK_AND_ASSIGN(int64_t objects, target_->CountObjects(Mapped("bkt_1")));
  EXPECT_EQ(objects, 2);
  ASSERT_OK_AND_ASSIGN(model::Document got,
                       target_->GetDocument(Mapped("col_1"), Mapped("doc_2"), true));
  EXPECT_EQ(got.vectors.size(), 2u);
}

// A slice run again under its fence (a newer token after a lost lease) replaces what its
// earlier attempt wrote: a vector the source no longer has is gone from the target.
TEST_P(BulkConformanceTest, ARerunSliceReplacesTheVectorsOfItsEarlierAttempt) {
  auto r = Request(model::ResourceType::kCollection, "col_1", {"doc_1", "doc_2"});
  r.fence = WriteFence{"mig_bulk/1", 5};
  ASSERT_OK(copy(r).status());
  ASSERT_OK_AND_ASSIGN(model::Document doc, source_->GetDocument("col_1", "doc_2", true));
  ASSERT_EQ(doc.vectors.size(), 2u);
  doc.vectors.pop_back();
  ASSERT_OK(source_->UpsertDocuments({doc}));
  r.fence->token = 6;
  ASSERT_OK(copy(r).status());
  ASSERT_OK_AND_ASSIGN(model::Document got,
                       target_->GetDocument(Mapped("col_1"), Mapped("doc_2"), true));
  ASSERT_EQ(got.vectors.size(), 1u);
  EXPECT_EQ(got.vectors[0].feature_uri, doc.vectors[0].feature_uri);
}

TEST_P(BulkConformanceTest, AStaleFenceWritesNothing) {
  auto r = Request(model::ResourceType::kBucket, "bkt_1", {"obj_1"});
  r.fence = WriteFence{"mig_bulk/1", 7};
  ASSERT_OK(copy(r).status());
  r.item_ids = {"obj_2", "obj_3"};
  r.fence->token = 6;
  EXPECT_EQ(STATUS_CODE(copy(r)), StatusCode::kLeaseLost);
  ASSERT_OK_AND_ASSIGN(int64_t count, target_->CountObjects(Mapped("bkt_1")));
  EXPECT_EQ(count, 1);
  // The fence is shared with the row-by-row fenced writes.
  EXPECT_EQ(STATUS_CODE(target_->UpsertObjectsFenced({"mig_bulk/1", 6},
                                                     {SampleObject(Mapped("bkt_1"), "obj_x")})),
            StatusCode::kLeaseLost);
}

TEST_P(BulkConformanceTest, NeedsTheTargetResourceAndBothNamespaces) {
  EXPECT_EQ(STATUS_CODE(copy(Request(model::ResourceType::kBucket, "bkt_2", {"obj_1"}))),
            StatusCode::kNotFound);
  EXPECT_EQ(STATUS_CODE(engine().CopyItems(
                "ns_none", "ns_dst", Request(model::ResourceType::kBucket, "bkt_1", {"obj_1"}))),
            StatusCode::kNotFound);
  EXPECT_EQ(STATUS_CODE(copy(Request(model::ResourceType::kRetriever, "ret_1", {"x"}))),
            StatusCode::kInvalidArgument);
}

// Copied rows hang off their parents like any others, and copying (also a slice that
// fails) leaves the store's foreign keys in force: deletes still cascade afterwards.
TEST_P(BulkConformanceTest, DeletesStillCascadeOverCopiedRows) {
  EXPECT_EQ(STATUS_CODE(copy(Request(model::ResourceType::kCollection, "col_2", {"doc_1"}))),
            StatusCode::kNotFound);
  ASSERT_OK(copy(Request(model::ResourceType::kBucket, "bkt_1", {"obj_1", "obj_2"})).status());
  ASSERT_OK(copy(Request(model::ResourceType::kCollection, "col_1", {"doc_1", "doc_2"})).status());
  ASSERT_OK(target_->DeleteCollection(Mapped("col_1")));
  ASSERT_OK(target_->InsertCollection(SampleCollection(Mapped("col_1"), "c")));
  ASSERT_OK_AND_ASSIGN(int64_t documents, target_->CountDocuments(Mapped("col_1")));
  EXPECT_EQ(documents, 0);
  ASSERT_OK(target_->DeleteBucket(Mapped("bkt_1")));
  ASSERT_OK_AND_ASSIGN(auto hashes, target_->ListBlobHashes());
  EXPECT_TRUE(hashes.empty());  // objects went with the bucket, their hash rows with them
  // A document written afterwards over the vanished parent is refused as before.
  ASSERT_OK(copy(Request(model::ResourceType::kCollection, "col_1", {"doc_3"})).status());
  model::Document orphan = SampleDocument("col_missing", "doc_orphan", "obj_1");
  EXPECT_FALSE(target_->UpsertDocuments({orphan}).ok());
}

// A copied slice moves its collection's write mark (a vector index over it is rebuilt), a
// slice that copies nothing does not.
TEST_P(BulkConformanceTest, CopiedSlicesMoveTheCollectionVersion) {
  ASSERT_OK_AND_ASSIGN(auto before, target_->GetCollectionVersion(Mapped("col_1")));
  ASSERT_OK(copy(Request(model::ResourceType::kCollection, "col_1", {"doc_1", "doc_2"})).status());
  ASSERT_OK_AND_ASSIGN(auto copied, target_->GetCollectionVersion(Mapped("col_1")));
  EXPECT_EQ(copied.document_count, 2);
  EXPECT_GT(copied.write_mark, before.write_mark);
  ASSERT_OK(copy(Request(model::ResourceType::kCollection, "col_1", {"doc_9"})).status());
  ASSERT_OK_AND_ASSIGN(auto nothing, target_->GetCollectionVersion(Mapped("col_1")));
  EXPECT_TRUE(nothing == copied);
  ASSERT_OK(copy(Request(model::ResourceType::kCollection, "col_1", {"doc_1"})).status());
  ASSERT_OK_AND_ASSIGN(auto again, target_->GetCollectionVersion(Mapped("col_1")));
  EXPECT_GT(again.write_mark, copied.write_mark);
}

// Lineage strings are the client's: empty ones, and control characters, are copied (and
// mapped) as they are, in a slice of one document as in a slice of several.
TEST_P(BulkConformanceTest, CopiesEmptyAndControlCharacterLineageStringsAsTheyAre) {
  model::Document empty = SampleDocument("col_1", "doc_e", "");
  empty.lineage.root_bucket_id = "";
  empty.lineage.path = "";
  model::Document odd = SampleDocument("col_1", "doc_c", "obj\x1fx_1");
  odd.lineage.source_document_id = std::string("a\x1f\x1e", 3);
  ASSERT_OK(source_->UpsertDocuments({empty, odd}));
  ASSERT_OK(copy(Request(model::ResourceType::kCollection, "col_1", {"doc_e"})).status());
  ASSERT_OK(copy(Request(model::ResourceType::kCollection, "col_1", {"doc_c", "doc_1"})).status());
  for (model::Document want : {empty, odd, SampleDocument("col_1", "doc_1", "obj_1")}) {
    const std::string id = want.document_id;
    want.document_id = Mapped(id);
    want.collection_id = Mapped("col_1");
    want.lineage.root_object_id = Mapped(want.lineage.root_object_id);
    want.lineage.root_bucket_id = Mapped(want.lineage.root_bucket_id);
    for (auto* opt : {&want.lineage.source_object_id, &want.lineage.source_document_id,
                      &want.lineage.source_collection_id}) {
      if (opt->has_value()) *opt = Mapped(**opt);
    }
    want.lineage.path = MapLineagePath(kMigration, want.lineage.path, false);
    if (id == "doc_1") want.created_at = 100;
    ASSERT_OK_AND_ASSIGN(model::Document got,
                         target_->GetDocument(Mapped("col_1"), Mapped(id), true));
    ExpectSame(want, got);
  }
}

TEST_P(BulkConformanceTest, PreservedIdsAreCopiedAsTheyAre) {
  ASSERT_OK(target_->InsertBucket(SampleBucket("bkt_1", "same")));
  auto r = Request(model::ResourceType::kBucket, "bkt_1", {"obj_1"});
  r.mapping.preserve = true;
  ASSERT_OK(copy(r).status());
  ASSERT_OK_AND_ASSIGN(model::Object got, target_->GetObject("bkt_1", "obj_1"));
  ExpectSame(SampleObject("bkt_1", "obj_1"), got);
}

TEST_P(BulkConformanceTest, ReadsStayCorrectDuringABulkLoad) {
  ASSERT_OK(target_->BeginBulkLoad());
  ASSERT_OK(target_->BeginBulkLoad());  // idempotent
  ASSERT_OK(
      copy(Request(model::ResourceType::kBucket, "bkt_1", {"obj_1", "obj_2", "obj_3"})).status());
  ASSERT_OK(copy(Request(model::ResourceType::kCollection, "col_1", {"doc_1", "doc_2", "doc_3"}))
                .status());
  auto check = [&] {
    IdQuery q;
    ASSERT_OK_AND_ASSIGN(auto objects, target_->ListObjectIds(Mapped("bkt_1"), q));
    EXPECT_EQ(objects.size(), 3u);
    EXPECT_TRUE(std::is_sorted(objects.begin(), objects.end()));
    ASSERT_OK_AND_ASSIGN(auto docs,
                         target_->ListDocumentsByRootObjects(Mapped("col_1"), {Mapped("obj_1")}));
    EXPECT_EQ(docs.size(), 3u);
    ASSERT_OK_AND_ASSIGN(auto hashes, target_->ListBlobHashes());
    EXPECT_EQ(hashes.size(), 1u);
    ASSERT_OK_AND_ASSIGN(int64_t in_range,
                         target_->CountDocumentsInRange(Mapped("col_1"), 150, std::nullopt));
    EXPECT_EQ(in_range, 2);
  };
  check();
  ASSERT_OK(target_->EndBulkLoad());
  ASSERT_OK(target_->EndBulkLoad());  // idempotent
  check();
}

// Checksums computed by the write itself (BulkCopyRequest::checksum) are optional; where a
// backend gives them, both sides agree and count the written items — also when a rerun
// slice replaces its earlier rows — and without the ask there are none.
TEST_P(BulkConformanceTest, ChecksumsOfTheWriteAgreeWhereGiven) {
  for (auto type : {model::ResourceType::kBucket, model::ResourceType::kCollection}) {
    const bool bucket = type == model::ResourceType::kBucket;
    auto r = Request(type, bucket ? "bkt_1" : "col_1",
                     bucket ? std::vector<std::string>{"obj_1", "obj_2", "obj_3"}
                            : std::vector<std::string>{"doc_1", "doc_2", "doc_3"});
    ASSERT_OK_AND_ASSIGN(auto plain, copy(r));
    EXPECT_FALSE(plain.checksums.has_value());
    r.checksum = true;
    for (int attempt = 0; attempt < 2; ++attempt) {
      ASSERT_OK_AND_ASSIGN(auto copied, copy(r));
      EXPECT_EQ(copied.copied, 3);
      if (!copied.checksums) continue;
      const auto& [source, target] = *copied.checksums;
      EXPECT_EQ(source.count, 3);
      EXPECT_EQ(target.count, 3);
      EXPECT_EQ(source.checksum.Hex(), target.checksum.Hex());
    }
  }
}

TEST_P(BulkConformanceTest, StreamedChecksumsOfSourceAndCopyAgree) {
  ASSERT_OK(
      copy(Request(model::ResourceType::kBucket, "bkt_1", {"obj_1", "obj_2", "obj_3"})).status());
  ASSERT_OK(copy(Request(model::ResourceType::kCollection, "col_1", {"doc_1", "doc_2", "doc_3"}))
                .status());
  for (auto type : {model::ResourceType::kBucket, model::ResourceType::kCollection}) {
    const std::string id = type == model::ResourceType::kBucket ? "bkt_1" : "col_1";
    ASSERT_OK_AND_ASSIGN(ItemChecksum src, source_->ChecksumItems(SourceSide(type, id)));
    ASSERT_OK_AND_ASSIGN(ItemChecksum dst, target_->ChecksumItems(TargetSide(type, id)));
    EXPECT_EQ(src.count, 3);
    EXPECT_EQ(dst.count, 3);
    EXPECT_EQ(src.checksum.Hex(), dst.checksum.Hex());
    // Unmapped, the source differs from its copy (the ids are part of the content).
    ChecksumRequest unmapped = SourceSide(type, id);
    unmapped.mapping.reset();
    ASSERT_OK_AND_ASSIGN(ItemChecksum raw, source_->ChecksumItems(unmapped));
    EXPECT_NE(raw.checksum.Hex(), dst.checksum.Hex());
  }
  // The streamed checksum is the one of the model's fingerprints.
  ContentChecksum want;
  ASSERT_OK_AND_ASSIGN(
      auto docs,
      target_->GetDocuments(Mapped("col_1"), {Mapped("doc_1"), Mapped("doc_2"), Mapped("doc_3")}));
  for (const auto& d : docs) want.Add(DocumentFingerprint(d, {}));
  ASSERT_OK_AND_ASSIGN(ItemChecksum dst, target_->ChecksumItems(TargetSide(
                                             model::ResourceType::kCollection, "col_1")));
  EXPECT_EQ(dst.checksum.Hex(), want.Hex());
  ContentChecksum want_objects;
  ASSERT_OK_AND_ASSIGN(
      auto objects,
      target_->GetObjects(Mapped("bkt_1"), {Mapped("obj_1"), Mapped("obj_2"), Mapped("obj_3")}));
  for (const auto& o : objects) want_objects.Add(ObjectFingerprint(o));
  ASSERT_OK_AND_ASSIGN(ItemChecksum dst_objects,
                       target_->ChecksumItems(TargetSide(model::ResourceType::kBucket, "bkt_1")));
  EXPECT_EQ(objects.size(), 3u);
  EXPECT_EQ(dst_objects.checksum.Hex(), want_objects.Hex());
}

// The checksum of a list of ids (a copied slice read back) covers exactly those items:
// the checksums of disjoint lists add up to the whole, missing and repeated ids count
// nothing, and a slice's source side equals its copy's.
TEST_P(BulkConformanceTest, ChecksumsOfIdListsAddUpToTheWhole) {
  ASSERT_OK(
      copy(Request(model::ResourceType::kBucket, "bkt_1", {"obj_1", "obj_2", "obj_3"})).status());
  ASSERT_OK(copy(Request(model::ResourceType::kCollection, "col_1", {"doc_1", "doc_2", "doc_3"}))
                .status());
  for (auto type : {model::ResourceType::kBucket, model::ResourceType::kCollection}) {
    const bool bucket = type == model::ResourceType::kBucket;
    const std::string id = bucket ? "bkt_1" : "col_1";
    const std::string p = bucket ? "obj_" : "doc_";
    ASSERT_OK_AND_ASSIGN(ItemChecksum whole, source_->ChecksumItems(SourceSide(type, id)));
    ChecksumRequest first = SourceSide(type, id);
    first.item_ids = std::vector<std::string>{p + "2", p + "1", "nope_1", p + "2"};
    ChecksumRequest second = SourceSide(type, id);
    second.item_ids = std::vector<std::string>{p + "3"};
    ASSERT_OK_AND_ASSIGN(ItemChecksum a, source_->ChecksumItems(first));
    ASSERT_OK_AND_ASSIGN(ItemChecksum b, source_->ChecksumItems(second));
    EXPECT_EQ(a.count, 2);
    EXPECT_EQ(b.count, 1);
    ContentChecksum sum = a.checksum;
    sum.Merge(b.checksum);
    EXPECT_EQ(sum.Hex(), whole.checksum.Hex());
    EXPECT_EQ(sum.count(), 3);
    ChecksumRequest copied = TargetSide(type, id);
    copied.item_ids = std::vector<std::string>{Mapped(p + "1"), Mapped(p + "2")};
    ASSERT_OK_AND_ASSIGN(ItemChecksum c, target_->ChecksumItems(copied));
    EXPECT_EQ(c.count, 2);
    EXPECT_EQ(c.checksum.Hex(), a.checksum.Hex());
    ChecksumRequest none = TargetSide(type, id);
    none.item_ids = std::vector<std::string>{};
    ASSERT_OK_AND_ASSIGN(ItemChecksum empty, target_->ChecksumItems(none));
    EXPECT_EQ(empty.count, 0);
  }
}

TEST_P(BulkConformanceTest, ChecksumsSeeOneChangedVectorValue) {
  ASSERT_OK(copy(Request(model::ResourceType::kCollection, "col_1", {"doc_1", "doc_2", "doc_3"}))
                .status());
  ASSERT_OK_AND_ASSIGN(ItemChecksum before, target_->ChecksumItems(TargetSide(
                                                model::ResourceType::kCollection, "col_1")));
  ASSERT_OK_AND_ASSIGN(model::Document d,
                       target_->GetDocument(Mapped("col_1"), Mapped("doc_2"), true));
  d.vectors[1].values[0] += 1.0f;
  ASSERT_OK(target_->UpsertDocuments({d}));
  ASSERT_OK_AND_ASSIGN(ItemChecksum after, target_->ChecksumItems(TargetSide(
                                               model::ResourceType::kCollection, "col_1")));
  EXPECT_EQ(after.count, before.count);
  EXPECT_NE(after.checksum.Hex(), before.checksum.Hex());
  // A vector the scope leaves out does not count.
  auto scoped = TargetSide(model::ResourceType::kCollection, "col_1");
  scoped.scope.excluded_vector_uris.insert(d.vectors[1].feature_uri);
  ASSERT_OK_AND_ASSIGN(ItemChecksum a, target_->ChecksumItems(scoped));
  ASSERT_OK(target_->UpsertDocuments({SampleDocument(Mapped("col_1"), Mapped("doc_9"), "o")}));
  ASSERT_OK_AND_ASSIGN(ItemChecksum b, target_->ChecksumItems(scoped));
  EXPECT_EQ(b.count, a.count + 1);
}

TEST_P(BulkConformanceTest, ChecksumsHonourTheDateRange) {
  auto r = SourceSide(model::ResourceType::kCollection, "col_1");
  r.created_after = 200;
  r.created_before = 300;
  ASSERT_OK_AND_ASSIGN(ItemChecksum one, source_->ChecksumItems(r));
  EXPECT_EQ(one.count, 1);  // doc_2 (created at 200); doc_3 at 300 is outside [200, 300)
  r.created_before.reset();
  ASSERT_OK_AND_ASSIGN(ItemChecksum two, source_->ChecksumItems(r));
  EXPECT_EQ(two.count, 2);
  r.resource_id = "col_none";
  ASSERT_OK_AND_ASSIGN(ItemChecksum none, source_->ChecksumItems(r));
  EXPECT_EQ(none.count, 0);
}

}  // namespace

}  // namespace ferry::storage::testing
