#include "migration/extractor_speed.h"

#include <gtest/gtest.h>

#include <atomic>

namespace ferry::migration {
namespace {

// Reports a known rate; counts Extract calls (a remote model must not be benchmarked).
// Out of line: GCC 12 at -O2 misreports the inlined short-string assigns of a
// constructor as maybe-uninitialized.
[[gnu::noinline]] extract::ExtractorInfo Info() {
  extract::ExtractorInfo i;
  i.name = std::string("remote");
  i.version = std::string("v1");
  i.input_name = std::string("text");
  i.input_type = std::string("text");
  i.dimensions = 2;
  return i;
}

class RemoteLike final : public extract::FeatureExtractor {
 public:
  RemoteLike() : info_(Info()) {}
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
