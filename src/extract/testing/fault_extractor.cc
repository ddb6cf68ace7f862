#include "extract/testing/fault_extractor.h"

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "extract/text_extractor.h"

namespace ferry::extract::testing {

namespace {

constexpr int kDimensions = 16;

class FaultExtractor final : public FeatureExtractor {
 public:
  FaultExtractor(std::string version, std::string fault_dir) : fault_dir_(std::move(fault_dir)) {
    info_.name = "fault_extractor";
    info_.version = std::move(version);
    info_.description = "Test-only: text embedding that fails on demand.";
    info_.input_name = "text";
    info_.input_type = "text";
    info_.dimensions = kDimensions;
    info_.parameter_schema = model::Value(model::ValueObject{});
    info_.default_parameters = model::Value(model::ValueObject{});
  }

  const ExtractorInfo& info() const override { return info_; }

  Status ValidateParameters(const model::Value&) const override { return Status::Ok(); }

  Result<std::vector<ExtractedDocument>> Extract(const ExtractorInput& input,
                                                 const model::Value&) const override {
    if (input.text.empty()) return Status::InvalidArgument("text is empty");
    // "[hold:NAME]": the call waits while the file NAME exists (a run held mid-batch).
    while (!Marked(input.text, "[hold:").empty()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (std::string fault = Marked(input.text, "[fail:"); !fault.empty()) {
      return Status::InvalidArgument("injected failure " + fault);
    }
    std::vector<float> full = EmbedTextV1(input.text);
    std::vector<float> v(full.begin(), full.begin() + kDimensions);
    double norm = 0;
    for (float x : v) norm += static_cast<double>(x) * x;
    if (norm == 0) v[0] = 1;
    for (float& x : v) x = norm == 0 ? x : static_cast<float>(x / std::sqrt(norm));
    ExtractedDocument doc;
    doc.embedding = std::move(v);
    model::ValueObject fields;
    fields.Set("text", input.text);
    doc.fields = model::Value(std::move(fields));
    return std::vector<ExtractedDocument>{std::move(doc)};
  }

 private:
  // The NAME of a `marker` ("[fail:" or "[hold:") NAME "]" whose file exists, or "".
  std::string Marked(const std::string& text, const std::string& marker) const {
    if (fault_dir_.empty()) return "";
    for (size_t at = text.find(marker); at != std::string::npos; at = text.find(marker, at + 1)) {
      size_t end = text.find(']', at);
      if (end == std::string::npos) break;
      std::string name = text.substr(at + marker.size(), end - at - marker.size());
      std::error_code ec;
      if (!name.empty() && name.find('/') == std::string::npos &&
          std::filesystem::exists(std::filesystem::path(fault_dir_) / name, ec)) {
        return name;
      }
    }
    return "";
  }

  ExtractorInfo info_;
  std::string fault_dir_;
};

}  // namespace

std::unique_ptr<FeatureExtractor> NewFaultExtractor(std::string version, std::string fault_dir) {
  return std::make_unique<FaultExtractor>(std::move(version), std::move(fault_dir));
}

void RegisterTestExtractors(ExtractorRegistry& registry) {
  const char* dir = std::getenv("FERRYD_TEST_FAULT_DIR");
  for (const char* version : {"v1", "v2"}) {
    registry.Register(NewFaultExtractor(version, dir != nullptr ? dir : ""));
  }
}

}  // namespace ferry::extract::testing
