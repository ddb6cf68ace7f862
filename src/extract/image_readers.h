#pragma once
// The JPEG (libjpeg-turbo) and PNG (libpng) readers behind DecodeAndSample. Each reads the
// header, refuses an image of more than max_pixels before it allocates any pixel, then
// decodes row by row into a GridSampler. Neither throws; both are thread-safe.

#include <cstdint>
#include <string>
#include <string_view>

#include "extract/grid_sampler.h"

namespace ferry::extract {

struct DecodeOutcome {
  enum Kind { kDecoded, kTooManyPixels, kCorrupt };
  Kind kind = kCorrupt;
  int64_t width = 0;   // kTooManyPixels: as the header declares them
  int64_t height = 0;  // kTooManyPixels
  std::string error;   // kCorrupt: the decoder's reason
};

// REQUIRES: `bytes` starts with the JPEG signature.
DecodeOutcome ReadJpeg(std::string_view bytes, int64_t max_pixels, GridSampler& sampler);
// REQUIRES: `bytes` starts with the PNG signature.
DecodeOutcome ReadPng(std::string_view bytes, int64_t max_pixels, GridSampler& sampler);

}  // namespace ferry::extract
