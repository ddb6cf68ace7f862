#include "extract/image_decoder.h"

#include <climits>
#include <string>

#include "extract/grid_sampler.h"
#include "extract/image_readers.h"

namespace ferry::extract {
namespace {

constexpr std::string_view kPngSignature = "\x89PNG\r\n\x1a\n";
constexpr std::string_view kJpegSignature = "\xff\xd8\xff";

Status Undecodable(std::string_view why) {
  std::string message = "image is not a decodable JPEG or PNG: ";
  return Status::InvalidArgument(message.append(why));
}

Status TooManyPixels(int64_t width, int64_t height, int64_t max_pixels) {
  std::string message = "image is ";
  message.append(std::to_string(width)).append("x").append(std::to_string(height));
  message.append(" = ").append(std::to_string(width * height));
  message.append(" pixels, above max_image_pixels ").append(std::to_string(max_pixels));
  return Status::InvalidArgument(message);
}

Result<SampledImage> Finish(const DecodeOutcome& outcome, GridSampler& sampler,
                            int64_t max_pixels) {
  switch (outcome.kind) {
    case DecodeOutcome::kDecoded:
      return sampler.Finish();
    case DecodeOutcome::kTooManyPixels:
      return TooManyPixels(outcome.width, outcome.height, max_pixels);
    case DecodeOutcome::kCorrupt:
      break;
  }
  return Undecodable(outcome.error);
}

}  // namespace

Result<SampledImage> DecodeAndSample(std::string_view bytes, int64_t max_pixels) {
  const bool png = bytes.starts_with(kPngSignature);
  if (!png && !bytes.starts_with(kJpegSignature)) {
    return Undecodable("unrecognised file signature");
  }
  if (bytes.size() > static_cast<size_t>(INT_MAX)) {
    return Status::InvalidArgument("image is too large: more than 2 GiB of encoded data");
  }
  GridSampler sampler;
  const DecodeOutcome outcome =
      png ? ReadPng(bytes, max_pixels, sampler) : ReadJpeg(bytes, max_pixels, sampler);
  return Finish(outcome, sampler, max_pixels);
}

}  // namespace ferry::extract
