#pragma once
// Metered extractors: a FeatureExtractor wrapper that times every Extract and
// ExtractBatch call and counts its inputs and failures in Metrics
// (ferry_extractor_items_total, ferry_extractor_items_failed_total,
// ferry_extractor_call_duration_seconds, labelled extractor="name@version").
// Every extraction of the process goes through its registry, so wrapping the registry's
// extractors meters batches, migrations, retriever queries and the extractor speed probe
// alike.

#include <memory>

#include "extract/extractor.h"
#include "metrics/metrics.h"

namespace ferry::metrics {

class MeteredExtractor : public extract::FeatureExtractor {
 public:
  // `inner` and `metrics` are not owned and must outlive this.
  MeteredExtractor(const extract::FeatureExtractor& inner, Metrics& metrics);

  const extract::ExtractorInfo& info() const override { return inner_.info(); }
  Status ValidateParameters(const model::Value& params) const override {
    return inner_.ValidateParameters(params);
  }
  Result<std::vector<extract::ExtractedDocument>> Extract(
      const extract::ExtractorInput& input, const model::Value& params) const override;
  std::vector<Result<std::vector<extract::ExtractedDocument>>> ExtractBatch(
      const std::vector<extract::ExtractorInput>& inputs,
      const model::Value& params) const override;
  size_t max_batch_size() const override { return inner_.max_batch_size(); }
  std::optional<double> KnownItemsPerSecond() const override {
    return inner_.KnownItemsPerSecond();
  }

 private:
  const extract::FeatureExtractor& inner_;
  Metrics& metrics_;
  const std::string label_;  // name@version
};

// A registry holding a MeteredExtractor for each extractor of `registry`.
// REQUIRES: `registry` and `metrics` outlive the result.
std::unique_ptr<extract::ExtractorRegistry> MeterExtractors(
    const extract::ExtractorRegistry& registry, Metrics& metrics);

}  // namespace ferry::metrics
