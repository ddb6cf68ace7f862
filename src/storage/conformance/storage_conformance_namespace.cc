// Conformance: the resources inside one namespace.

#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "storage/conformance/storage_conformance.h"

namespace ferry::storage::testing {
namespace {

template <typename T, typename Id>
std::vector<std::string> Ids(const std::vector<T>& rows, Id id) {
  std::vector<std::string> ids;
  for (const auto& row : rows) ids.push_back(id(row));
  return ids;
}

std::vector<std::string> DocIds(const std::vector<model::Document>& docs) {
  return Ids(docs, [](const model::Document& d) { return d.document_id; });
}

TEST_P(NamespaceConformanceTest, BucketsRoundTripAndRejectDuplicates) {
  model::Bucket bucket = SampleBucket("bkt_1", "photos");
  ASSERT_OK(store().InsertBucket(bucket));
  ASSERT_OK_AND_ASSIGN(model::Bucket got, store().GetBucket("bkt_1"));
  ExpectSame(bucket, got);
  ASSERT_OK_AND_ASSIGN(got, store().GetBucketByName("photos"));
  ExpectSame(bucket, got);
  EXPECT_EQ(STATUS_CODE(store().InsertBucket(SampleBucket("bkt_1", "other"))),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(STATUS_CODE(store().InsertBucket(SampleBucket("bkt_2", "photos"))),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(STATUS_CODE(store().GetBucket("bkt_9")), StatusCode::kNotFound);

  model::Bucket minimal;
  minimal.bucket_id = "bkt_0";
  minimal.bucket_name = "minimal";
  minimal.created_at = 1;
  ASSERT_OK(store().InsertBucket(minimal));
  ASSERT_OK_AND_ASSIGN(got, store().GetBucket("bkt_0"));
  ExpectSame(minimal, got);

  ASSERT_OK_AND_ASSIGN(auto listed, store().ListBuckets(model::Page{0, 10}));
  EXPECT_EQ(Ids(listed, [](const model::Bucket& b) { return b.bucket_id; }),
            (std::vector<std::string>{"bkt_0", "bkt_1"}));
  ASSERT_OK_AND_ASSIGN(int64_t count, store().CountBuckets());
  EXPECT_EQ(count, 2);
}

TEST_P(NamespaceConformanceTest, ObjectsRoundTripAndBelongToTheirBucket) {
  ASSERT_OK(store().InsertBucket(SampleBucket("bkt_1", "a")));
  ASSERT_OK(store().InsertBucket(SampleBucket("bkt_2", "b")));
  model::Object object = SampleObject("bkt_1", "obj_1");
  ASSERT_OK(store().InsertObject(object));
  ASSERT_OK_AND_ASSIGN(model::Object got, store().GetObject("bkt_1", "obj_1"));
  ExpectSame(object, got);
  EXPECT_FALSE(got.blobs[1].content_hash.has_value());
  EXPECT_EQ(STATUS_CODE(store().GetObject("bkt_2", "obj_1")), StatusCode::kNotFound);
  EXPECT_EQ(STATUS_CODE(store().InsertObject(object)), StatusCode::kAlreadyExists);
  EXPECT_EQ(STATUS_CODE(store().InsertObject(SampleObject("bkt_9", "obj_2"))),
            StatusCode::kNotFound);

  model::Object later = SampleObject("bkt_1", "obj_0");
  later.created_at = object.created_at + 1;
  later.blobs[0].content_hash = std::string(64, 'b');
  ASSERT_OK(store().InsertObject(later));
  ASSERT_OK_AND_ASSIGN(auto listed, store().ListObjects("bkt_1", model::Page{0, 10}));
  EXPECT_EQ(Ids(listed, [](const model::Object& o) { return o.object_id; }),
            (std::vector<std::string>{"obj_1", "obj_0"}));
  ASSERT_OK_AND_ASSIGN(listed, store().ListObjects("bkt_1", model::Page{1, 10}));
  ASSERT_EQ(listed.size(), 1u);
  ASSERT_OK_AND_ASSIGN(int64_t count, store().CountObjects("bkt_1"));
  EXPECT_EQ(count, 2);
  ASSERT_OK_AND_ASSIGN(count, store().CountObjects("bkt_2"));
  EXPECT_EQ(count, 0);
  ASSERT_OK_AND_ASSIGN(count, store().CountAllObjects());
  EXPECT_EQ(count, 2);

  ASSERT_OK_AND_ASSIGN(auto hashes, store().ListBlobHashes());
  EXPECT_EQ(hashes, (std::vector<std::string>{std::string(64, 'a'), std::string(64, 'b')}));

  EXPECT_EQ(STATUS_CODE(store().DeleteObject("bkt_2", "obj_1")), StatusCode::kNotFound);
  ASSERT_OK(store().DeleteObject("bkt_1", "obj_1"));
  EXPECT_EQ(STATUS_CODE(store().GetObject("bkt_1", "obj_1")), StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(hashes, store().ListBlobHashes());
  EXPECT_EQ(hashes, (std::vector<std::string>{std::string(64, 'b')}));
}

TEST_P(NamespaceConformanceTest, BucketStatsAggregateObjects) {
  ASSERT_OK(store().InsertBucket(SampleBucket("bkt_1", "a")));
  ASSERT_OK_AND_ASSIGN(model::BucketStats empty, store().GetBucketStats("bkt_1"));
  EXPECT_EQ(empty.object_count, 0);
  EXPECT_EQ(empty.total_size_bytes, 0);
  EXPECT_FALSE(empty.last_upload_at.has_value());

  model::Object a = SampleObject("bkt_1", "obj_a");  // blobs of 11 + 31 bytes
  model::Object b = SampleObject("bkt_1", "obj_b");
  b.created_at = 5000;
  b.blobs.resize(1);
  ASSERT_OK(store().InsertObject(a));
  ASSERT_OK(store().InsertObject(b));
  ASSERT_OK_AND_ASSIGN(model::BucketStats stats, store().GetBucketStats("bkt_1"));
  EXPECT_EQ(stats.object_count, 2);
  EXPECT_EQ(stats.total_size_bytes, 11 + 31 + 11);
  EXPECT_EQ(stats.last_upload_at, std::optional<TimestampMs>(5000));
  EXPECT_EQ(STATUS_CODE(store().GetBucketStats("bkt_9")), StatusCode::kNotFound);
}

TEST_P(NamespaceConformanceTest, DeleteBucketRemovesObjectsAndBatches) {
  ASSERT_OK(store().InsertBucket(SampleBucket("bkt_1", "a")));
  ASSERT_OK(store().InsertBucket(SampleBucket("bkt_2", "b")));
  ASSERT_OK(store().InsertObject(SampleObject("bkt_1", "obj_1")));
  ASSERT_OK(store().InsertObject(SampleObject("bkt_2", "obj_2")));
  ASSERT_OK(store().UpsertBatch(SampleBatch("bkt_1", "btch_1")));

  ASSERT_OK(store().DeleteBucket("bkt_1"));
  EXPECT_EQ(STATUS_CODE(store().GetBucket("bkt_1")), StatusCode::kNotFound);
  EXPECT_EQ(STATUS_CODE(store().GetObject("bkt_1", "obj_1")), StatusCode::kNotFound);
  EXPECT_EQ(STATUS_CODE(store().GetBatch("bkt_1", "btch_1")), StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(int64_t count, store().CountAllObjects());
  EXPECT_EQ(count, 1);
  EXPECT_EQ(STATUS_CODE(store().DeleteBucket("bkt_1")), StatusCode::kNotFound);
  // The name is free again.
  EXPECT_OK(store().InsertBucket(SampleBucket("bkt_3", "a")));
}

TEST_P(NamespaceConformanceTest, CollectionsRoundTripAndRejectDuplicates) {
  model::Collection c = SampleCollection("col_1", "text");
  ASSERT_OK(store().InsertCollection(c));
  ASSERT_OK_AND_ASSIGN(model::Collection got, store().GetCollection("col_1"));
  ExpectSame(c, got);
  ASSERT_OK_AND_ASSIGN(got, store().GetCollectionByName("text"));
  ExpectSame(c, got);
  EXPECT_EQ(STATUS_CODE(store().InsertCollection(SampleCollection("col_1", "x"))),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(STATUS_CODE(store().InsertCollection(SampleCollection("col_2", "text"))),
            StatusCode::kAlreadyExists);

  model::Collection minimal;
  minimal.collection_id = "col_0";
  minimal.collection_name = "minimal";
  ASSERT_OK(store().InsertCollection(minimal));
  ASSERT_OK_AND_ASSIGN(got, store().GetCollection("col_0"));
  ExpectSame(minimal, got);
  ASSERT_OK_AND_ASSIGN(auto listed, store().ListCollections(model::Page{0, 1}));
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].collection_id, "col_0");
  ASSERT_OK_AND_ASSIGN(int64_t count, store().CountCollections());
  EXPECT_EQ(count, 2);
}

TEST_P(NamespaceConformanceTest, DocumentsRoundTripWithAndWithoutVectors) {
  ASSERT_OK(store().InsertCollection(SampleCollection("col_1", "c")));
  model::Document doc = SampleDocument("col_1", "doc_1", "obj_1");
  model::Document minimal;
  minimal.document_id = "doc_0";
  minimal.collection_id = "col_1";
  ASSERT_OK(store().UpsertDocuments({doc, minimal}));

  ASSERT_OK_AND_ASSIGN(model::Document got, store().GetDocument("col_1", "doc_1", true));
  ExpectSame(doc, got);
  ASSERT_OK_AND_ASSIGN(got, store().GetDocument("col_1", "doc_1", false));
  ExpectSame(doc, got, /*with_vectors=*/false);
  ASSERT_OK_AND_ASSIGN(got, store().GetDocument("col_1", "doc_0", true));
  ExpectSame(minimal, got);
  EXPECT_EQ(STATUS_CODE(store().GetDocument("col_2", "doc_1", true)), StatusCode::kNotFound);

  ASSERT_OK_AND_ASSIGN(auto listed, store().ListDocuments("col_1", model::Page{0, 10}, true));
  EXPECT_EQ(DocIds(listed), (std::vector<std::string>{"doc_0", "doc_1"}));
  ExpectSame(doc, listed[1]);
  ASSERT_OK_AND_ASSIGN(listed, store().ListDocuments("col_1", model::Page{1, 10}, false));
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_TRUE(listed[0].vectors.empty());
  ASSERT_OK_AND_ASSIGN(int64_t count, store().CountDocuments("col_1"));
  EXPECT_EQ(count, 2);
  ASSERT_OK_AND_ASSIGN(count, store().CountAllDocuments());
  EXPECT_EQ(count, 2);
}

TEST_P(NamespaceConformanceTest, ListDocumentsAfterPagesInListOrderByKey) {
  ASSERT_OK(store().InsertCollection(SampleCollection("col_1", "c")));
  ASSERT_OK(store().InsertCollection(SampleCollection("col_2", "d")));
  // Ties on created_at (ordered by id) and a later document with a smaller id.
  std::vector<model::Document> docs;
  for (const auto& [id, at] : std::vector<std::pair<std::string, TimestampMs>>{
           {"doc_b", 100}, {"doc_a", 100}, {"doc_c", 100}, {"doc_0", 200}, {"doc_z", 50}}) {
    model::Document d = SampleDocument("col_1", id, "obj_1");
    d.created_at = at;
    docs.push_back(std::move(d));
  }
  ASSERT_OK(store().UpsertDocuments(docs));
  ASSERT_OK(store().UpsertDocuments({SampleDocument("col_2", "doc_other", "obj_1")}));
  ASSERT_OK_AND_ASSIGN(auto all, store().ListDocuments("col_1", model::Page{0, 10}, false));
  const std::vector<std::string> want = {"doc_z", "doc_a", "doc_b", "doc_c", "doc_0"};
  ASSERT_EQ(DocIds(all), want);

  std::vector<std::string> paged;
  std::optional<DocumentCursor> after;
  for (int pages = 0;; ++pages) {
    ASSERT_LT(pages, 10);
    ASSERT_OK_AND_ASSIGN(auto page, store().ListDocumentsAfter("col_1", after, 2, pages == 0));
    for (const auto& d : page) {
      paged.push_back(d.document_id);
      EXPECT_EQ(d.vectors.empty(), pages != 0) << d.document_id;
    }
    if (page.size() < 2) break;
    after = DocumentCursor{page.back().created_at, page.back().document_id};
  }
  EXPECT_EQ(paged, want);
  // A cursor between keys, one past the end, a limit of 0, another collection.
  ASSERT_OK_AND_ASSIGN(
      auto rest, store().ListDocumentsAfter("col_1", DocumentCursor{100, "doc_ab"}, 10, false));
  EXPECT_EQ(DocIds(rest), (std::vector<std::string>{"doc_b", "doc_c", "doc_0"}));
  ASSERT_OK_AND_ASSIGN(
      rest, store().ListDocumentsAfter("col_1", DocumentCursor{200, "doc_0"}, 10, false));
  EXPECT_TRUE(rest.empty());
  ASSERT_OK_AND_ASSIGN(rest, store().ListDocumentsAfter("col_1", std::nullopt, 0, false));
  EXPECT_TRUE(rest.empty());
  ASSERT_OK_AND_ASSIGN(rest, store().ListDocumentsAfter("col_2", std::nullopt, 10, false));
  EXPECT_EQ(DocIds(rest), (std::vector<std::string>{"doc_other"}));
}

TEST_P(NamespaceConformanceTest, UpsertReplacesDocumentAndItsVectors) {
  ASSERT_OK(store().InsertCollection(SampleCollection("col_1", "c")));
  ASSERT_OK(store().UpsertDocuments({SampleDocument("col_1", "doc_1", "obj_1")}));
  model::Document replaced = SampleDocument("col_1", "doc_1", "obj_2");
  replaced.vectors = {{"mixpeek://other@v1/embedding", {9.0f, 8.0f}}};
  replaced.error.reset();
  replaced.ingestion_status = "COMPLETED";
  ASSERT_OK(store().UpsertDocuments({replaced}));

  ASSERT_OK_AND_ASSIGN(int64_t count, store().CountDocuments("col_1"));
  EXPECT_EQ(count, 1);
  ASSERT_OK_AND_ASSIGN(model::Document got, store().GetDocument("col_1", "doc_1", true));
  ExpectSame(replaced, got);
  ASSERT_OK_AND_ASSIGN(auto by_old_root, store().ListDocumentsByRootObjects("col_1", {"obj_1"}));
  EXPECT_TRUE(by_old_root.empty());
}

// Vectors are loaded for a whole page at once (not per document): each document still
// gets exactly its own vectors, in position order, whatever the order of the ids asked.
TEST_P(NamespaceConformanceTest, DocumentsOfAPageCarryOnlyTheirOwnVectors) {
  ASSERT_OK(store().InsertCollection(SampleCollection("col_1", "c")));
  std::vector<model::Document> docs;
  for (int i = 1; i <= 3; ++i) {
    model::Document d = SampleDocument("col_1", "doc_" + std::to_string(i), "obj_1");
    d.vectors = {{"mixpeek://z@v1/embedding", {static_cast<float>(i)}},
                 {"mixpeek://a@v1/embedding", {static_cast<float>(10 * i), 1.0f}}};
    docs.push_back(d);
  }
  docs[1].vectors.clear();  // doc_2 has none
  ASSERT_OK(store().UpsertDocuments(docs));

  ASSERT_OK_AND_ASSIGN(auto got,
                       store().GetDocuments("col_1", {"doc_3", "doc_missing", "doc_1", "doc_3"}));
  EXPECT_EQ(DocIds(got), (std::vector<std::string>{"doc_3", "doc_1", "doc_3"}));
  ExpectSame(docs[2], got[0]);
  ExpectSame(docs[0], got[1]);
  ExpectSame(docs[2], got[2]);
  ASSERT_OK_AND_ASSIGN(auto listed, store().ListDocuments("col_1", model::Page{0, 10}, true));
  ASSERT_EQ(listed.size(), 3u);
  for (const auto& d : listed) ExpectSame(docs[d.document_id.back() - '1'], d);
  ASSERT_OK_AND_ASSIGN(auto by_root, store().ListDocumentsByRootObjects("col_1", {"obj_1"}));
  EXPECT_EQ(DocIds(by_root), (std::vector<std::string>{"doc_1", "doc_2", "doc_3"}));
  for (size_t i = 0; i < by_root.size(); ++i) ExpectSame(docs[i], by_root[i]);
}

// Re-running a write (a batch retried or resumed) leaves exactly what one run leaves,
// also when a document is written twice in one call.
TEST_P(NamespaceConformanceTest, RewritingDocumentsIsIdempotent) {
  ASSERT_OK(store().InsertCollection(SampleCollection("col_1", "c")));
  model::Document d = SampleDocument("col_1", "doc_1", "obj_1");
  model::Document fewer = d;
  fewer.vectors.pop_back();
  ASSERT_OK(store().UpsertDocuments({d, fewer}));
  ASSERT_OK(store().UpsertDocuments({d, fewer}));
  ASSERT_OK_AND_ASSIGN(model::Document got, store().GetDocument("col_1", "doc_1", true));
  ExpectSame(fewer, got);
  ASSERT_OK_AND_ASSIGN(int64_t count, store().CountAllDocuments());
  EXPECT_EQ(count, 1);
}

TEST_P(NamespaceConformanceTest, UpsertDocumentsIsAllOrNothing) {
  ASSERT_OK(store().InsertCollection(SampleCollection("col_1", "c")));
  std::vector<model::Document> docs = {SampleDocument("col_1", "doc_1", "obj_1"),
                                       SampleDocument("col_missing", "doc_2", "obj_1")};
  EXPECT_EQ(STATUS_CODE(store().UpsertDocuments(docs)), StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(int64_t count, store().CountAllDocuments());
  EXPECT_EQ(count, 0);
}

TEST_P(NamespaceConformanceTest, DocumentsByRootObjects) {
  ASSERT_OK(store().InsertCollection(SampleCollection("col_1", "c1")));
  ASSERT_OK(store().InsertCollection(SampleCollection("col_2", "c2")));
  ASSERT_OK(store().UpsertDocuments({
      SampleDocument("col_1", "doc_c", "obj_1"),
      SampleDocument("col_1", "doc_a", "obj_2"),
      SampleDocument("col_1", "doc_b", "obj_1"),
      SampleDocument("col_1", "doc_d", "obj_3"),
      SampleDocument("col_2", "doc_e", "obj_1"),
  }));
  ASSERT_OK_AND_ASSIGN(auto found, store().ListDocumentsByRootObjects(
                                       "col_1", {"obj_1", "obj_2", "obj_1", "obj_9"}));
  EXPECT_EQ(DocIds(found), (std::vector<std::string>{"doc_a", "doc_b", "doc_c"}));
  ExpectSame(SampleDocument("col_1", "doc_a", "obj_2"), found[0]);  // with vectors
  ASSERT_OK_AND_ASSIGN(auto none, store().ListDocumentsByRootObjects("col_1", {}));
  EXPECT_TRUE(none.empty());

  ASSERT_OK(store().DeleteDocumentsByRootObjects("col_1", {"obj_1"}));
  ASSERT_OK_AND_ASSIGN(auto rest, store().ListDocuments("col_1", model::Page{}, false));
  std::vector<std::string> ids = DocIds(rest);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<std::string>{"doc_a", "doc_d"}));
  // Other collections keep their documents of the same root.
  ASSERT_OK_AND_ASSIGN(int64_t count, store().CountDocuments("col_2"));
  EXPECT_EQ(count, 1);
}

TEST_P(NamespaceConformanceTest, DeleteCollectionRemovesDocumentsAndVectors) {
  ASSERT_OK(store().InsertCollection(SampleCollection("col_1", "c")));
  ASSERT_OK(store().UpsertDocuments({SampleDocument("col_1", "doc_1", "obj_1")}));
  ASSERT_OK(store().DeleteCollection("col_1"));
  EXPECT_EQ(STATUS_CODE(store().GetCollection("col_1")), StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(int64_t count, store().CountAllDocuments());
  EXPECT_EQ(count, 0);
  EXPECT_EQ(STATUS_CODE(store().DeleteCollection("col_1")), StatusCode::kNotFound);

  // Re-created under the same ids, nothing of the old data shows through.
  ASSERT_OK(store().InsertCollection(SampleCollection("col_1", "c")));
  model::Document bare = SampleDocument("col_1", "doc_1", "obj_1");
  bare.vectors.clear();
  ASSERT_OK(store().UpsertDocuments({bare}));
  ASSERT_OK_AND_ASSIGN(model::Document got, store().GetDocument("col_1", "doc_1", true));
  EXPECT_TRUE(got.vectors.empty());
}

TEST_P(NamespaceConformanceTest, BatchesUpsertAndBelongToTheirBucket) {
  ASSERT_OK(store().InsertBucket(SampleBucket("bkt_1", "a")));
  model::Batch batch = SampleBatch("bkt_1", "btch_1");
  ASSERT_OK(store().UpsertBatch(batch));
  ASSERT_OK_AND_ASSIGN(model::Batch got, store().GetBatch("bkt_1", "btch_1"));
  ExpectSame(batch, got);
  EXPECT_EQ(STATUS_CODE(store().GetBatch("bkt_2", "btch_1")), StatusCode::kNotFound);
  EXPECT_EQ(STATUS_CODE(store().UpsertBatch(SampleBatch("bkt_9", "btch_2"))),
            StatusCode::kNotFound);

  model::Batch minimal;  // current_tier, error, task_id unset; empty containers
  minimal.batch_id = "btch_1";
  minimal.bucket_id = "bkt_1";
  ASSERT_OK(store().UpsertBatch(minimal));
  ASSERT_OK_AND_ASSIGN(got, store().GetBatch("bkt_1", "btch_1"));
  ExpectSame(minimal, got);
  EXPECT_FALSE(got.current_tier.has_value());
}

TEST_P(NamespaceConformanceTest, ConcurrentWritersDoNotLoseUpdates) {
  ASSERT_OK(store().InsertCollection(SampleCollection("col_1", "c")));
  constexpr int kThreads = 4;
  constexpr int kDocsPerThread = 25;
  std::vector<std::thread> threads;
  std::vector<Status> results(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kDocsPerThread && results[t].ok(); ++i) {
        std::string id = "doc_" + std::to_string(t) + "_" + std::to_string(i);
        results[t] = store().UpsertDocuments({SampleDocument("col_1", id, "obj_1")});
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const Status& s : results) EXPECT_OK(s);
  ASSERT_OK_AND_ASSIGN(int64_t count, store().CountDocuments("col_1"));
  EXPECT_EQ(count, kThreads * kDocsPerThread);
}

}  // namespace
}  // namespace ferry::storage::testing
