#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "extract/extractor.h"

namespace ferry::extract {
namespace {

using ::testing::ElementsAre;

TEST(ExtractorRegistryTest, BuiltinHoldsFourVersions) {
  auto registry = ExtractorRegistry::CreateBuiltin();
  std::vector<std::string> ids;
  for (const FeatureExtractor* e : registry->List()) ids.push_back(e->info().id());
  EXPECT_THAT(ids, ElementsAre("image_extractor_v1", "image_extractor_v2", "text_extractor_v1",
                               "text_extractor_v2"));
  EXPECT_THAT(registry->Versions("text_extractor"), ElementsAre("v1", "v2"));
  EXPECT_TRUE(registry->Versions("audio_extractor").empty());
  EXPECT_TRUE(registry->HasName("image_extractor"));
  EXPECT_FALSE(registry->HasName("image"));
  ASSERT_NE(registry->Find("text_extractor", "v2"), nullptr);
  EXPECT_EQ(registry->Find("text_extractor", "v2")->info().dimensions, 384);
  EXPECT_EQ(registry->Find("text_extractor", "v3"), nullptr);
  EXPECT_EQ(registry->Find("text_extractor", "v2")->info().feature_uri(),
            "mixpeek://text_extractor@v2/embedding");
}

TEST(ExtractorRegistryTest, AllVersionsDifferInDimension) {
  auto registry = ExtractorRegistry::CreateBuiltin();
  for (const std::string name : {"text_extractor", "image_extractor"}) {
    EXPECT_NE(registry->Find(name, "v1")->info().dimensions,
              registry->Find(name, "v2")->info().dimensions);
  }
}

class FakeExtractor : public FeatureExtractor {
 public:
  FakeExtractor(std::string version, int dims) {
    info_.name = "fake";
    info_.version = std::move(version);
    info_.dimensions = dims;
  }
  const ExtractorInfo& info() const override { return info_; }
  Status ValidateParameters(const model::Value&) const override { return Status::Ok(); }
  Result<std::vector<ExtractedDocument>> Extract(const ExtractorInput&,
                                                 const model::Value&) const override {
    return std::vector<ExtractedDocument>();
  }

 private:
  ExtractorInfo info_;
};

TEST(ExtractorRegistryTest, VersionsSortNumericallyAndReRegistrationReplaces) {
  ExtractorRegistry registry;
  registry.Register(std::make_unique<FakeExtractor>("v10", 1));
  registry.Register(std::make_unique<FakeExtractor>("v2", 1));
  registry.Register(std::make_unique<FakeExtractor>("v2", 7));
  EXPECT_THAT(registry.Versions("fake"), ElementsAre("v2", "v10"));
  EXPECT_EQ(registry.Find("fake", "v2")->info().dimensions, 7);
  EXPECT_EQ(registry.List().size(), 2u);
}

}  // namespace
}  // namespace ferry::extract
