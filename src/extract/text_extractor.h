#pragma once
// text_extractor: hashed n-gram text embeddings with optional chunking.
//   v1  256 dims: signed feature hashing of character trigrams of padded words.
//   v2  384 dims: word unigrams + bigrams with sublinear tf (320 dims) and a small
//       character 4-gram block (64 dims).
// Both lowercase ASCII only (no locale), so output is identical on every platform.

#include <memory>
#include <string_view>
#include <vector>

#include "extract/extractor.h"

namespace ferry::extract {

inline constexpr int kTextV1Dimensions = 256;
inline constexpr int kTextV2Dimensions = 384;

std::unique_ptr<FeatureExtractor> NewTextExtractorV1();
std::unique_ptr<FeatureExtractor> NewTextExtractorV2();

// The raw embedding functions, exposed for tests and benchmarks. Unit length; text with
// no features maps to the first basis vector.
std::vector<float> EmbedTextV1(std::string_view text);
std::vector<float> EmbedTextV2(std::string_view text);

}  // namespace ferry::extract
