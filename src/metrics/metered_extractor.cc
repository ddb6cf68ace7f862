#include "metrics/metered_extractor.h"

#include <chrono>

namespace ferry::metrics {
namespace {

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

MeteredExtractor::MeteredExtractor(const extract::FeatureExtractor& inner, Metrics& metrics)
    : inner_(inner), metrics_(metrics), label_(inner.info().name + "@" + inner.info().version) {
  metrics_.DeclareExtractor(label_);
}

Result<std::vector<extract::ExtractedDocument>> MeteredExtractor::Extract(
    const extract::ExtractorInput& input, const model::Value& params) const {
  auto start = std::chrono::steady_clock::now();
  auto out = inner_.Extract(input, params);
  metrics_.ExtractorCall(label_, 1, out.ok() ? 0 : 1, SecondsSince(start));
  return out;
}

std::vector<Result<std::vector<extract::ExtractedDocument>>> MeteredExtractor::ExtractBatch(
    const std::vector<extract::ExtractorInput>& inputs, const model::Value& params) const {
  auto start = std::chrono::steady_clock::now();
  auto out = inner_.ExtractBatch(inputs, params);
  int64_t failed = 0;
  for (const auto& result : out) failed += result.ok() ? 0 : 1;
  metrics_.ExtractorCall(label_, static_cast<int64_t>(inputs.size()), failed, SecondsSince(start));
  return out;
}

std::unique_ptr<extract::ExtractorRegistry> MeterExtractors(
    const extract::ExtractorRegistry& registry, Metrics& metrics) {
  auto metered = std::make_unique<extract::ExtractorRegistry>();
  for (const extract::FeatureExtractor* fx : registry.List()) {
    metered->Register(std::make_unique<MeteredExtractor>(*fx, metrics));
  }
  return metered;
}

}  // namespace ferry::metrics
