// DecodeAndSample on images written here with libjpeg-turbo and libpng themselves, in the
// variants Ferry's own test writer (stb_image_write) cannot produce: progressive and CMYK
// JPEG, interlaced PNG, truncated scans.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>  // jpeglib.h needs FILE first
// clang-format off
#include <jpeglib.h>
// clang-format on
#include <png.h>

#include <cstdint>
#include <string>
#include <vector>

#include "extract/image_decoder.h"

namespace ferry::extract {
namespace {

using ::testing::HasSubstr;

// width x height x channels, each sample a function of its position.
std::vector<uint8_t> Pattern(int width, int height, int channels) {
  std::vector<uint8_t> out;
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      for (int c = 0; c < channels; ++c)
        out.push_back(static_cast<uint8_t>(x * 7 + y * 3 + c * 50));
    }
  }
  return out;
}

struct JpegOptions {
  bool progressive = false;
  bool cmyk = false;
};

std::string WriteJpeg(const std::vector<uint8_t>& pixels, int width, int height,
                      JpegOptions options) {
  jpeg_compress_struct cinfo{};
  jpeg_error_mgr errors{};
  cinfo.err = jpeg_std_error(&errors);
  jpeg_create_compress(&cinfo);
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&cinfo, &buffer, &size);
  cinfo.image_width = width;
  cinfo.image_height = height;
  cinfo.input_components = options.cmyk ? 4 : 3;
  cinfo.in_color_space = options.cmyk ? JCS_CMYK : JCS_RGB;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, 95, TRUE);
  if (options.progressive) jpeg_simple_progression(&cinfo);
  jpeg_start_compress(&cinfo, TRUE);
  const size_t stride = static_cast<size_t>(width) * cinfo.input_components;
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = const_cast<JSAMPROW>(&pixels[cinfo.next_scanline * stride]);
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  std::string out(reinterpret_cast<char*>(buffer), size);
  std::free(buffer);
  return out;
}

void AppendPng(png_structp png, png_bytep data, size_t length) {
  static_cast<std::string*>(png_get_io_ptr(png))->append(reinterpret_cast<char*>(data), length);
}

std::string WritePng(const std::vector<uint8_t>& rgb, int width, int height, bool interlaced) {
  std::string out;
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  png_set_write_fn(png, &out, &AppendPng, nullptr);
  png_set_IHDR(png, info, width, height, 8, PNG_COLOR_TYPE_RGB,
               interlaced ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
               PNG_FILTER_TYPE_DEFAULT);
  std::vector<png_bytep> rows(height);
  for (int y = 0; y < height; ++y) rows[y] = const_cast<png_bytep>(&rgb[3 * size_t(y) * width]);
  png_set_rows(png, info, rows.data());
  png_write_png(png, info, PNG_TRANSFORM_IDENTITY, nullptr);
  png_destroy_write_struct(&png, &info);
  return out;
}

// Lossless PNG: every grid sample is the source pixel at the centre of its cell, also when
// the image is larger than the grid and is read row by row.
TEST(ImageDecoderTest, SamplesThePixelAtTheCentreOfEachCell) {
  const int width = 600, height = 300;
  const std::vector<uint8_t> rgb = Pattern(width, height, 3);
  auto image = DecodeAndSample(WritePng(rgb, width, height, false), 1 << 20);
  ASSERT_TRUE(image.ok()) << image.status().ToString();
  ASSERT_EQ(image->grid_width, kMaxSampleSide);
  ASSERT_EQ(image->grid_height, kMaxSampleSide);
  for (int gy = 0; gy < image->grid_height; ++gy) {
    for (int gx = 0; gx < image->grid_width; ++gx) {
      const int x = (2 * gx + 1) * width / (2 * kMaxSampleSide);
      const int y = (2 * gy + 1) * height / (2 * kMaxSampleSide);
      const uint8_t* want = &rgb[3 * (size_t(y) * width + x)];
      ASSERT_EQ(std::vector<uint8_t>(image->at(gx, gy), image->at(gx, gy) + 3),
                std::vector<uint8_t>(want, want + 3))
          << "cell " << gx << "," << gy;
    }
  }
}

TEST(ImageDecoderTest, InterlacedPngDecodesAsItsPlainTwin) {
  const std::vector<uint8_t> rgb = Pattern(37, 23, 3);
  auto plain = DecodeAndSample(WritePng(rgb, 37, 23, false), 1 << 20);
  auto adam7 = DecodeAndSample(WritePng(rgb, 37, 23, true), 1 << 20);
  ASSERT_TRUE(plain.ok() && adam7.ok());
  EXPECT_EQ(adam7->rgb, plain->rgb);
}

TEST(ImageDecoderTest, ProgressiveJpegDecodesAsItsBaselineTwin) {
  const std::vector<uint8_t> rgb = Pattern(48, 40, 3);
  auto baseline = DecodeAndSample(WriteJpeg(rgb, 48, 40, {}), 1 << 20);
  auto progressive = DecodeAndSample(WriteJpeg(rgb, 48, 40, {.progressive = true}), 1 << 20);
  ASSERT_TRUE(baseline.ok() && progressive.ok()) << progressive.status().ToString();
  EXPECT_EQ(progressive->rgb, baseline->rgb);
}

// Adobe CMYK is stored inverted: each channel times K (255 = none).
TEST(ImageDecoderTest, CmykJpegBecomesRgb) {
  std::vector<uint8_t> cmyk;
  for (int i = 0; i < 16 * 16; ++i) cmyk.insert(cmyk.end(), {200, 100, 50, 255});
  auto image = DecodeAndSample(WriteJpeg(cmyk, 16, 16, {.cmyk = true}), 1 << 20);
  ASSERT_TRUE(image.ok()) << image.status().ToString();
  const uint8_t* p = image->at(8, 8);
  EXPECT_NEAR(p[0], 200, 3);
  EXPECT_NEAR(p[1], 100, 3);
  EXPECT_NEAR(p[2], 50, 3);
}

// libjpeg decodes a file that ends inside its scan to grey and only warns; Ferry refuses it.
TEST(ImageDecoderTest, JpegCutInsideItsScanIsRefused) {
  const std::string jpeg = WriteJpeg(Pattern(64, 64, 3), 64, 64, {});
  auto cut = DecodeAndSample(jpeg.substr(0, jpeg.size() * 2 / 3), 1 << 20);
  ASSERT_FALSE(cut.ok());
  EXPECT_THAT(cut.status().message(), HasSubstr("Premature end of JPEG file"));
  EXPECT_TRUE(DecodeAndSample(jpeg, 1 << 20).ok());
}

// Each scan of a progressive JPEG is a pass over the whole frame: a file that repeats its
// first scan 300 times is refused instead of decoded 300 times.
TEST(ImageDecoderTest, ProgressiveJpegWithTooManyScansIsRefused) {
  const std::string jpeg = WriteJpeg(Pattern(32, 32, 3), 32, 32, {.progressive = true});
  const size_t first = jpeg.find("\xff\xda");
  const size_t second = jpeg.find("\xff\xda", first + 2);
  ASSERT_NE(second, std::string::npos);
  // Table segments may sit between scans; the DC scan runs up to the next marker segment.
  size_t end = first + 2;
  while (end + 1 < jpeg.size() && !(jpeg[end] == '\xff' && jpeg[end + 1] != '\x00')) ++end;
  std::string repeated = jpeg.substr(0, end);
  for (int i = 0; i < 300; ++i) repeated += jpeg.substr(first, end - first);
  repeated += jpeg.substr(end);
  auto image = DecodeAndSample(repeated, 1 << 20);
  ASSERT_FALSE(image.ok());
  EXPECT_THAT(image.status().message(), HasSubstr("more than 256 scans"));
}

}  // namespace
}  // namespace ferry::extract
