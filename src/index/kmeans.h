#pragma once
// KMeans: Lloyd's algorithm with k-means++ seeding, for clusters over a collection's
// vectors. Deterministic: the same points, options and seed give the same result on
// every run of the same build. Pure function, safe to call from any thread.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "common/result.h"

namespace ferry::index {

struct KMeansOptions {
  // Number of clusters. Required; 1 <= k <= number of points.
  size_t k = 0;
  // Seeds the k-means++ sampling (std::mt19937_64). Default 0.
  uint64_t seed = 0;
  // Upper bound on Lloyd iterations (update + reassign). Default 100.
  size_t max_iterations = 100;
  // Also stop once no centroid moves farther than this (Euclidean) in an iteration.
  // Default 0: stop only when no assignment changes (or at max_iterations).
  double tolerance = 0.0;
  // Rescale every centroid to unit length after each update (spherical k-means), for
  // cosine data such as document embeddings. Distances stay Euclidean. Default false.
  bool normalize_centroids = false;
};

struct KMeansResult {
  size_t k = 0;
  size_t dimension = 0;
  std::vector<float> centroids;       // k × dimension, row-major
  std::vector<uint32_t> assignments;  // cluster of each point, in [0, k)
  std::vector<float> distances;       // Euclidean distance of each point to its centroid
  double inertia = 0.0;               // sum of squared distances
  size_t iterations = 0;              // Lloyd iterations run
  bool converged = false;             // stopped before max_iterations
};

// Clusters `count` points of `dimension` floats stored row-major in `points`.
// InvalidArgument when count or dimension is 0, points.size() != count * dimension, a
// value is not finite, k == 0 or k > count. A cluster left empty by an iteration is
// re-seeded with the point farthest from its centroid, so every cluster of the result is
// non-empty unless fewer than k distinct points exist.
Result<KMeansResult> KMeans(std::span<const float> points, size_t count, size_t dimension,
                            const KMeansOptions& options);

}  // namespace ferry::index
