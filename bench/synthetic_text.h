#pragma once
// Deterministic synthetic texts for the benchmark: sentences of 6–14 words drawn from a
// fixed vocabulary, 300–600 characters in total. The same index always gives the same
// text, so every phase (and every run) sees identical inputs without keeping them.

#include <cstdint>
#include <string>

namespace ferry::bench {

// The text of item `index` (>= 0). Thread-safe.
std::string SyntheticText(int64_t index);

}  // namespace ferry::bench
