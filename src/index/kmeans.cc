#include "index/kmeans.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>

#include "index/vector_math.h"

namespace ferry::index {
namespace {

// Lloyd's algorithm state over borrowed points.
class Lloyd {
 public:
  Lloyd(std::span<const float> points, size_t count, size_t dimension, size_t k)
      : points_(points),
        count_(count),
        dim_(dimension),
        k_(k),
        assignments_(count, 0),
        sq_dist_(count, 0.0f) {}

  void Seed(std::mt19937_64& rng);
  // Moves every point to its nearest centroid; returns how many changed cluster.
  size_t Assign();
  // Gives each empty cluster the point farthest from its centroid.
  void FillEmptyClusters();
  // Recomputes centroids as means; returns the largest centroid movement.
  double Update(bool normalize);

  KMeansResult TakeResult();

 private:
  std::span<const float> Point(size_t i) const { return points_.subspan(i * dim_, dim_); }
  std::span<float> Centroid(size_t j) {
    return std::span<float>(centroids_).subspan(j * dim_, dim_);
  }
  size_t PickProportional(const std::vector<float>& weights, std::mt19937_64& rng) const;

  std::span<const float> points_;
  size_t count_;
  size_t dim_;
  size_t k_;
  std::vector<float> centroids_;
  std::vector<uint32_t> assignments_;
  std::vector<float> sq_dist_;  // to the assigned centroid
};

// Uniform in [0, 1) from the top 53 bits: the same on every standard library, unlike
// std::uniform_real_distribution.
double UnitDouble(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

size_t Lloyd::PickProportional(const std::vector<float>& weights, std::mt19937_64& rng) const {
  double total = 0.0;
  for (float w : weights) total += w;
  if (!(total > 0.0)) return static_cast<size_t>(rng() % count_);  // all points coincide
  double r = UnitDouble(rng) * total;
  size_t last_positive = 0;
  for (size_t i = 0; i < count_; ++i) {
    if (weights[i] <= 0.0f) continue;
    last_positive = i;
    r -= weights[i];
    if (r < 0.0) return i;
  }
  return last_positive;  // rounding left r marginally positive
}

// Greedy k-means++ (as in scikit-learn): each next seed is the best, by total squared
// distance to the nearest seed, of a few candidates drawn with probability proportional
// to that distance. Plain k-means++ puts two seeds in one of four well-separated blobs
// a few percent of the time; the extra candidates make that vanishingly rare.
void Lloyd::Seed(std::mt19937_64& rng) {
  const size_t trials = 2 + static_cast<size_t>(std::log(static_cast<double>(k_)));
  centroids_.reserve(k_ * dim_);
  std::vector<float> nearest(count_, std::numeric_limits<float>::max());
  std::vector<float> candidate(count_);
  std::vector<float> best(count_);
  size_t pick = static_cast<size_t>(rng() % count_);
  for (size_t c = 0; c < k_; ++c) {
    double best_potential = std::numeric_limits<double>::infinity();
    for (size_t t = 0; t < (c == 0 ? 1 : trials); ++t) {
      const size_t trial = c == 0 ? pick : PickProportional(nearest, rng);
      double potential = 0.0;
      for (size_t i = 0; i < count_; ++i) {
        candidate[i] = std::min(nearest[i], SquaredL2(Point(i), Point(trial)));
        potential += candidate[i];
      }
      if (potential < best_potential) {
        best_potential = potential;
        pick = trial;
        best.swap(candidate);
      }
    }
    nearest.swap(best);
    const std::span<const float> seed = Point(pick);
    centroids_.insert(centroids_.end(), seed.begin(), seed.end());
  }
}

size_t Lloyd::Assign() {
  size_t changes = 0;
  for (size_t i = 0; i < count_; ++i) {
    uint32_t best = 0;
    float best_d = SquaredL2(Point(i), Centroid(0));
    for (size_t j = 1; j < k_; ++j) {
      const float d = SquaredL2(Point(i), Centroid(j));
      if (d < best_d) {
        best_d = d;
        best = static_cast<uint32_t>(j);
      }
    }
    if (best != assignments_[i]) ++changes;
    assignments_[i] = best;
    sq_dist_[i] = best_d;
  }
  return changes;
}

void Lloyd::FillEmptyClusters() {
  std::vector<size_t> sizes(k_, 0);
  for (uint32_t a : assignments_) ++sizes[a];
  for (size_t j = 0; j < k_; ++j) {
    if (sizes[j] > 0) continue;
    size_t farthest = count_;
    for (size_t i = 0; i < count_; ++i) {
      if (sizes[assignments_[i]] < 2 || sq_dist_[i] <= 0.0f) continue;
      if (farthest == count_ || sq_dist_[i] > sq_dist_[farthest]) farthest = i;
    }
    if (farthest == count_) return;  // fewer than k distinct points: nothing to move
    --sizes[assignments_[farthest]];
    ++sizes[j];
    assignments_[farthest] = static_cast<uint32_t>(j);
    sq_dist_[farthest] = 0.0f;
    std::copy_n(Point(farthest).begin(), dim_, Centroid(j).begin());
  }
}

double Lloyd::Update(bool normalize) {
  std::vector<double> sums(k_ * dim_, 0.0);
  std::vector<size_t> sizes(k_, 0);
  for (size_t i = 0; i < count_; ++i) {
    const std::span<const float> p = Point(i);
    double* sum = &sums[assignments_[i] * dim_];
    for (size_t d = 0; d < dim_; ++d) sum[d] += p[d];
    ++sizes[assignments_[i]];
  }
  double max_shift = 0.0;
  std::vector<float> next(dim_);
  for (size_t j = 0; j < k_; ++j) {
    if (sizes[j] == 0) continue;  // keeps its previous centroid
    for (size_t d = 0; d < dim_; ++d) next[d] = static_cast<float>(sums[j * dim_ + d] / sizes[j]);
    if (normalize) Normalize(next);
    max_shift = std::max(max_shift, std::sqrt(static_cast<double>(SquaredL2(next, Centroid(j)))));
    std::copy(next.begin(), next.end(), Centroid(j).begin());
  }
  return max_shift;
}

KMeansResult Lloyd::TakeResult() {
  KMeansResult result;
  result.k = k_;
  result.dimension = dim_;
  result.distances.resize(count_);
  for (size_t i = 0; i < count_; ++i) {
    result.distances[i] = std::sqrt(sq_dist_[i]);
    result.inertia += sq_dist_[i];
  }
  result.centroids = std::move(centroids_);
  result.assignments = std::move(assignments_);
  return result;
}

Status ValidateInput(std::span<const float> points, size_t count, size_t dimension, size_t k) {
  if (count == 0 || dimension == 0) {
    return Status::InvalidArgument("k-means needs at least one point of positive dimension");
  }
  if (points.size() != count * dimension) {
    return Status::InvalidArgument(std::string("k-means points hold ") +
                                   std::to_string(points.size()) +
                                   " values, expected count * dimension");
  }
  if (k == 0 || k > count) {
    return Status::InvalidArgument(std::string("k-means k must be in [1, ") +
                                   std::to_string(count) + "], got " + std::to_string(k));
  }
  for (float x : points) {
    if (!std::isfinite(x)) return Status::InvalidArgument("k-means point value is not finite");
  }
  return Status::Ok();
}

}  // namespace

Result<KMeansResult> KMeans(std::span<const float> points, size_t count, size_t dimension,
                            const KMeansOptions& options) {
  FERRY_RETURN_IF_ERROR(ValidateInput(points, count, dimension, options.k));
  std::mt19937_64 rng(options.seed);
  Lloyd lloyd(points, count, dimension, options.k);
  lloyd.Seed(rng);
  lloyd.Assign();
  size_t iterations = 0;
  bool converged = false;
  while (iterations < options.max_iterations && !converged) {
    lloyd.FillEmptyClusters();
    const double shift = lloyd.Update(options.normalize_centroids);
    const size_t changes = lloyd.Assign();
    ++iterations;
    converged = changes == 0 || shift <= options.tolerance;
  }
  KMeansResult result = lloyd.TakeResult();
  result.iterations = iterations;
  result.converged = converged;
  return result;
}

}  // namespace ferry::index
