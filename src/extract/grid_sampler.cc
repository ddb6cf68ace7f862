#include "extract/grid_sampler.h"

#include <algorithm>

namespace ferry::extract {

// Each sample is the source pixel at the centre of its grid cell.
void GridSampler::Start(int width, int height) {
  out_ = SampledImage{};
  out_.width = width;
  out_.height = height;
  out_.grid_width = std::min(width, kMaxSampleSide);
  out_.grid_height = std::min(height, kMaxSampleSide);
  out_.rgb.resize(3 * static_cast<size_t>(out_.grid_width) * out_.grid_height);
  columns_.resize(out_.grid_width);
  for (int gx = 0; gx < out_.grid_width; ++gx) {
    columns_[gx] = static_cast<int>((2 * int64_t{gx} + 1) * width / (2 * int64_t{out_.grid_width}));
  }
  grid_row_ = 0;
  next_row_ = RowOf(0);
}

int GridSampler::RowOf(int grid_row) const {
  if (grid_row >= out_.grid_height) return out_.height;
  return static_cast<int>((2 * int64_t{grid_row} + 1) * out_.height /
                          (2 * int64_t{out_.grid_height}));
}

void GridSampler::TakeRow(const uint8_t* rgb) {
  uint8_t* dst = &out_.rgb[3 * static_cast<size_t>(grid_row_) * out_.grid_width];
  for (int x : columns_) dst = std::copy_n(rgb + 3 * static_cast<size_t>(x), 3, dst);
  next_row_ = RowOf(++grid_row_);
}

}  // namespace ferry::extract
