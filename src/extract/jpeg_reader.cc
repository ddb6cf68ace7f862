// JPEG through libjpeg-turbo. Its errors longjmp back to ReadJpeg's setjmp; the frames in
// between are libjpeg's and the callbacks below, none of which owns a C++ object. Every
// object that must outlive the jump lives in JpegState, outside the jumping frame.

#include <csetjmp>
#include <cstdio>  // jpeglib.h needs FILE and size_t first
// clang-format off
#include <jpeglib.h>
#include <jerror.h>
// clang-format on

#include <algorithm>
#include <vector>

#include "extract/image_readers.h"

namespace ferry::extract {
namespace {

// A progressive JPEG can repeat scans over the whole frame; each costs a full pass. Real
// encoders write about ten; this bounds the work a crafted file can ask for.
constexpr int kMaxScans = 256;

struct JpegState {
  jpeg_decompress_struct cinfo{};
  jpeg_error_mgr errors{};
  jpeg_progress_mgr progress{};
  std::jmp_buf jump{};
  char message[JMSG_LENGTH_MAX] = {};
  std::vector<JSAMPLE> row;
  std::vector<uint8_t> rgb;  // a CMYK row converted to RGB

  JpegState() = default;
  JpegState(const JpegState&) = delete;
  JpegState& operator=(const JpegState&) = delete;
  ~JpegState() { jpeg_destroy_decompress(&cinfo); }
};

JpegState& StateOf(j_common_ptr cinfo) { return *static_cast<JpegState*>(cinfo->client_data); }

[[noreturn]] void Fail(j_common_ptr cinfo) {
  JpegState& state = StateOf(cinfo);
  (*cinfo->err->format_message)(cinfo, state.message);
  std::longjmp(state.jump, 1);
}

// Warnings (msg_level -1) are corrupt data libjpeg decodes around; a file that ends early
// is refused instead, as it would decode to grey. Trace messages are dropped.
void OnMessage(j_common_ptr cinfo, int msg_level) {
  if (msg_level == -1 && cinfo->err->msg_code == JWRN_JPEG_EOF) Fail(cinfo);
}

void OnProgress(j_common_ptr cinfo) {
  auto* d = reinterpret_cast<j_decompress_ptr>(cinfo);
  if (d->input_scan_number > kMaxScans) {
    std::snprintf(StateOf(cinfo).message, JMSG_LENGTH_MAX, "more than %d scans", kMaxScans);
    std::longjmp(StateOf(cinfo).jump, 1);
  }
}

void Init(JpegState& s, std::string_view bytes) {
  s.cinfo.err = jpeg_std_error(&s.errors);
  s.errors.error_exit = &Fail;
  s.errors.emit_message = &OnMessage;
  s.errors.output_message = [](j_common_ptr) {};
  s.cinfo.client_data = &s;
  jpeg_create_decompress(&s.cinfo);
  s.progress.progress_monitor = &OnProgress;
  s.cinfo.progress = &s.progress;
  jpeg_mem_src(&s.cinfo, reinterpret_cast<const unsigned char*>(bytes.data()),
               static_cast<unsigned long>(bytes.size()));
}

// Adobe CMYK (and YCCK, which libjpeg turns into CMYK) is stored inverted: each channel
// times K, as stb_image did before.
uint8_t Blinn(unsigned x, unsigned y) {
  const unsigned t = x * y + 128;
  return static_cast<uint8_t>((t + (t >> 8)) >> 8);
}

const uint8_t* ToRgb(JpegState& s) {
  if (s.cinfo.out_color_space == JCS_RGB) return s.row.data();
  for (size_t x = 0; x < s.cinfo.output_width; ++x) {
    const JSAMPLE* cmyk = &s.row[4 * x];
    for (int c = 0; c < 3; ++c) s.rgb[3 * x + c] = Blinn(cmyk[c], cmyk[3]);
  }
  return s.rgb.data();
}

// Decodes after the header; false when the image is too large (nothing allocated yet).
bool Decode(JpegState& s, int64_t max_pixels, GridSampler& sampler) {
  if (int64_t{s.cinfo.image_width} * s.cinfo.image_height > max_pixels) return false;
  const bool cmyk = s.cinfo.jpeg_color_space == JCS_CMYK || s.cinfo.jpeg_color_space == JCS_YCCK;
  s.cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;
  jpeg_start_decompress(&s.cinfo);
  const size_t width = s.cinfo.output_width;
  s.row.resize(width * s.cinfo.output_components);
  if (cmyk) s.rgb.resize(3 * width);
  sampler.Start(static_cast<int>(width), static_cast<int>(s.cinfo.output_height));
  for (int y = 0; y < static_cast<int>(s.cinfo.output_height); ++y) {
    JSAMPROW rows[1] = {s.row.data()};
    jpeg_read_scanlines(&s.cinfo, rows, 1);
    if (y == sampler.next_row()) sampler.TakeRow(ToRgb(s));
  }
  jpeg_abort_decompress(&s.cinfo);  // what follows the last row is not needed
  return true;
}

}  // namespace

DecodeOutcome ReadJpeg(std::string_view bytes, int64_t max_pixels, GridSampler& sampler) {
  JpegState state;
  DecodeOutcome outcome;
  if (setjmp(state.jump) != 0) {
    outcome.kind = DecodeOutcome::kCorrupt;
    outcome.error = state.message;
    return outcome;
  }
  Init(state, bytes);
  jpeg_read_header(&state.cinfo, TRUE);
  if (!Decode(state, max_pixels, sampler)) {
    outcome.kind = DecodeOutcome::kTooManyPixels;
    outcome.width = state.cinfo.image_width;
    outcome.height = state.cinfo.image_height;
    return outcome;
  }
  outcome.kind = DecodeOutcome::kDecoded;
  return outcome;
}

}  // namespace ferry::extract
