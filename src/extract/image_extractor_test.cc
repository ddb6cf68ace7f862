#include "extract/image_extractor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stb_image_write.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace ferry::extract {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// Row-major RGB pixels.
struct Pixels {
  int width;
  int height;
  std::vector<uint8_t> rgb;
};

Pixels Solid(int w, int h, uint8_t r, uint8_t g, uint8_t b) {
  Pixels p{w, h, {}};
  for (int i = 0; i < w * h; ++i) p.rgb.insert(p.rgb.end(), {r, g, b});
  return p;
}

// Smooth diagonal colour ramp with a soft stripe pattern, so v2's texture block is used.
Pixels Ramp(int w, int h) {
  Pixels p{w, h, {}};
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const auto stripe = static_cast<uint8_t>(100 + 80 * std::sin(x * 0.3));
      p.rgb.insert(p.rgb.end(),
                   {static_cast<uint8_t>(255 * x / w), static_cast<uint8_t>(255 * y / h), stripe});
    }
  }
  return p;
}

ExtractorInput ImageInput(std::string bytes, std::string mime_type = "") {
  ExtractorInput input;
  input.bytes = std::move(bytes);
  input.mime_type = std::move(mime_type);
  return input;
}

void Append(void* context, void* data, int size) {
  static_cast<std::string*>(context)->append(static_cast<const char*>(data), size);
}

std::string Png(const Pixels& p) {
  std::string out;
  stbi_write_png_to_func(&Append, &out, p.width, p.height, 3, p.rgb.data(), 3 * p.width);
  return out;
}

std::string Jpeg(const Pixels& p, int quality = 95) {
  std::string out;
  stbi_write_jpg_to_func(&Append, &out, p.width, p.height, 3, p.rgb.data(), quality);
  return out;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

double Dot(const std::vector<float>& a, const std::vector<float>& b) {
  double dot = 0;
  for (size_t i = 0; i < a.size(); ++i) dot += double{a[i]} * b[i];
  return dot;
}

class ImageExtractorTest : public ::testing::TestWithParam<int> {
 protected:
  std::unique_ptr<FeatureExtractor> extractor_ =
      GetParam() == 1 ? NewImageExtractorV1() : NewImageExtractorV2();

  Result<std::vector<ExtractedDocument>> Extract(std::string bytes) {
    return extractor_->Extract(ImageInput(std::move(bytes)), model::Value());
  }

  std::vector<float> Embed(std::string bytes) {
    auto docs = Extract(std::move(bytes));
    EXPECT_TRUE(docs.ok()) << docs.status().ToString();
    if (!docs.ok() || docs->size() != 1) return {};
    return (*docs)[0].embedding;
  }

  void ExpectUndecodable(std::string bytes, const std::string& why) {
    auto docs = Extract(std::move(bytes));
    ASSERT_FALSE(docs.ok());
    EXPECT_EQ(docs.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(docs.status().message(), StartsWith("image is not a decodable JPEG or PNG: "));
    EXPECT_THAT(docs.status().message(), HasSubstr(why));
  }
};

INSTANTIATE_TEST_SUITE_P(Versions, ImageExtractorTest, ::testing::Values(1, 2),
                         [](const auto& info) {
                           return std::string(info.param == 1 ? "V1" : "V2");
                         });

TEST_P(ImageExtractorTest, InfoDescribesVersion) {
  const ExtractorInfo& info = extractor_->info();
  EXPECT_EQ(info.name, "image_extractor");
  EXPECT_EQ(info.dimensions, GetParam() == 1 ? 64 : 192);
  EXPECT_EQ(info.input_name, "image");
  EXPECT_EQ(info.input_type, "image");
  EXPECT_THAT(info.description, HasSubstr(std::to_string(info.dimensions) + " dimensions"));
  EXPECT_TRUE(extractor_->ValidateParameters(info.default_parameters).ok());
}

TEST_P(ImageExtractorTest, UnitLengthAndSizeFields) {
  for (const std::string& bytes :
       {Png(Ramp(40, 30)), Jpeg(Ramp(300, 500)), Png(Solid(1, 1, 9, 9, 9))}) {
    auto docs = Extract(bytes);
    ASSERT_TRUE(docs.ok()) << docs.status().ToString();
    ASSERT_EQ(docs->size(), 1u);
    const ExtractedDocument& doc = (*docs)[0];
    EXPECT_EQ(static_cast<int>(doc.embedding.size()), extractor_->info().dimensions);
    EXPECT_NEAR(std::sqrt(Dot(doc.embedding, doc.embedding)), 1.0, 1e-5);
  }
  auto docs = Extract(Jpeg(Ramp(300, 500)));
  ASSERT_TRUE(docs.ok());
  model::ValueObject expected;
  expected.Set("width", 300);
  expected.Set("height", 500);
  EXPECT_EQ((*docs)[0].fields, model::Value(expected));
}

TEST_P(ImageExtractorTest, Deterministic) {
  const std::string bytes = Jpeg(Ramp(64, 48));
  EXPECT_EQ(Embed(bytes), Embed(bytes));
}

TEST_P(ImageExtractorTest, RedAndBlueDiffer) {
  std::vector<float> red = Embed(Png(Solid(16, 16, 230, 20, 20)));
  std::vector<float> blue = Embed(Png(Solid(16, 16, 20, 20, 230)));
  EXPECT_LT(Dot(red, blue), 0.2);
  EXPECT_NEAR(Dot(red, Embed(Png(Solid(32, 8, 230, 20, 20)))), 1.0, 1e-6);
}

TEST_P(ImageExtractorTest, PngAndJpegOfSameImageAreNear) {
  const Pixels pixels = Ramp(96, 64);
  EXPECT_GT(Dot(Embed(Png(pixels)), Embed(Jpeg(pixels, 95))), 0.9);
}

TEST_P(ImageExtractorTest, GarbageIsRejectedWhateverTheMimeType) {
  ExpectUndecodable("this is not an image at all", "unrecognised file signature");
  auto docs = extractor_->Extract(ImageInput("GIF89a....", "image/png"), {});
  EXPECT_EQ(docs.status().code(), StatusCode::kInvalidArgument);
  auto empty = Extract("");
  EXPECT_EQ(empty.status().message(), "image input is empty");
}

TEST_P(ImageExtractorTest, TruncatedOrCorruptImagesAreRejected) {
  const std::string png = Png(Ramp(64, 64));
  ExpectUndecodable(png.substr(0, png.size() / 2), "");
  ExpectUndecodable(png.substr(0, 12), "");
  std::string jpeg_header_only = Jpeg(Ramp(64, 64)).substr(0, 3);
  ExpectUndecodable(jpeg_header_only, "");
}

// A PNG whose IHDR claims width x height (chunk CRCs are not checked); its pixel data
// is that of a 1x1 image, so only a pre-decode check can refuse it cheaply.
std::string PngClaiming(uint32_t width, uint32_t height) {
  std::string png = Png(Solid(1, 1, 0, 0, 0));
  auto big_endian = [](uint32_t v) {
    return std::string{static_cast<char>(v >> 24), static_cast<char>(v >> 16),
                       static_cast<char>(v >> 8), static_cast<char>(v)};
  };
  png.replace(16, 4, big_endian(width));
  png.replace(20, 4, big_endian(height));
  return png;
}

// The committed 792-byte 32x32 JPEG with its SOF0 patched to claim 8000x8000: today's
// "JPEG bomb" (a decoder would allocate and decode the whole declared frame).
std::string JpegClaiming8000x8000() {
  std::string jpeg = ReadFile(FERRY_TEST_DATA_DIR "/gradient_32x32.jpg");
  const size_t sof = jpeg.find("\xff\xc0");
  EXPECT_NE(sof, std::string::npos);
  if (sof == std::string::npos) return jpeg;
  jpeg.replace(sof + 5, 4, std::string("\x1f\x40\x1f\x40", 4));  // height, width
  return jpeg;
}

// Regression (fuzz/image_decoder_fuzzer): a DHT whose 16 counts sum to more than 256
// made stb_image, the decoder before libjpeg-turbo, write past its Huffman tables. The
// committed JPEG's first table, given counts of 255 each (4080 symbols), is refused.
TEST_P(ImageExtractorTest, JpegHuffmanTableOverflowIsRefused) {
  std::string jpeg = ReadFile(FERRY_TEST_DATA_DIR "/gradient_32x32.jpg");
  const size_t dht = jpeg.find("\xff\xc4");
  ASSERT_NE(dht, std::string::npos);
  jpeg.replace(dht + 5, 16, std::string(16, '\xff'));
  ExpectUndecodable(jpeg, "Bogus Huffman table definition");
}

// Regression (fuzz/image_decoder_fuzzer, clang build): a 792-byte JPEG whose Huffman code
// is not in its table tripped an assert() of stb_image (the decoder before libjpeg-turbo),
// which aborted the process. The process survives, and the next decode is sound.
TEST_P(ImageExtractorTest, JpegThatTripsAnStbAssertionDoesNotStopTheProcess) {
  auto odd = DecodeAndSample(ReadFile(FERRY_TEST_DATA_DIR "/stb_assert_huffman.jpg"), 1 << 20);
  if (!odd.ok()) {
    EXPECT_THAT(odd.status().message(), ::testing::HasSubstr("JPEG"));
  }
  auto gradient = DecodeAndSample(ReadFile(FERRY_TEST_DATA_DIR "/gradient_32x32.jpg"), 1 << 20);
  EXPECT_TRUE(gradient.ok()) << gradient.status().ToString();  // the next decode is sound
}

// Leaves `fill` in the free heap memory that the next allocations (up to 256 KiB) are cut
// from. The writes go through volatile pointers so that the compiler keeps them.
void DirtyHeap(unsigned char fill) {
  void* (*volatile allocate)(size_t) = std::malloc;
  std::vector<void*> blocks;
  for (size_t size = 256; size <= (size_t{256} << 10); size *= 2) {
    for (int copy = 0; copy < 4; ++copy) {
      auto* bytes = static_cast<volatile unsigned char*>(allocate(size));
      for (size_t i = 0; i < size; ++i) bytes[i] = fill;
      blocks.push_back(const_cast<unsigned char*>(bytes));
    }
  }
  for (void* block : blocks) std::free(block);
}

std::string Outcome(const Result<SampledImage>& image) {
  if (!image.ok()) return image.status().ToString();
  return std::to_string(image->width) + "x" + std::to_string(image->height) + ":" +
         std::string(image->rgb.begin(), image->rgb.end());
}

// Regression (fuzz/image_decoder_fuzzer, an out-of-bounds read seen only after other
// inputs; the fuzzer's file is in its corpus as jpeg_undefined_huffman_table.jpg): a scan
// that decodes with Huffman tables the file never defines. stb_image, the decoder before
// libjpeg-turbo, malloc'd its state without clearing it, so such a table was whatever an
// earlier allocation left in that memory, and a symbol id of 616 indexed a 257-entry
// table. The outcome must not depend on what the heap held. Here the committed JPEG's
// scan names tables 2 and 3; it defines only 0 and 1.
TEST(ImageDecoderTest, UndefinedHuffmanTablesDoNotReadWhatTheHeapHeld) {
  std::string jpeg = ReadFile(FERRY_TEST_DATA_DIR "/gradient_32x32.jpg");
  const size_t sos = jpeg.find("\xff\xda");
  ASSERT_NE(sos, std::string::npos);
  ASSERT_EQ(jpeg.substr(sos + 5, 6), std::string("\x01\x00\x02\x11\x03\x11", 6));
  jpeg[sos + 6] = '\x22';                   // component 1: DC and AC table 2
  jpeg[sos + 8] = jpeg[sos + 10] = '\x33';  // components 2 and 3: table 3
  DirtyHeap(0x00);
  const std::string clean = Outcome(DecodeAndSample(jpeg, 1 << 20));
  for (unsigned char fill : {0xFF, 0x5A, 0x01}) {
    DirtyHeap(fill);
    EXPECT_EQ(Outcome(DecodeAndSample(jpeg, 1 << 20)), clean) << "heap filled with " << +fill;
  }
  EXPECT_THAT(clean, HasSubstr("Huffman table 0x02 was not defined"));
}

// Regression (fuzz/image_decoder_fuzzer): stb_image, the decoder before libpng, allocated
// an IDAT chunk's declared length (here 2 GiB - 1) before reading it. libpng streams it and
// refuses the file where its data ends.
TEST_P(ImageExtractorTest, PngChunkLongerThanTheFileIsRefused) {
  std::string png = ReadFile(FERRY_TEST_DATA_DIR "/red_16x16.png");
  const size_t idat = png.find("IDAT");
  ASSERT_NE(idat, std::string::npos);
  png.replace(idat - 4, 4, std::string("\x7f\xff\xff\xff", 4));
  ExpectUndecodable(png, "unexpected end of data");
}

TEST_P(ImageExtractorTest, HugeImagesAreRefusedBeforeDecoding) {
  auto docs = Extract(PngClaiming(10000, 10000));
  ASSERT_FALSE(docs.ok());
  EXPECT_EQ(docs.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(docs.status().message(),
            "image is 10000x10000 = 100000000 pixels, above max_image_pixels 40000000");
}

// Regression: an 8000x8000 PNG or JPEG (64 MP) passed the old fixed 64 MP cap and was
// decoded (+370 MB RSS); the default cap is 40 MP.
TEST_P(ImageExtractorTest, DefaultCapRefuses8000x8000PngAndJpeg) {
  const std::string expected =
      "image is 8000x8000 = 64000000 pixels, above max_image_pixels 40000000";
  for (const std::string& bytes : {PngClaiming(8000, 8000), JpegClaiming8000x8000()}) {
    auto docs = Extract(bytes);
    ASSERT_FALSE(docs.ok());
    EXPECT_EQ(docs.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(docs.status().message(), expected);
  }
}

TEST_P(ImageExtractorTest, CapIsConfigurableAndInclusive) {
  auto capped = [&](int64_t max_pixels) {
    return GetParam() == 1 ? NewImageExtractorV1(max_pixels) : NewImageExtractorV2(max_pixels);
  };
  const std::string red = ReadFile(FERRY_TEST_DATA_DIR "/red_16x16.png");
  EXPECT_TRUE(capped(256)->Extract(ImageInput(red), {}).ok());
  auto refused = capped(255)->Extract(ImageInput(red), {});
  EXPECT_EQ(refused.status().message(), "image is 16x16 = 256 pixels, above max_image_pixels 255");
  // Sides near INT_MAX do not overflow the product.
  auto wide =
      capped(kDefaultMaxImagePixels)->Extract(ImageInput(PngClaiming(0x7fffffff, 0x7fffffff)), {});
  EXPECT_EQ(wide.status().code(), StatusCode::kInvalidArgument);
}

TEST(ImageRegistryTest, BuiltinOptionsReachTheImageExtractors) {
  auto registry = ExtractorRegistry::CreateBuiltin({.max_image_pixels = 255});
  const std::string red = ReadFile(FERRY_TEST_DATA_DIR "/red_16x16.png");
  for (const char* version : {"v1", "v2"}) {
    const FeatureExtractor* extractor = registry->Find("image_extractor", version);
    ASSERT_NE(extractor, nullptr);
    EXPECT_THAT(extractor->Extract(ImageInput(red), {}).status().message(),
                HasSubstr("above max_image_pixels 255"));
  }
}

TEST_P(ImageExtractorTest, CorruptedBytesNeverCrash) {
  // Deterministic byte corruptions of valid files: each result is either a document or
  // InvalidArgument (run under ASan to catch decoder memory errors).
  for (const std::string& original : {Png(Ramp(24, 24)), Jpeg(Ramp(24, 24))}) {
    uint32_t state = 12345;
    for (int round = 0; round < 200; ++round) {
      std::string bytes = original;
      for (int k = 0; k < 4; ++k) {
        state = state * 1664525u + 1013904223u;
        const size_t pos = 3 + state % (bytes.size() - 3);  // keep the signature
        bytes[pos] = static_cast<char>(state >> 24);
      }
      auto docs = Extract(bytes);
      if (!docs.ok()) {
        EXPECT_EQ(docs.status().code(), StatusCode::kInvalidArgument);
      }
    }
  }
}

TEST_P(ImageExtractorTest, RejectsBadParameters) {
  model::ValueObject unknown;
  unknown.Set("thumbnails", true);
  Status st = extractor_->ValidateParameters(unknown);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(st.message(), HasSubstr("parameters.thumbnails"));

  model::ValueObject wrong_type;
  wrong_type.Set("use_cdn", "yes");
  st = extractor_->ValidateParameters(wrong_type);
  EXPECT_EQ(st.message(), "parameters.use_cdn must be a boolean");

  model::ValueObject ok;
  ok.Set("extractor_type", "image_extractor");
  ok.Set("enable_thumbnails", false);
  ok.Set("use_cdn", true);
  EXPECT_TRUE(extractor_->ValidateParameters(ok).ok());
}

TEST_P(ImageExtractorTest, CommittedFixturesDecode) {
  auto red = Extract(ReadFile(FERRY_TEST_DATA_DIR "/red_16x16.png"));
  ASSERT_TRUE(red.ok()) << red.status().ToString();
  EXPECT_EQ((*red)[0].fields.Get("width")->as_int(), 16);
  EXPECT_EQ((*red)[0].fields.Get("height")->as_int(), 16);
  auto gradient = Extract(ReadFile(FERRY_TEST_DATA_DIR "/gradient_32x32.jpg"));
  ASSERT_TRUE(gradient.ok()) << gradient.status().ToString();
  EXPECT_EQ((*gradient)[0].fields.Get("width")->as_int(), 32);
  ExpectUndecodable(ReadFile(FERRY_TEST_DATA_DIR "/not_an_image.png"), "signature");
}

TEST(ImageExtractorVersionsTest, V2SeesTextureV1DoesNot) {
  // Same colours, different layout: horizontal vs vertical stripes.
  Pixels horizontal = Solid(32, 32, 0, 0, 0), vertical = Solid(32, 32, 0, 0, 0);
  for (int y = 0; y < 32; ++y) {
    for (int x = 0; x < 32; ++x) {
      const uint8_t h = (y / 4) % 2 ? 255 : 0, v = (x / 4) % 2 ? 255 : 0;
      std::fill_n(&horizontal.rgb[3 * (y * 32 + x)], 3, h);
      std::fill_n(&vertical.rgb[3 * (y * 32 + x)], 3, v);
    }
  }
  auto v1 = NewImageExtractorV1();
  auto v2 = NewImageExtractorV2();
  auto embed = [](const FeatureExtractor& e, const Pixels& p) {
    return e.Extract(ImageInput(Png(p)), {}).value()[0].embedding;
  };
  EXPECT_NEAR(Dot(embed(*v1, horizontal), embed(*v1, vertical)), 1.0, 1e-6);
  EXPECT_LT(Dot(embed(*v2, horizontal), embed(*v2, vertical)), 0.9);
}

}  // namespace
}  // namespace ferry::extract
