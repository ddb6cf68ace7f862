#include "extract/image_decoder.h"

#include <stb_image.h>

#include <algorithm>
#include <climits>
#include <memory>
#include <string>

#include "extract/stb_image_guard.h"

namespace ferry::extract {
namespace {

constexpr std::string_view kPngSignature = "\x89PNG\r\n\x1a\n";
constexpr std::string_view kJpegSignature = "\xff\xd8\xff";

struct StbiFree {
  void operator()(stbi_uc* p) const { stbi_image_free(p); }
};

Status Undecodable(std::string_view why) {
  std::string message = "image is not a decodable JPEG or PNG: ";
  return Status::InvalidArgument(message.append(why));
}

// stb keeps its failure reason in thread-local storage (libstb is built with TLS), so
// reading it right after the failing call on the same thread is safe.
Status DecodeFailure() {
  const char* reason = stbi_failure_reason();
  return Undecodable(reason != nullptr ? reason : "corrupt data");
}

SampledImage Sample(const stbi_uc* pixels, int width, int height) {
  SampledImage out;
  out.width = width;
  out.height = height;
  out.grid_width = std::min(width, kMaxSampleSide);
  out.grid_height = std::min(height, kMaxSampleSide);
  out.rgb.resize(3 * static_cast<size_t>(out.grid_width) * out.grid_height);
  uint8_t* dst = out.rgb.data();
  for (int gy = 0; gy < out.grid_height; ++gy) {
    const int64_t y = (2 * int64_t{gy} + 1) * height / (2 * int64_t{out.grid_height});
    for (int gx = 0; gx < out.grid_width; ++gx) {
      const int64_t x = (2 * int64_t{gx} + 1) * width / (2 * int64_t{out.grid_width});
      const stbi_uc* src = pixels + 3 * (y * width + x);
      dst = std::copy(src, src + 3, dst);
    }
  }
  return out;
}

// stb_image (Debian's 2022 snapshot) does not bound the symbol count of a JPEG Huffman
// table: 16 counts summing to more than 256 make it write past its tables (heap
// corruption, found by fuzz/image_decoder_fuzzer). Every FF C4 of the file is read as a
// DHT segment, wherever it is, because stb skips junk between segments and so no stricter
// walk sees every table stb sees. Bytes past the end count as 0, as stb reads them.
bool HasOversizedHuffmanTable(std::string_view bytes) {
  auto byte = [&](size_t i) -> int {
    return i < bytes.size() ? static_cast<unsigned char>(bytes[i]) : 0;
  };
  for (size_t at = bytes.find("\xff\xc4"); at != std::string_view::npos;
       at = bytes.find("\xff\xc4", at + 1)) {
    int64_t left = (byte(at + 2) << 8 | byte(at + 3)) - 2;  // stb: the length, less itself
    size_t pos = at + 4;
    while (left > 0 && pos < bytes.size()) {
      const int q = byte(pos);
      if ((q >> 4) > 1 || (q & 15) > 3) break;  // stb refuses the segment first
      int symbols = 0;
      for (size_t i = 1; i <= 16; ++i) symbols += byte(pos + i);
      if (symbols > 256) return true;
      pos += 17 + static_cast<size_t>(symbols);
      left -= 17 + symbols;
    }
  }
  return false;
}

// stb_image allocates room for a PNG's IDAT chunk as its header declares it (up to 2 GiB)
// before it reads the data, so a 100-byte file could make it allocate gigabytes (found by
// fuzz/image_decoder_fuzzer). A chunk that claims more data than the file holds is
// refused first; stb would fail on it afterwards anyway ("outofdata").
bool HasPngChunkPastTheEnd(std::string_view bytes) {
  size_t pos = kPngSignature.size();
  while (pos + 8 <= bytes.size()) {
    uint64_t length = 0;
    for (size_t i = 0; i < 4; ++i)
      length = length << 8 | static_cast<unsigned char>(bytes[pos + i]);
    if (length > bytes.size() - pos - 8) return true;
    if (bytes.substr(pos + 4, 4) == "IEND") return false;
    pos += 8 + length + 4;  // length, type, data, CRC
  }
  return false;
}

Status TooManyPixels(int width, int height, int64_t max_pixels) {
  std::string message = "image is ";
  message.append(std::to_string(width)).append("x").append(std::to_string(height));
  message.append(" = ").append(std::to_string(int64_t{width} * height));
  message.append(" pixels, above max_image_pixels ").append(std::to_string(max_pixels));
  return Status::InvalidArgument(message);
}

}  // namespace

Result<SampledImage> DecodeAndSample(std::string_view bytes, int64_t max_pixels) {
  if (!bytes.starts_with(kPngSignature) && !bytes.starts_with(kJpegSignature)) {
    return Undecodable("unrecognised file signature");
  }
  if (bytes.size() > static_cast<size_t>(INT_MAX)) {
    return Status::InvalidArgument("image is too large: more than 2 GiB of encoded data");
  }
  if (bytes.starts_with(kJpegSignature) && HasOversizedHuffmanTable(bytes)) {
    return Undecodable("Huffman table with more than 256 symbols");
  }
  if (bytes.starts_with(kPngSignature) && HasPngChunkPastTheEnd(bytes)) {
    return Undecodable("PNG chunk longer than the file");
  }
  const auto* data = reinterpret_cast<const stbi_uc*>(bytes.data());
  const int size = static_cast<int>(bytes.size());
  // stb's assertions throw and its allocations are freed by the scope (stb_image_guard.h).
  StbAllocationScope allocations;
  try {
    int width = 0, height = 0, channels = 0;
    if (!stbi_info_from_memory(data, size, &width, &height, &channels)) return DecodeFailure();
    if (width <= 0 || height <= 0) return Undecodable("empty image");
    // Both sides are positive ints, so their product fits in 64 bits.
    if (int64_t{width} * height > max_pixels) return TooManyPixels(width, height, max_pixels);
    std::unique_ptr<stbi_uc, StbiFree> pixels(
        stbi_load_from_memory(data, size, &width, &height, &channels, /*desired_channels=*/3));
    if (pixels == nullptr) return DecodeFailure();
    return Sample(pixels.get(), width, height);
  } catch (const StbAssertionFailed&) {
    return Undecodable("inconsistent image data");
  }
}

}  // namespace ferry::extract
