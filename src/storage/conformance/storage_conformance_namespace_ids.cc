// Conformance: batch access to a namespace's objects and documents — keyset id pages,
// created_at ranges, multi-get and upsert (what a migration reads and writes).

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "storage/conformance/storage_conformance.h"

namespace ferry::storage::testing {
namespace {

constexpr int kRows = 250;

// "<prefix>_007": ids whose text order is their numeric order.
std::string NumberedId(const char* prefix, int i) { return testing::NumberedId(prefix, i, 3); }

// created_at not monotonic in the id, so an id order cannot come from a time order.
TimestampMs CreatedAt(int i) { return (i * 7919) % kRows; }

using ListIds = std::function<Result<std::vector<std::string>>(const std::string&, const IdQuery&)>;

// Pages through every id with `limit`, checking each page's size.
std::vector<std::string> AllPages(const ListIds& list, const std::string& parent, IdQuery query) {
  std::vector<std::string> ids;
  while (true) {
    auto page = list(parent, query);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (!page.ok() || page->empty()) return ids;
    EXPECT_LE(static_cast<int64_t>(page->size()), query.limit);
    ids.insert(ids.end(), page->begin(), page->end());
    query.after_id = page->back();
  }
}

// Every id i with CreatedAt(i) in [after, before), ascending.
std::vector<std::string> Expected(const char* prefix, TimestampMs after, TimestampMs before) {
  std::vector<std::string> ids;
  for (int i = 0; i < kRows; ++i) {
    if (CreatedAt(i) >= after && CreatedAt(i) < before) ids.push_back(NumberedId(prefix, i));
  }
  return ids;
}

void ExpectKeysetPaging(const ListIds& list, const std::string& parent, const char* prefix) {
  IdQuery query;
  query.limit = 100;
  EXPECT_EQ(AllPages(list, parent, query), Expected(prefix, 0, kRows));
  query.created_after = 50;
  query.created_before = 120;
  EXPECT_EQ(AllPages(list, parent, query), Expected(prefix, 50, 120));
  query.created_after.reset();
  query.limit = 7;
  EXPECT_EQ(AllPages(list, parent, query), Expected(prefix, 0, 120));
  EXPECT_TRUE(AllPages(list, "missing_parent", query).empty());
}

// kRows objects in bkt_1, inserted in reverse, and a few in bkt_2.
void AddObjects(NamespaceStore& store) {
  ASSERT_OK(store.InsertBucket(SampleBucket("bkt_1", "one")));
  ASSERT_OK(store.InsertBucket(SampleBucket("bkt_2", "two")));
  std::vector<model::Object> objects;
  for (int i = kRows - 1; i >= 0; --i) {
    objects.push_back(SampleObject("bkt_1", NumberedId("obj", i)));
    objects.back().created_at = CreatedAt(i);
  }
  for (int i = 0; i < 3; ++i) objects.push_back(SampleObject("bkt_2", NumberedId("other", i)));
  ASSERT_OK(store.UpsertObjects(objects));
}

// The same for documents in col_1 and col_2.
void AddDocuments(NamespaceStore& store) {
  ASSERT_OK(store.InsertCollection(SampleCollection("col_1", "one")));
  ASSERT_OK(store.InsertCollection(SampleCollection("col_2", "two")));
  std::vector<model::Document> docs;
  for (int i = kRows - 1; i >= 0; --i) {
    docs.push_back(SampleDocument("col_1", NumberedId("doc", i), "obj_1"));
    docs.back().created_at = CreatedAt(i);
  }
  for (int i = 0; i < 3; ++i)
    docs.push_back(SampleDocument("col_2", NumberedId("other", i), "obj_1"));
  ASSERT_OK(store.UpsertDocuments(docs));
}

TEST_P(NamespaceConformanceTest, ListObjectIdsPagesEveryIdOnceInOrder) {
  ASSERT_NO_FATAL_FAILURE(AddObjects(store()));
  ExpectKeysetPaging([&](const auto& p, const auto& q) { return store().ListObjectIds(p, q); },
                     "bkt_1", "obj");
}

TEST_P(NamespaceConformanceTest, ListDocumentIdsPagesEveryIdOnceInOrder) {
  ASSERT_NO_FATAL_FAILURE(AddDocuments(store()));
  ExpectKeysetPaging([&](const auto& p, const auto& q) { return store().ListDocumentIds(p, q); },
                     "col_1", "doc");
}

TEST_P(NamespaceConformanceTest, CountObjectsInRangeHonoursEachBound) {
  ASSERT_NO_FATAL_FAILURE(AddObjects(store()));
  auto count = [&](std::optional<TimestampMs> after, std::optional<TimestampMs> before) {
    auto n = store().CountObjectsInRange("bkt_1", after, before);
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    return n.ok() ? *n : -1;
  };
  EXPECT_EQ(count(std::nullopt, std::nullopt), kRows);
  EXPECT_EQ(count(50, std::nullopt), static_cast<int64_t>(Expected("obj", 50, kRows).size()));
  EXPECT_EQ(count(std::nullopt, 50), static_cast<int64_t>(Expected("obj", 0, 50).size()));
  EXPECT_EQ(count(50, 120), static_cast<int64_t>(Expected("obj", 50, 120).size()));
  EXPECT_EQ(count(120, 50), 0);
  ASSERT_OK_AND_ASSIGN(int64_t other, store().CountObjectsInRange("bkt_2", std::nullopt, 1000));
  EXPECT_EQ(other, 3);
}

TEST_P(NamespaceConformanceTest, CountDocumentsInRangeHonoursEachBound) {
  ASSERT_NO_FATAL_FAILURE(AddDocuments(store()));
  ASSERT_OK_AND_ASSIGN(int64_t n,
                       store().CountDocumentsInRange("col_1", std::nullopt, std::nullopt));
  EXPECT_EQ(n, kRows);
  ASSERT_OK_AND_ASSIGN(n, store().CountDocumentsInRange("col_1", 50, 120));
  EXPECT_EQ(n, static_cast<int64_t>(Expected("doc", 50, 120).size()));
  ASSERT_OK_AND_ASSIGN(n, store().CountDocumentsInRange("col_1", 249, std::nullopt));
  EXPECT_EQ(n, 1);
  ASSERT_OK_AND_ASSIGN(n, store().CountDocumentsInRange("col_2", std::nullopt, 700));
  EXPECT_EQ(n, 0);  // the sample's created_at is 700, and before is exclusive
}

TEST_P(NamespaceConformanceTest, UpsertObjectsReplacesWithoutDuplicating) {
  ASSERT_OK(store().InsertBucket(SampleBucket("bkt_1", "one")));
  ASSERT_OK(
      store().UpsertObjects({SampleObject("bkt_1", "obj_1"), SampleObject("bkt_1", "obj_2")}));
  model::Object changed = SampleObject("bkt_1", "obj_1");
  changed.blobs.resize(1);
  changed.blobs[0].content_hash = std::string(64, 'c');
  changed.status = model::TaskStatus::kCompleted;
  changed.error.reset();
  changed.updated_at = 999;
  ASSERT_OK(store().UpsertObjects({changed}));
  ASSERT_OK_AND_ASSIGN(model::Object got, store().GetObject("bkt_1", "obj_1"));
  ExpectSame(changed, got);
  ASSERT_OK_AND_ASSIGN(int64_t count, store().CountObjects("bkt_1"));
  EXPECT_EQ(count, 2);
  ASSERT_OK_AND_ASSIGN(auto hashes, store().ListBlobHashes());
  EXPECT_EQ(hashes, (std::vector<std::string>{std::string(64, 'a'), std::string(64, 'c')}));

  // A missing bucket fails the whole call.
  EXPECT_EQ(STATUS_CODE(store().UpsertObjects(
                {SampleObject("bkt_1", "obj_3"), SampleObject("bkt_9", "obj_4")})),
            StatusCode::kNotFound);
  EXPECT_EQ(STATUS_CODE(store().GetObject("bkt_1", "obj_3")), StatusCode::kNotFound);
}

TEST_P(NamespaceConformanceTest, GetObjectsKeepsTheGivenOrderAndSkipsAbsentIds) {
  ASSERT_OK(store().InsertBucket(SampleBucket("bkt_1", "one")));
  ASSERT_OK(store().InsertBucket(SampleBucket("bkt_2", "two")));
  ASSERT_OK(store().UpsertObjects({SampleObject("bkt_1", "obj_1"), SampleObject("bkt_1", "obj_2"),
                                   SampleObject("bkt_2", "obj_9")}));
  ASSERT_OK_AND_ASSIGN(auto got,
                       store().GetObjects("bkt_1", {"obj_2", "obj_missing", "obj_9", "obj_1"}));
  ASSERT_EQ(got.size(), 2u);
  ExpectSame(SampleObject("bkt_1", "obj_2"), got[0]);
  ExpectSame(SampleObject("bkt_1", "obj_1"), got[1]);
  ASSERT_OK_AND_ASSIGN(got, store().GetObjects("bkt_1", {}));
  EXPECT_TRUE(got.empty());
}

TEST_P(NamespaceConformanceTest, GetDocumentsKeepsTheGivenOrderWithVectors) {
  ASSERT_OK(store().InsertCollection(SampleCollection("col_1", "one")));
  ASSERT_OK(store().InsertCollection(SampleCollection("col_2", "two")));
  ASSERT_OK(store().UpsertDocuments({SampleDocument("col_1", "doc_1", "obj_1"),
                                     SampleDocument("col_1", "doc_2", "obj_2"),
                                     SampleDocument("col_2", "doc_9", "obj_1")}));
  ASSERT_OK_AND_ASSIGN(auto got,
                       store().GetDocuments("col_1", {"doc_2", "doc_9", "doc_missing", "doc_1"}));
  ASSERT_EQ(got.size(), 2u);
  ExpectSame(SampleDocument("col_1", "doc_2", "obj_2"), got[0], /*with_vectors=*/true);
  ExpectSame(SampleDocument("col_1", "doc_1", "obj_1"), got[1], /*with_vectors=*/true);
}

}  // namespace
}  // namespace ferry::storage::testing
