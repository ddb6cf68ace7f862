#pragma once
// Seeded random unit vectors, for tests and benchmarks of the indexes: a direction drawn
// uniformly from the unit sphere (normalised Gaussian), row-major, deterministic for a
// seed with a given standard library.

#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "index/vector_math.h"

namespace ferry::index {

// `count` unit vectors of `dimension` floats, row-major. REQUIRES: dimension > 0.
inline std::vector<float> RandomUnitVectors(size_t count, size_t dimension, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> gauss(0.0f, 1.0f);
  std::vector<float> out(count * dimension);
  for (size_t i = 0; i < count; ++i) {
    std::span<float> row = std::span<float>(out).subspan(i * dimension, dimension);
    do {
      for (float& x : row) x = gauss(rng);
    } while (!Normalize(row));
  }
  return out;
}

}  // namespace ferry::index
