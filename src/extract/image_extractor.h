#pragma once
// image_extractor: colour and texture histograms of a decoded JPEG or PNG.
//   v1   64 dims: RGB histogram, 4x4x4 bins, Hellinger-mapped.
//   v2  192 dims: HSV histogram 8x4x4 (128) + gradient orientations, 8 bins in each of
//       2x2 quadrants (32) + grayscale intensity, 32 bins (32).
// Images are point-sampled to at most 256x256 first (see image_decoder.h), so cost is
// bounded by decoding and the output does not depend on thread count or timing.

#include <cstdint>
#include <memory>

#include "extract/extractor.h"
#include "extract/image_decoder.h"

namespace ferry::extract {

inline constexpr int kImageV1Dimensions = 64;
inline constexpr int kImageV2Dimensions = 192;

// Images whose header declares more than `max_pixels` pixels fail their item before
// decoding. REQUIRES: max_pixels >= 1.
std::unique_ptr<FeatureExtractor> NewImageExtractorV1(int64_t max_pixels = kDefaultMaxImagePixels);
std::unique_ptr<FeatureExtractor> NewImageExtractorV2(int64_t max_pixels = kDefaultMaxImagePixels);

}  // namespace ferry::extract
