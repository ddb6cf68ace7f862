// PNG through libpng. Its errors longjmp back to ReadPng's setjmp; the frames in between
// are libpng's and the callbacks below, none of which owns a C++ object. Every object
// that must outlive the jump lives in PngState, outside the jumping frame.

#include <png.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <vector>

#include "extract/image_readers.h"

namespace ferry::extract {
namespace {

struct PngState {
  png_structp png = nullptr;
  png_infop info = nullptr;
  std::string_view bytes;
  size_t offset = 0;
  char message[128] = {};
  std::vector<png_byte> pixels;  // one row, or the whole image when interlaced
  std::vector<png_bytep> rows;   // interlaced: a pointer per row of `pixels`

  PngState() = default;
  PngState(const PngState&) = delete;
  PngState& operator=(const PngState&) = delete;
  ~PngState() {
    if (png != nullptr) png_destroy_read_struct(&png, info != nullptr ? &info : nullptr, nullptr);
  }
};

PngState& StateOf(png_structp png) { return *static_cast<PngState*>(png_get_error_ptr(png)); }

[[noreturn]] void Fail(png_structp png, png_const_charp message) {
  PngState& state = StateOf(png);
  std::snprintf(state.message, sizeof state.message, "%s", message);
  png_longjmp(png, 1);
}

void Read(png_structp png, png_bytep out, size_t length) {
  PngState& state = StateOf(png);
  if (length > state.bytes.size() - state.offset) png_error(png, "unexpected end of data");
  std::memcpy(out, state.bytes.data() + state.offset, length);
  state.offset += length;
}

// What the extractors see: 8-bit RGB. Palette and low-bit grey are expanded, 16-bit
// samples keep their high byte, alpha is dropped (not composited), as stb_image did.
// Chunk CRCs are not checked, as stb_image did not: a file accepted before still is.
void Configure(png_structp png) {
  png_set_crc_action(png, PNG_CRC_QUIET_USE, PNG_CRC_QUIET_USE);
  png_set_user_limits(png, PNG_UINT_31_MAX, PNG_UINT_31_MAX);  // max_pixels decides
  png_set_read_fn(png, nullptr, &Read);
}

void Transform(png_structp png, png_infop info) {
  const int color = png_get_color_type(png, info);
  if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (color == PNG_COLOR_TYPE_GRAY || color == PNG_COLOR_TYPE_GRAY_ALPHA) {
    png_set_expand_gray_1_2_4_to_8(png);
    png_set_gray_to_rgb(png);
  }
  png_set_strip_16(png);
  png_set_strip_alpha(png);
}

void Decode(PngState& s, GridSampler& sampler) {
  const int width = static_cast<int>(png_get_image_width(s.png, s.info));
  const int height = static_cast<int>(png_get_image_height(s.png, s.info));
  Transform(s.png, s.info);
  const int passes = png_set_interlace_handling(s.png);
  png_read_update_info(s.png, s.info);
  const size_t row_bytes = png_get_rowbytes(s.png, s.info);
  if (row_bytes != 3 * static_cast<size_t>(width)) png_error(s.png, "unexpected row layout");
  sampler.Start(width, height);
  if (passes == 1) {
    s.pixels.resize(row_bytes);
    for (int y = 0; y < height; ++y) {
      png_read_row(s.png, s.pixels.data(), nullptr);
      if (y == sampler.next_row()) sampler.TakeRow(s.pixels.data());
    }
    return;
  }
  // Adam7: every pass touches every row, so the image is kept whole (max_pixels bounds it).
  s.pixels.resize(row_bytes * height);
  s.rows.resize(height);
  for (int y = 0; y < height; ++y) s.rows[y] = &s.pixels[row_bytes * y];
  png_read_image(s.png, s.rows.data());
  for (int y = 0; y < height; ++y) {
    if (y == sampler.next_row()) sampler.TakeRow(s.rows[y]);
  }
}

}  // namespace

DecodeOutcome ReadPng(std::string_view bytes, int64_t max_pixels, GridSampler& sampler) {
  PngState state;
  state.bytes = bytes;
  DecodeOutcome outcome;
  state.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &state, &Fail,
                                     [](png_structp, png_const_charp) {});
  if (state.png != nullptr) state.info = png_create_info_struct(state.png);
  if (state.png == nullptr || state.info == nullptr) {
    outcome.error = "out of memory";
    return outcome;
  }
  if (setjmp(png_jmpbuf(state.png)) != 0) {
    outcome.kind = DecodeOutcome::kCorrupt;
    outcome.error = state.message;
    return outcome;
  }
  Configure(state.png);
  png_read_info(state.png, state.info);
  const int64_t width = png_get_image_width(state.png, state.info);
  const int64_t height = png_get_image_height(state.png, state.info);
  if (width * height > max_pixels) {
    outcome.kind = DecodeOutcome::kTooManyPixels;
    outcome.width = width;
    outcome.height = height;
    return outcome;
  }
  Decode(state, sampler);
  outcome.kind = DecodeOutcome::kDecoded;
  return outcome;
}

}  // namespace ferry::extract
