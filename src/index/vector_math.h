#pragma once
// Float32 vector kernels used by every index and by k-means. Pure functions, safe to call
// from any thread. The loops keep independent partial sums so GCC vectorises them at -O3
// without -ffast-math (results are deterministic for a given build).

#include <span>

namespace ferry::index {

// Inner product of `a` and `b`. REQUIRES: a.size() == b.size().
float Dot(std::span<const float> a, std::span<const float> b);

// Squared Euclidean distance between `a` and `b`. REQUIRES: a.size() == b.size().
float SquaredL2(std::span<const float> a, std::span<const float> b);

// Cosine similarity of two unit-length vectors (their inner product).
// REQUIRES: a.size() == b.size(); both have L2 norm 1 (otherwise the result is just Dot).
inline float CosineOfUnit(std::span<const float> a, std::span<const float> b) { return Dot(a, b); }

// Squared L2 norm of `v`.
float SquaredNorm(std::span<const float> v);

// Scales `v` to unit L2 norm in place. Returns false and leaves `v` unchanged when its
// norm is zero or not finite (such a vector has no direction).
bool Normalize(std::span<float> v);

}  // namespace ferry::index
