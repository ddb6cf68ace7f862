#pragma once
// Decoding of JPEG and PNG bytes into a small, fixed-budget RGB sample grid for the image
// extractors. The decoders are libjpeg-turbo and libpng (image_readers.h); the image is
// sampled row by row as it decodes, so only one row of it is held (Adam7 PNGs: all of it).

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace ferry::extract {

// Default cap on the pixels (width x height, as the header declares them) of an image;
// larger images are refused before any pixel is allocated. Config: max_image_pixels.
inline constexpr int64_t kDefaultMaxImagePixels = 40'000'000;
// Longest side of the sample grid; larger images are point-sampled down to it.
inline constexpr int kMaxSampleSide = 256;

struct SampledImage {
  int width = 0;   // of the encoded image
  int height = 0;  // of the encoded image
  int grid_width = 0;
  int grid_height = 0;
  // grid_width * grid_height RGB triples, row-major. Each sample is the source pixel at
  // the centre of its grid cell, so the result depends only on the decoded pixels.
  std::vector<uint8_t> rgb;

  const uint8_t* at(int x, int y) const {
    return &rgb[3 * (static_cast<size_t>(y) * grid_width + x)];
  }
};

// InvalidArgument if `bytes` is not a JPEG or PNG (by signature, whatever the declared
// MIME type), cannot be decoded, or its header declares more than `max_pixels` pixels
// (checked before decoding: "image is 8000x8000 = 64000000 pixels, above
// max_image_pixels 40000000"). REQUIRES: max_pixels >= 1. Thread-safe.
Result<SampledImage> DecodeAndSample(std::string_view bytes, int64_t max_pixels);

}  // namespace ferry::extract
