#include "extract/image_extractor.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <span>
#include <string>
#include <utility>

#include "extract/feature_math.h"
#include "extract/image_decoder.h"
#include "extract/parameters.h"

namespace ferry::extract {
namespace {

// v2 block layout.
constexpr size_t kHsvBins = 128;
constexpr size_t kGradientBins = 32;
constexpr size_t kIntensityBins = 32;
constexpr int kOrientations = 8;

int Luma(const uint8_t* p) { return (299 * p[0] + 587 * p[1] + 114 * p[2] + 500) / 1000; }

// Frequencies -> square roots (the Hellinger map), which makes the dot product of two
// unit histograms the Bhattacharyya coefficient and damps dominant bins. The result
// already has unit norm when `counts` is non-empty.
void Hellinger(std::span<double> counts) {
  double total = 0.0;
  for (double c : counts) total += c;
  if (total <= 0.0) return;
  for (double& c : counts) c = std::sqrt(c / total);
}

size_t HsvBin(const uint8_t* p) {
  const int max = std::max({p[0], p[1], p[2]});
  const int min = std::min({p[0], p[1], p[2]});
  const int delta = max - min;
  double hue = 0.0;  // degrees; grays have no hue and land in bin 0
  if (delta > 0) {
    if (max == p[0]) {
      hue = 60.0 * std::fmod((p[1] - p[2]) / static_cast<double>(delta) + 6.0, 6.0);
    } else if (max == p[1]) {
      hue = 60.0 * ((p[2] - p[0]) / static_cast<double>(delta) + 2.0);
    } else {
      hue = 60.0 * ((p[0] - p[1]) / static_cast<double>(delta) + 4.0);
    }
  }
  const size_t h = std::min<size_t>(7, static_cast<size_t>(hue / 45.0));
  const size_t s = max == 0 ? 0 : std::min<size_t>(3, static_cast<size_t>(4 * delta / max));
  const size_t v = static_cast<size_t>(max >> 6);
  return h * 16 + s * 4 + v;
}

// Orientation histogram of luma gradients (central differences), unsigned angle in
// [0, pi), weighted by magnitude, one histogram per image quadrant.
void AddGradients(const SampledImage& img, std::span<double> out) {
  std::vector<int> luma(img.rgb.size() / 3);
  for (size_t i = 0; i < luma.size(); ++i) luma[i] = Luma(&img.rgb[3 * i]);
  const int w = img.grid_width;
  for (int y = 1; y + 1 < img.grid_height; ++y) {
    for (int x = 1; x + 1 < w; ++x) {
      const double gx = luma[y * w + x + 1] - luma[y * w + x - 1];
      const double gy = luma[(y + 1) * w + x] - luma[(y - 1) * w + x];
      const double magnitude = std::hypot(gx, gy);
      if (magnitude == 0.0) continue;
      double angle = std::atan2(gy, gx);
      if (angle < 0) angle += std::numbers::pi;
      const int bin =
          std::min(kOrientations - 1, static_cast<int>(angle / std::numbers::pi * kOrientations));
      const int quadrant = (x >= w / 2 ? 1 : 0) + (y >= img.grid_height / 2 ? 2 : 0);
      out[quadrant * kOrientations + bin] += magnitude;
    }
  }
}

std::vector<float> EmbedImageV1(const SampledImage& img) {
  std::vector<double> v(kImageV1Dimensions, 0.0);
  for (size_t i = 0; i < img.rgb.size(); i += 3) {
    const uint8_t* p = &img.rgb[i];
    ++v[(p[0] >> 6) * 16 + (p[1] >> 6) * 4 + (p[2] >> 6)];
  }
  Hellinger(v);
  return ToUnitFloats(std::move(v));
}

std::vector<float> EmbedImageV2(const SampledImage& img) {
  std::vector<double> v(kImageV2Dimensions, 0.0);
  std::span<double> hsv(v.data(), kHsvBins);
  std::span<double> gradients(v.data() + kHsvBins, kGradientBins);
  std::span<double> intensity(v.data() + kHsvBins + kGradientBins, kIntensityBins);
  for (size_t i = 0; i < img.rgb.size(); i += 3) {
    ++hsv[HsvBin(&img.rgb[i])];
    ++intensity[Luma(&img.rgb[i]) >> 3];
  }
  Hellinger(hsv);
  Hellinger(intensity);
  AddGradients(img, gradients);
  NormalizeL2(gradients);  // a flat image has no gradients; the block stays zero
  return ToUnitFloats(std::move(v));
}

// ImageExtractorParams (Mixpeek names); none of them changes the output.
Status CheckImageParams(const model::Value& params) {
  FERRY_ASSIGN_OR_RETURN(ParameterReader reader, ParameterReader::Create(params));
  FERRY_RETURN_IF_ERROR(reader.CheckKnownKeys({"extractor_type", "enable_thumbnails", "use_cdn"}));
  FERRY_RETURN_IF_ERROR(reader.String("extractor_type", {"image_extractor"}, "").status());
  FERRY_RETURN_IF_ERROR(reader.Bool("enable_thumbnails", true).status());
  return reader.Bool("use_cdn", false).status();
}

model::Value ImageParameterSchema() {
  model::ValueObject props;
  props.Set("extractor_type", StringProperty({"image_extractor"}, nullptr));
  props.Set("enable_thumbnails", BoolProperty(true));
  props.Set("use_cdn", BoolProperty(false));
  return ObjectSchema(std::move(props));
}

model::Value ImageDefaultParameters() {
  model::ValueObject o;
  o.Set("enable_thumbnails", true);
  o.Set("use_cdn", false);
  return o;
}

using EmbedFn = std::vector<float> (*)(const SampledImage&);

class ImageExtractor final : public FeatureExtractor {
 public:
  ImageExtractor(ExtractorInfo info, EmbedFn embed, int64_t max_pixels)
      : info_(std::move(info)), embed_(embed), max_pixels_(max_pixels) {}

  const ExtractorInfo& info() const override { return info_; }

  Status ValidateParameters(const model::Value& params) const override {
    return CheckImageParams(params);
  }

  Result<std::vector<ExtractedDocument>> Extract(const ExtractorInput& input,
                                                 const model::Value& params) const override {
    FERRY_RETURN_IF_ERROR(CheckImageParams(params));
    if (input.bytes.empty()) return Status::InvalidArgument("image input is empty");
    FERRY_ASSIGN_OR_RETURN(SampledImage image, DecodeAndSample(input.bytes, max_pixels_));
    ExtractedDocument doc;
    doc.embedding = embed_(image);
    model::ValueObject fields;
    fields.Set("width", image.width);
    fields.Set("height", image.height);
    doc.fields = std::move(fields);
    std::vector<ExtractedDocument> docs;
    docs.push_back(std::move(doc));
    return docs;
  }

 private:
  ExtractorInfo info_;
  EmbedFn embed_;
  int64_t max_pixels_;
};

ExtractorInfo ImageInfo(std::string version, int dimensions, std::string description) {
  ExtractorInfo info;
  info.name = "image_extractor";
  info.version = std::move(version);
  info.description = std::move(description);
  info.input_name = "image";
  info.input_type = "image";
  info.dimensions = dimensions;
  info.parameter_schema = ImageParameterSchema();
  info.default_parameters = ImageDefaultParameters();
  return info;
}

}  // namespace

std::unique_ptr<FeatureExtractor> NewImageExtractorV1(int64_t max_pixels) {
  return std::make_unique<ImageExtractor>(
      ImageInfo("v1", kImageV1Dimensions,
                "RGB colour histogram, 64 dimensions. The decoded JPEG or PNG is point-sampled "
                "to at most 256x256 pixels; each pixel falls into one of 4x4x4 RGB bins; bin "
                "frequencies are square-rooted (Hellinger map) and the vector L2-normalised. "
                "Captures global colour, not layout or texture. Deterministic, CPU only."),
      &EmbedImageV1, max_pixels);
}

std::unique_ptr<FeatureExtractor> NewImageExtractorV2(int64_t max_pixels) {
  return std::make_unique<ImageExtractor>(
      ImageInfo("v2", kImageV2Dimensions,
                "Colour and texture histograms, 192 dimensions. The decoded JPEG or PNG is "
                "point-sampled to at most 256x256 pixels. Blocks: an HSV histogram with 8 hue, "
                "4 saturation and 4 value bins (128, Hellinger-mapped); gradient orientations of "
                "the grayscale image in 8 unsigned bins weighted by magnitude, per 2x2 quadrant "
                "(32); and a 32-bin grayscale intensity histogram (32, Hellinger-mapped). Each "
                "block is L2-normalised, then the whole vector. Not comparable with v1. "
                "Deterministic, CPU only."),
      &EmbedImageV2, max_pixels);
}

}  // namespace ferry::extract
