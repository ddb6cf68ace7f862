// VectorSearchService against a brute-force reference, its freshness policy and the
// persisted HNSW index.
#include "service/vector_search.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <random>

#include "index/vector_math.h"
#include "storage/sqlite/sqlite_storage_engine.h"

namespace ferry::service {
namespace {

constexpr char kUri[] = "mixpeek://text_extractor@v1/embedding";
constexpr size_t kDim = 16;

std::vector<float> RandomUnit(std::mt19937& rng) {
  std::normal_distribution<float> normal;
  std::vector<float> v(kDim);
  for (float& x : v) x = normal(rng);
  index::Normalize(v);
  return v;
}

std::string DocId(int i) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "doc_%05d", i);
  return buf;
}

class VectorSearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ferry_vector_search_test_XXXXXX";
    dir_ = mkdtemp(tmpl);
    storage_ = std::move(storage::sqlite::SqliteStorageEngine::Open(dir_)).value();
    ASSERT_TRUE(storage_->CreateNamespaceData("ns_test").ok());
    h_.ns.namespace_id = "ns_test";
    h_.store = std::move(storage_->OpenNamespace("ns_test")).value();
    model::Collection c;
    c.collection_id = "col_1";
    c.collection_name = "one";
    c.extractor = {"text_extractor", "v1", {}, {}, {}, false};
    ASSERT_TRUE(h_.store->InsertCollection(c).ok());
  }
  void TearDown() override {
    h_.store.reset();
    storage_->Close();
    std::filesystem::remove_all(dir_);
  }

  // Adds documents [from, to) with random vectors (every 10th has none for kUri).
  void AddDocs(int from, int to) {
    std::vector<model::Document> docs;
    for (int i = from; i < to; ++i) {
      model::Document d;
      d.document_id = DocId(i);
      d.collection_id = "col_1";
      d.fields = model::Value(model::ValueObject{});
      d.created_at = d.updated_at = i;
      std::vector<float> v = RandomUnit(rng_);
      d.vectors.push_back({i % 10 == 9 ? "mixpeek://other@v1/embedding" : kUri, v});
      if (i % 10 != 9) vectors_[d.document_id] = v;
      docs.push_back(std::move(d));
    }
    ASSERT_TRUE(h_.store->UpsertDocuments(docs).ok());
  }

  std::vector<index::Hit> BruteForce(const std::vector<float>& q, size_t k) const {
    std::vector<index::Hit> all;
    for (const auto& [id, v] : vectors_) all.push_back({id, index::Dot(q, v)});
    std::sort(all.begin(), all.end(), index::RanksBefore);
    all.resize(std::min(k, all.size()));
    return all;
  }

  std::string dir_;
  std::unique_ptr<storage::StorageEngine> storage_;
  NamespaceHandle h_;
  std::mt19937 rng_{7};
  std::map<std::string, std::vector<float>> vectors_;
};

void ExpectSameHits(const std::vector<index::Hit>& want, const std::vector<index::Hit>& got) {
  ASSERT_EQ(want.size(), got.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(want[i].id, got[i].id) << "rank " << i;
    EXPECT_NEAR(want[i].score, got[i].score, 1e-5);
  }
}

TEST_F(VectorSearchTest, ExactSearchEqualsBruteForce) {
  AddDocs(0, 300);
  VectorSearchService search({});
  for (int q = 0; q < 5; ++q) {
    std::vector<float> query = RandomUnit(rng_);
    auto hits = search.Search(h_, "col_1", kUri, query, 20);
    ASSERT_TRUE(hits.ok()) << hits.status().ToString();
    ExpectSameHits(BruteForce(query, 20), *hits);
  }
  EXPECT_EQ(search.builds(), 1);
}

TEST_F(VectorSearchTest, FilterAndUnknownFeature) {
  AddDocs(0, 50);
  VectorSearchService search({});
  std::vector<float> query = RandomUnit(rng_);
  auto even = search.Search(h_, "col_1", kUri, query, 100,
                            [](const std::string& id) { return (id.back() - '0') % 2 == 0; });
  ASSERT_TRUE(even.ok());
  std::vector<index::Hit> want;
  for (const auto& hit : BruteForce(query, 100)) {
    if ((hit.id.back() - '0') % 2 == 0) want.push_back(hit);
  }
  ExpectSameHits(want, *even);
  auto none = search.Search(h_, "col_1", "mixpeek://nobody@v9/embedding", query, 5);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  std::vector<float> wrong_dims(kDim + 1, 1.0f);
  EXPECT_EQ(search.Search(h_, "col_1", kUri, wrong_dims, 5).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(VectorSearchTest, RebuildsOnlyAfterAWrite) {
  AddDocs(0, 40);
  VectorSearchService search({});
  std::vector<float> query = RandomUnit(rng_);
  ASSERT_TRUE(search.Search(h_, "col_1", kUri, query, 5).ok());
  ASSERT_TRUE(search.Search(h_, "col_1", kUri, query, 5).ok());
  EXPECT_EQ(search.builds(), 1);
  // A new document equal to the query must come first after the write.
  model::Document d;
  d.document_id = "doc_new";
  d.collection_id = "col_1";
  d.fields = model::Value(model::ValueObject{});
  d.created_at = d.updated_at = 1000;
  d.vectors.push_back({kUri, query});
  ASSERT_TRUE(h_.store->UpsertDocuments({d}).ok());
  auto hits = search.Search(h_, "col_1", kUri, query, 5);
  ASSERT_TRUE(hits.ok());
  EXPECT_EQ(search.builds(), 2);
  ASSERT_FALSE(hits->empty());
  EXPECT_EQ(hits->front().id, "doc_new");
}

TEST_F(VectorSearchTest, ForgetDropsOnlyThatNamespacesIndexes) {
  AddDocs(0, 40);
  VectorSearchService search({});
  std::vector<float> query = RandomUnit(rng_);
  ASSERT_TRUE(search.Search(h_, "col_1", kUri, query, 5).ok());
  search.Forget("ns_other");
  ASSERT_TRUE(search.Search(h_, "col_1", kUri, query, 5).ok());
  EXPECT_EQ(search.builds(), 1);
  search.Forget(h_.ns.namespace_id);
  ASSERT_TRUE(search.Search(h_, "col_1", kUri, query, 5).ok());
  EXPECT_EQ(search.builds(), 2);
}

TEST_F(VectorSearchTest, HnswAboveThresholdIsPersistedAndReloaded) {
  AddDocs(0, 600);
  const std::string index_dir = dir_ + "/ns";
  std::vector<float> query = RandomUnit(rng_);
  std::vector<index::Hit> first;
  {
    VectorSearchService search({.index_dir = index_dir, .hnsw_threshold = 100});
    auto hits = search.Search(h_, "col_1", kUri, query, 10);
    ASSERT_TRUE(hits.ok()) << hits.status().ToString();
    first = *hits;
    // Approximate, but on 540 vectors of 16 dims the graph finds nearly all of the top 10.
    auto want = BruteForce(query, 10);
    size_t found = 0;
    for (const auto& w : want) {
      found += std::any_of(first.begin(), first.end(), [&](const auto& g) { return g.id == w.id; });
    }
    EXPECT_GE(found, 9u);
    EXPECT_TRUE(std::filesystem::exists(search.IndexPath("ns_test", "col_1", kUri)));
  }
  VectorSearchService reopened({.index_dir = index_dir, .hnsw_threshold = 100});
  auto hits = reopened.Search(h_, "col_1", kUri, query, 10);
  ASSERT_TRUE(hits.ok());
  EXPECT_EQ(reopened.builds(), 0);  // loaded from disk, not rebuilt
  ExpectSameHits(first, *hits);
}

// Dropping a namespace's data through the services' engine drops its cached and saved
// indexes; another namespace's stay.
TEST_F(VectorSearchTest, DroppingANamespaceDropsItsIndexesAndTheirFiles) {
  AddDocs(0, 200);
  ASSERT_TRUE(storage_->CreateNamespaceData("ns_keep").ok());
  const std::string index_dir = dir_ + "/ns";
  VectorSearchService search({.index_dir = index_dir, .hnsw_threshold = 100});
  std::vector<float> query = RandomUnit(rng_);
  ASSERT_TRUE(search.Search(h_, "col_1", kUri, query, 5).ok());
  const std::string path = search.IndexPath("ns_test", "col_1", kUri);
  ASSERT_TRUE(std::filesystem::exists(path));
  ASSERT_TRUE(std::filesystem::exists(path + ".version"));
  // A file of another namespace whose id starts the same way.
  const std::string other = search.IndexPath("ns_test2", "col_1", kUri);
  std::filesystem::copy_file(path, other);
  IndexDroppingStorageEngine engine(*storage_, search);
  ASSERT_TRUE(engine.DropNamespaceData("ns_keep").ok());
  EXPECT_TRUE(std::filesystem::exists(path));
  h_.store.reset();
  ASSERT_TRUE(engine.DropNamespaceData("ns_test").ok());
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_FALSE(std::filesystem::exists(path + ".version"));
  EXPECT_TRUE(std::filesystem::exists(other));
}

}  // namespace
}  // namespace ferry::service
