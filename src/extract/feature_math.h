#pragma once
// Small numeric kernels shared by the built-in extractors: a platform-stable string hash
// for feature hashing, and L2 normalisation. Header-only so each extractor stays
// self-contained; everything here is pure and thread-safe.

#include <cmath>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace ferry::extract {

// FNV-1a 64 over the bytes of `s`, seeded, then the MurmurHash3 64-bit finaliser so low
// bits are well mixed. Stable across platforms and runs (unlike std::hash), which is what
// makes stored vectors reproducible.
inline uint64_t StableHash(std::string_view s, uint64_t seed) {
  uint64_t h = 0xcbf29ce484222325ULL ^ seed;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

// Signed feature hashing: adds ±weight to one bucket of `out`. The sign comes from a
// bit the bucket index does not use, so colliding features cancel on average instead of
// piling up.
inline void AddHashedFeature(std::string_view feature, uint64_t seed, double weight,
                             std::span<double> out) {
  const uint64_t h = StableHash(feature, seed);
  const size_t bucket = static_cast<size_t>((h >> 1) % out.size());
  out[bucket] += (h & 1) ? -weight : weight;
}

// Scales `v` to unit L2 norm; returns false (and leaves `v` unchanged) if it is all zero.
inline bool NormalizeL2(std::span<double> v) {
  double sum = 0.0;
  for (double x : v) sum += x * x;
  if (sum <= 0.0) return false;
  const double inv = 1.0 / std::sqrt(sum);
  for (double& x : v) x *= inv;
  return true;
}

// Unit-length float32 copy of `v`. An all-zero input (no features at all) maps to the
// first basis vector so the output contract "norm 1" always holds.
inline std::vector<float> ToUnitFloats(std::vector<double> v) {
  if (!NormalizeL2(v)) v.at(0) = 1.0;
  return std::vector<float>(v.begin(), v.end());
}

}  // namespace ferry::extract
