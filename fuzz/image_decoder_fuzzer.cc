// Fuzzes the image decoders (extract/image_decoder): JPEG and PNG bytes, sniffed by
// signature, checked against the pixel cap, decoded and sampled into the grid.
//
// The cap is 256 K pixels rather than the 40 MP default so that one execution stays fast; the
// code path (header check before any pixel allocation) is the same.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "extract/image_decoder.h"

namespace {
constexpr int64_t kFuzzMaxPixels = 1 << 18;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto image = ferry::extract::DecodeAndSample(bytes, kFuzzMaxPixels);
  if (!image.ok()) return 0;
  const ferry::extract::SampledImage& s = *image;
  // What the extractors rely on.
  if (s.width < 1 || s.height < 1 || static_cast<int64_t>(s.width) * s.height > kFuzzMaxPixels) {
    std::abort();
  }
  if (s.grid_width < 1 || s.grid_height < 1 || s.grid_width > ferry::extract::kMaxSampleSide ||
      s.grid_height > ferry::extract::kMaxSampleSide || s.grid_width > s.width ||
      s.grid_height > s.height) {
    std::abort();
  }
  if (s.rgb.size() != 3 * static_cast<size_t>(s.grid_width) * s.grid_height) std::abort();
  unsigned sum = 0;
  for (int y = 0; y < s.grid_height; ++y) {
    for (int x = 0; x < s.grid_width; ++x) sum += s.at(x, y)[0] + s.at(x, y)[2];
  }
  return sum == 0xFFFFFFFFu;  // keeps the reads
}
