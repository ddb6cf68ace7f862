#include "index/kmeans.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <random>
#include <set>
#include <vector>

#include "index/vector_math.h"

namespace ferry::index {
namespace {

constexpr size_t kDim = 8;
constexpr size_t kBlobs = 4;
constexpr size_t kPerBlob = 100;

// Points of kBlobs Gaussian blobs (sigma 0.5) centred 10 apart, interleaved so blob
// membership is not the point order; blob_of[i] is point i's blob.
std::vector<float> Blobs(std::vector<size_t>& blob_of) {
  std::mt19937_64 rng(42);
  std::normal_distribution<float> noise(0.0f, 0.5f);
  std::vector<float> points;
  for (size_t i = 0; i < kBlobs * kPerBlob; ++i) {
    const size_t blob = (i * 7 + i / 3) % kBlobs;
    blob_of.push_back(blob);
    for (size_t d = 0; d < kDim; ++d) points.push_back((d == blob ? 10.0f : 0.0f) + noise(rng));
  }
  return points;
}

KMeansOptions Options(size_t k, uint64_t seed) {
  KMeansOptions options;
  options.k = k;
  options.seed = seed;
  return options;
}

TEST(KMeansTest, RecoversWellSeparatedBlobsExactly) {
  std::vector<size_t> blob_of;
  const std::vector<float> points = Blobs(blob_of);
  for (uint64_t seed : {1, 2, 3, 4, 5}) {
    auto result = KMeans(points, blob_of.size(), kDim, Options(kBlobs, seed));
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_TRUE(result->converged);
    std::map<size_t, uint32_t> cluster_of_blob;
    std::set<uint32_t> clusters;
    for (size_t i = 0; i < blob_of.size(); ++i) {
      auto [it, inserted] = cluster_of_blob.emplace(blob_of[i], result->assignments[i]);
      EXPECT_EQ(it->second, result->assignments[i]) << "impure cluster, seed " << seed;
      clusters.insert(result->assignments[i]);
    }
    EXPECT_EQ(clusters.size(), kBlobs) << seed;
  }
}

TEST(KMeansTest, DistancesAndInertiaMatchCentroids) {
  std::vector<size_t> blob_of;
  const std::vector<float> points = Blobs(blob_of);
  auto result = KMeans(points, blob_of.size(), kDim, Options(kBlobs, 9));
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->centroids.size(), kBlobs * kDim);
  double inertia = 0.0;
  for (size_t i = 0; i < blob_of.size(); ++i) {
    std::span<const float> p(points.data() + i * kDim, kDim);
    std::span<const float> c(result->centroids.data() + result->assignments[i] * kDim, kDim);
    EXPECT_NEAR(result->distances[i], std::sqrt(SquaredL2(p, c)), 1e-4);
    inertia += SquaredL2(p, c);
  }
  EXPECT_NEAR(result->inertia, inertia, 1e-3 * inertia);
}

TEST(KMeansTest, SameSeedSameResult) {
  const std::vector<float> points = [] {
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<float> u(-1.0f, 1.0f);
    std::vector<float> p(500 * kDim);
    for (float& x : p) x = u(rng);
    return p;
  }();
  auto a = KMeans(points, 500, kDim, Options(6, 123));
  auto b = KMeans(points, 500, kDim, Options(6, 123));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->centroids, b->centroids);
  EXPECT_EQ(a->assignments, b->assignments);
  EXPECT_EQ(a->iterations, b->iterations);
}

TEST(KMeansTest, KEqualToCountPutsEachPointAlone) {
  const std::vector<float> points = {0, 0, 1, 0, 0, 1, 5, 5};
  auto result = KMeans(points, 4, 2, Options(4, 0));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(std::set<uint32_t>(result->assignments.begin(), result->assignments.end()).size(), 4u);
  EXPECT_DOUBLE_EQ(result->inertia, 0.0);
}

TEST(KMeansTest, FewerDistinctPointsThanKStillTerminates) {
  const std::vector<float> points(10 * 3, 1.0f);
  auto result = KMeans(points, 10, 3, Options(3, 0));
  ASSERT_TRUE(result.ok());
  EXPECT_DOUBLE_EQ(result->inertia, 0.0);
}

TEST(KMeansTest, NormalizedCentroidsHaveUnitLength) {
  std::vector<size_t> blob_of;
  const std::vector<float> points = Blobs(blob_of);
  KMeansOptions options = Options(kBlobs, 3);
  options.normalize_centroids = true;
  auto result = KMeans(points, blob_of.size(), kDim, options);
  ASSERT_TRUE(result.ok());
  for (size_t j = 0; j < kBlobs; ++j) {
    EXPECT_NEAR(SquaredNorm({result->centroids.data() + j * kDim, kDim}), 1.0f, 1e-5);
  }
}

TEST(KMeansTest, RejectsInvalidInput) {
  const std::vector<float> points = {0, 0, 1, 1};
  EXPECT_EQ(KMeans(points, 2, 2, Options(3, 0)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(KMeans(points, 2, 2, Options(0, 0)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(KMeans(points, 3, 2, Options(1, 0)).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(KMeans({}, 0, 2, Options(1, 0)).status().code(), StatusCode::kInvalidArgument);
  const std::vector<float> nan = {0, NAN};
  EXPECT_EQ(KMeans(nan, 1, 2, Options(1, 0)).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ferry::index
