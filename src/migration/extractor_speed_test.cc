#include "migration/extractor_speed.h"

#include <gtest/gtest.h>

#include <atomic>

namespace ferry::migration {
namespace {

// Reports a known rate; counts Extract calls (a remote model must not be benchmarked).
class RemoteLike final : public extract::FeatureExtractor {
 public:
  RemoteLike() {
    info_.name = "remote";
    info_.version = "v1";
    info_.input_name = "text";
    info_.input_type = "text";
    info_.dimensions = 2;
  }
  const extract::ExtractorInfo& info() const override { return info_; }
  Status ValidateParameters(const model::Value&) const override { return Status::Ok(); }
  Result<std::vector<extract::ExtractedDocument>> Extract(const extract::ExtractorInput&,
                                                          const model::Value&) const override {
    ++calls;
    return std::vector<extract::ExtractedDocument>{{model::Value(), {1.0f, 0.0f}}};
  }
  std::optional<double> KnownItemsPerSecond() const override { return rate; }

  double rate = 42.0;
  mutable std::atomic<int> calls{0};

 private:
  extract::ExtractorInfo info_;
};

TEST(ExtractorSpeedTest, AKnownRateIsUsedWithoutRunningTheExtractor) {
  ExtractorSpeedTable table;
  RemoteLike fx;
  EXPECT_EQ(table.ItemsPerSecond(fx), 42.0);
  fx.rate = 7.0;  // observed rates change: not cached
  EXPECT_EQ(table.ItemsPerSecond(fx), 7.0);
  EXPECT_EQ(fx.calls.load(), 0);
}

}  // namespace
}  // namespace ferry::migration
