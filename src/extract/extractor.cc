#include "extract/extractor.h"

namespace ferry::extract {

std::vector<Result<std::vector<ExtractedDocument>>> FeatureExtractor::ExtractBatch(
    const std::vector<ExtractorInput>& inputs, const model::Value& params) const {
  std::vector<Result<std::vector<ExtractedDocument>>> out;
  out.reserve(inputs.size());
  for (const auto& input : inputs) out.push_back(Extract(input, params));
  return out;
}

}  // namespace ferry::extract
