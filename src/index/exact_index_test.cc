#include "index/exact_index.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "index/index_test_support.h"
#include "index/random_vectors.h"

namespace ferry::index {
namespace {

using testing::AddRows;
using testing::BruteForce;
using testing::RowId;
using testing::RowOf;

constexpr size_t kDim = 32;

TEST(ExactIndexTest, SearchEqualsBruteForceReference) {
  const std::vector<float> rows = RandomUnitVectors(2000, kDim, 1);
  const std::vector<float> queries = RandomUnitVectors(50, kDim, 2);
  ExactIndex index(kDim);
  ASSERT_TRUE(AddRows(index, rows).ok());
  EXPECT_EQ(index.Size(), 2000u);
  for (size_t q = 0; q < 50; ++q) {
    auto hits = index.Search(RowOf(queries, kDim, q), 10);
    ASSERT_TRUE(hits.ok()) << hits.status().ToString();
    EXPECT_EQ(*hits, BruteForce(rows, kDim, RowOf(queries, kDim, q), 10)) << q;
  }
}

TEST(ExactIndexTest, TiesRankByIdAndKBeyondSizeReturnsAll) {
  ExactIndex index(2);
  const std::vector<float> v = {1.0f, 0.0f};
  ASSERT_TRUE(index.Add("b", v).ok());
  ASSERT_TRUE(index.Add("a", v).ok());
  ASSERT_TRUE(index.Add("c", std::vector<float>{0.0f, 2.0f}).ok());
  auto hits = index.Search(v, 10);
  ASSERT_TRUE(hits.ok());
  EXPECT_EQ(*hits, (std::vector<Hit>{{"a", 1.0f}, {"b", 1.0f}, {"c", 0.0f}}));
  auto none = index.Search(v, 0);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(ExactIndexTest, FilterKeepsOnlyAcceptedIds) {
  const std::vector<float> rows = RandomUnitVectors(300, kDim, 3);
  ExactIndex index(kDim);
  ASSERT_TRUE(AddRows(index, rows).ok());
  const IdFilter even = [](const std::string& id) { return (id.back() - '0') % 2 == 0; };
  auto hits = index.Search(RowOf(rows, kDim, 7), 10, even);
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 10u);
  std::vector<Hit> expected;
  for (const Hit& h : BruteForce(rows, kDim, RowOf(rows, kDim, 7), 300)) {
    if (even(h.id) && expected.size() < 10) expected.push_back(h);
  }
  EXPECT_EQ(*hits, expected);
}

TEST(ExactIndexTest, UpsertReplacesAndRemoveHides) {
  const std::vector<float> rows = RandomUnitVectors(100, kDim, 4);
  const std::vector<float> fresh = RandomUnitVectors(1, kDim, 5);
  ExactIndex index(kDim);
  ASSERT_TRUE(AddRows(index, rows).ok());
  EXPECT_EQ(index.Add(RowId(3), fresh).code(), StatusCode::kAlreadyExists);
  ASSERT_TRUE(index.Upsert(RowId(3), fresh).ok());
  ASSERT_TRUE(index.Remove(RowId(4)).ok());
  EXPECT_EQ(index.Remove(RowId(4)).code(), StatusCode::kNotFound);
  EXPECT_EQ(index.Size(), 99u);
  auto old3 = index.Search(RowOf(rows, kDim, 3), 100);
  ASSERT_TRUE(old3.ok());
  for (const Hit& h : *old3) {
    EXPECT_NE(h.id, RowId(4));
    if (h.id == RowId(3)) {
      EXPECT_NEAR(h.score, Dot(RowOf(rows, kDim, 3), fresh), 1e-5);
    }
  }
  auto now3 = index.Search(fresh, 1);
  ASSERT_TRUE(now3.ok());
  ASSERT_EQ(now3->size(), 1u);
  EXPECT_EQ(now3->front().id, RowId(3));
  EXPECT_NEAR(now3->front().score, 1.0f, 1e-5);
}

TEST(ExactIndexTest, RejectsBadInput) {
  ExactIndex index(3);
  EXPECT_EQ(index.Add("a", std::vector<float>{1.0f, 0.0f}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(index.Add("a", std::vector<float>(3, 0.0f)).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(index.Add("", std::vector<float>(3, 1.0f)).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(index.Search(std::vector<float>(2, 1.0f), 1).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(index.Size(), 0u);
}

TEST(ExactIndexTest, ConcurrentSearchesAndWritesStayConsistent) {
  const std::vector<float> rows = RandomUnitVectors(400, kDim, 6);
  ExactIndex index(kDim);
  ASSERT_TRUE(AddRows(index, rows).ok());
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&, t] {
      for (size_t i = 0; i < 200; ++i) {
        auto hits = index.Search(RowOf(rows, kDim, (i * 7 + t) % 400), 5);
        EXPECT_TRUE(hits.ok() && hits->size() == 5);
      }
    });
  }
  for (size_t i = 0; i < 200; ++i) {
    EXPECT_TRUE(index.Remove(RowId(i)).ok());
    EXPECT_TRUE(index.Upsert(RowId(i), RowOf(rows, kDim, 399 - i)).ok());
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(index.Size(), 400u);
}

}  // namespace
}  // namespace ferry::index
