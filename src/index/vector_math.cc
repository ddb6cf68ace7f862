#include "index/vector_math.h"

#include <cassert>
#include <cmath>
#include <cstddef>

namespace ferry::index {
namespace {

// Lanes of independent accumulators: four SSE or two AVX registers. Each lane only ever
// adds its own products, so vectorising needs no reassociation of float additions.
constexpr size_t kLanes = 16;

float SumLanes(const float (&acc)[kLanes]) {
  float sum = 0.0f;
  for (float x : acc) sum += x;
  return sum;
}

}  // namespace

float Dot(std::span<const float> a, std::span<const float> b) {
  assert(a.size() == b.size());
  const size_t n = a.size();
  const size_t blocked = n - n % kLanes;
  float acc[kLanes] = {};
  for (size_t i = 0; i < blocked; i += kLanes) {
    for (size_t j = 0; j < kLanes; ++j) acc[j] += a[i + j] * b[i + j];
  }
  float sum = SumLanes(acc);
  for (size_t i = blocked; i < n; ++i) sum += a[i] * b[i];
  return sum;
}

float SquaredL2(std::span<const float> a, std::span<const float> b) {
  assert(a.size() == b.size());
  const size_t n = a.size();
  const size_t blocked = n - n % kLanes;
  float acc[kLanes] = {};
  for (size_t i = 0; i < blocked; i += kLanes) {
    for (size_t j = 0; j < kLanes; ++j) {
      const float d = a[i + j] - b[i + j];
      acc[j] += d * d;
    }
  }
  float sum = SumLanes(acc);
  for (size_t i = blocked; i < n; ++i) {
    const float d = a[i] - b[i];
    sum += d * d;
  }
  return sum;
}

float SquaredNorm(std::span<const float> v) { return Dot(v, v); }

bool Normalize(std::span<float> v) {
  const double norm = std::sqrt(static_cast<double>(SquaredNorm(v)));
  if (!(norm > 0.0) || !std::isfinite(norm)) return false;
  const float inv = static_cast<float>(1.0 / norm);
  for (float& x : v) x *= inv;
  return true;
}

}  // namespace ferry::index
