#include "index/hnsw_index.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include "index/exact_index.h"
#include "index/index_test_support.h"
#include "index/random_vectors.h"

namespace ferry::index {
namespace {

using testing::AddRows;
using testing::BruteForce;
using testing::Recall;
using testing::RowId;
using testing::RowOf;

std::unique_ptr<HnswIndex> NewIndex(size_t dim, HnswOptions options = {}) {
  auto index = HnswIndex::Create(dim, options);
  EXPECT_TRUE(index.ok()) << index.status().ToString();
  return index.ok() ? std::move(index).value() : nullptr;
}

std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "/ferry_hnsw_" + name + "_" + std::to_string(::getpid());
}

TEST(HnswIndexTest, RecallAtTenAgainstExactIsAtLeast95Percent) {
  constexpr size_t kDim = 64;
  const std::vector<float> rows = RandomUnitVectors(5000, kDim, 11);
  const std::vector<float> queries = RandomUnitVectors(100, kDim, 12);
  ExactIndex exact(kDim);
  auto hnsw = NewIndex(kDim);
  ASSERT_TRUE(AddRows(exact, rows).ok());
  ASSERT_TRUE(AddRows(*hnsw, rows).ok());
  double recall = 0.0;
  for (size_t q = 0; q < 100; ++q) {
    auto expected = exact.Search(RowOf(queries, kDim, q), 10);
    auto actual = hnsw->Search(RowOf(queries, kDim, q), 10);
    ASSERT_TRUE(expected.ok() && actual.ok());
    ASSERT_EQ(actual->size(), 10u);
    recall += Recall(*expected, *actual) / 100;
  }
  EXPECT_GE(recall, 0.95);
}

TEST(HnswIndexTest, UpsertReplacesAndRemoveHides) {
  constexpr size_t kDim = 16;
  const std::vector<float> rows = RandomUnitVectors(500, kDim, 13);
  const std::vector<float> fresh = RandomUnitVectors(50, kDim, 14);
  auto index = NewIndex(kDim);
  ASSERT_TRUE(AddRows(*index, rows).ok());
  for (size_t i = 0; i < 50; ++i) ASSERT_TRUE(index->Upsert(RowId(i), RowOf(fresh, kDim, i)).ok());
  for (size_t i = 50; i < 100; ++i) ASSERT_TRUE(index->Remove(RowId(i)).ok());
  EXPECT_EQ(index->Remove(RowId(60)).code(), StatusCode::kNotFound);
  EXPECT_EQ(index->Add(RowId(1), RowOf(rows, kDim, 1)).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(index->Size(), 450u);
  std::vector<float> current = rows;  // what each id holds now
  std::copy(fresh.begin(), fresh.end(), current.begin());
  for (size_t i = 0; i < 100; ++i) {
    auto hits = index->Search(RowOf(rows, kDim, i), 20);
    ASSERT_TRUE(hits.ok());
    for (const Hit& h : *hits) {
      const size_t row = std::stoul(h.id.substr(4));
      EXPECT_FALSE(row >= 50 && row < 100) << "removed id returned: " << h.id;
      EXPECT_NEAR(h.score, Dot(RowOf(rows, kDim, i), RowOf(current, kDim, row)), 1e-4) << h.id;
    }
  }
  auto top = index->Search(RowOf(fresh, kDim, 7), 1);
  ASSERT_TRUE(top.ok() && top->size() == 1);
  EXPECT_EQ(top->front().id, RowId(7));
  ASSERT_TRUE(index->Add(RowId(60), RowOf(rows, kDim, 60)).ok());  // re-adding reuses the slot
  top = index->Search(RowOf(rows, kDim, 60), 1);
  ASSERT_TRUE(top.ok() && top->size() == 1);
  EXPECT_EQ(top->front().id, RowId(60));
}

TEST(HnswIndexTest, GrowsPastInitialCapacityAndFilters) {
  constexpr size_t kDim = 8;
  HnswOptions options;
  options.initial_capacity = 1;
  auto index = NewIndex(kDim, options);
  const std::vector<float> rows = RandomUnitVectors(300, kDim, 15);
  ASSERT_TRUE(AddRows(*index, rows).ok());
  EXPECT_EQ(index->Size(), 300u);
  const IdFilter rare = [](const std::string& id) { return id.back() == '3'; };  // 30 ids
  auto hits = index->Search(RowOf(rows, kDim, 0), 30, rare);
  ASSERT_TRUE(hits.ok());
  EXPECT_EQ(hits->size(), 30u);
  for (const Hit& h : *hits) EXPECT_TRUE(rare(h.id)) << h.id;
}

TEST(HnswIndexTest, SavedFilesAreReadableByTheOwnerOnly) {
  constexpr size_t kDim = 8;
  auto index = NewIndex(kDim);
  ASSERT_TRUE(AddRows(*index, RandomUnitVectors(50, kDim, 3)).ok());
  const std::string path = TempPath("private");
  const mode_t old_umask = ::umask(0);
  Status saved = index->Save(path);
  ::umask(old_umask);
  ASSERT_TRUE(saved.ok()) << saved.ToString();
  for (const std::string& p : {path, HnswIndex::IdFilePath(path)}) {
    struct stat st {};
    ASSERT_EQ(::stat(p.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u) << p;
    std::filesystem::remove(p);
  }
}

TEST(HnswIndexTest, SaveLoadRoundTripGivesIdenticalResults) {
  constexpr size_t kDim = 24;
  const std::vector<float> rows = RandomUnitVectors(2000, kDim, 16);
  const std::vector<float> queries = RandomUnitVectors(30, kDim, 17);
  auto index = NewIndex(kDim);
  ASSERT_TRUE(AddRows(*index, rows).ok());
  for (size_t i = 0; i < 2000; i += 10) ASSERT_TRUE(index->Remove(RowId(i)).ok());
  const std::string path = TempPath("roundtrip");
  ASSERT_TRUE(index->Save(path).ok());
  auto loaded = HnswIndex::Load(path, kDim);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ((*loaded)->Size(), index->Size());
  for (size_t q = 0; q < 30; ++q) {
    auto before = index->Search(RowOf(queries, kDim, q), 10);
    auto after = (*loaded)->Search(RowOf(queries, kDim, q), 10);
    ASSERT_TRUE(before.ok() && after.ok());
    EXPECT_EQ(*before, *after) << q;
  }
  ASSERT_TRUE((*loaded)->Upsert("new", RowOf(queries, kDim, 0)).ok());
  EXPECT_EQ((*loaded)->Size(), index->Size() + 1);
  EXPECT_EQ(HnswIndex::Load(path, kDim + 1).status().code(), StatusCode::kInvalidArgument);
  std::filesystem::remove(path);
  std::filesystem::remove(HnswIndex::IdFilePath(path));
}

TEST(HnswIndexTest, LoadReportsMissingAndMismatchedFiles) {
  EXPECT_EQ(HnswIndex::Load(TempPath("absent"), 4).status().code(), StatusCode::kNotFound);
  auto small = NewIndex(4);
  auto large = NewIndex(4);
  ASSERT_TRUE(AddRows(*small, RandomUnitVectors(5, 4, 18)).ok());
  ASSERT_TRUE(AddRows(*large, RandomUnitVectors(9, 4, 19)).ok());
  const std::string a = TempPath("a");
  const std::string b = TempPath("b");
  ASSERT_TRUE(small->Save(a).ok());
  ASSERT_TRUE(large->Save(b).ok());
  std::filesystem::copy_file(HnswIndex::IdFilePath(b), HnswIndex::IdFilePath(a),
                             std::filesystem::copy_options::overwrite_existing);
  EXPECT_EQ(HnswIndex::Load(a, 4).status().code(), StatusCode::kDataLoss);
  std::ofstream(b, std::ios::trunc) << "not a graph";
  EXPECT_EQ(HnswIndex::Load(b, 4).status().code(), StatusCode::kDataLoss);
  // Messages reach clients and logs: they name the file, never its directory.
  for (const Status& st : {HnswIndex::Load(TempPath("absent"), 4).status(),
                           HnswIndex::Load(a, 4).status(), HnswIndex::Load(b, 4).status()}) {
    EXPECT_EQ(st.message().find(::testing::TempDir()), std::string::npos) << st.message();
  }
  for (const std::string& p : {a, b}) {
    std::filesystem::remove(p);
    std::filesystem::remove(HnswIndex::IdFilePath(p));
  }
}

TEST(HnswIndexTest, OptionsAreValidated) {
  HnswOptions options;
  options.m = 1;
  EXPECT_EQ(HnswIndex::Create(8, options).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(HnswIndex::Create(0).status().code(), StatusCode::kInvalidArgument);
  auto index = NewIndex(8);
  EXPECT_EQ(index->SetEfSearch(0).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(index->SetEfSearch(128).ok());
}

TEST(MakeIndexTest, ChoosesExactBelowThresholdAndHnswAbove) {
  auto small = MakeIndex(kHnswThreshold - 1, 16);
  auto large = MakeIndex(kHnswThreshold, 16);
  ASSERT_TRUE(small.ok() && large.ok());
  EXPECT_NE(dynamic_cast<ExactIndex*>(small->get()), nullptr);
  EXPECT_NE(dynamic_cast<HnswIndex*>(large->get()), nullptr);
  EXPECT_EQ((*large)->dimension(), 16u);
  EXPECT_EQ(MakeIndex(10, 0).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ferry::index
