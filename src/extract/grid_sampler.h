#pragma once
// Point-samples an image into the SampledImage grid (image_decoder.h) while its rows are
// decoded one at a time, so that a decoder keeps one row, not the whole image.

#include <cstdint>
#include <vector>

#include "extract/image_decoder.h"

namespace ferry::extract {

class GridSampler {
 public:
  // Sizes the grid for a width x height image. REQUIRES: width, height >= 1.
  void Start(int width, int height);
  // The next source row the grid samples; height once the grid is full.
  int next_row() const { return next_row_; }
  // Takes source row next_row(): width RGB triples.
  void TakeRow(const uint8_t* rgb);
  // The grid. REQUIRES: every sampled row was taken.
  SampledImage Finish() { return std::move(out_); }

 private:
  int RowOf(int grid_row) const;

  SampledImage out_;
  std::vector<int> columns_;  // the source column of each grid column
  int grid_row_ = 0;
  int next_row_ = 0;
};

}  // namespace ferry::extract
