#include "extract/text_extractor.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "extract/feature_math.h"

namespace ferry::extract {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

double Norm(const std::vector<float>& v) {
  double s = 0;
  for (float x : v) s += double{x} * x;
  return std::sqrt(s);
}

double Cosine(const std::vector<float>& a, const std::vector<float>& b) {
  double dot = 0;
  for (size_t i = 0; i < a.size(); ++i) dot += double{a[i]} * b[i];
  return dot / (Norm(a) * Norm(b));
}

ExtractorInput TextInput(std::string text) {
  ExtractorInput input;
  input.text = std::move(text);
  return input;
}

model::Value Params(std::initializer_list<std::pair<std::string, model::Value>> entries) {
  model::ValueObject o;
  for (const auto& [k, v] : entries) o.Set(k, v);
  return o;
}

class TextExtractorTest : public ::testing::TestWithParam<int> {
 protected:
  std::unique_ptr<FeatureExtractor> extractor_ =
      GetParam() == 1 ? NewTextExtractorV1() : NewTextExtractorV2();

  std::vector<float> Embed(const std::string& text) {
    auto docs = extractor_->Extract(TextInput(text), model::Value());
    EXPECT_TRUE(docs.ok()) << docs.status().ToString();
    EXPECT_EQ(docs->size(), 1u);
    return docs->at(0).embedding;
  }

  Status Validate(model::Value params) { return extractor_->ValidateParameters(params); }
};

INSTANTIATE_TEST_SUITE_P(Versions, TextExtractorTest, ::testing::Values(1, 2),
                         [](const auto& info) {
                           return std::string(info.param == 1 ? "V1" : "V2");
                         });

TEST_P(TextExtractorTest, InfoDescribesVersion) {
  const ExtractorInfo& info = extractor_->info();
  EXPECT_EQ(info.name, "text_extractor");
  EXPECT_EQ(info.version, GetParam() == 1 ? "v1" : "v2");
  EXPECT_EQ(info.dimensions, GetParam() == 1 ? 256 : 384);
  EXPECT_EQ(info.input_name, "text");
  EXPECT_EQ(info.input_type, "text");
  EXPECT_THAT(info.description, HasSubstr(std::to_string(info.dimensions) + " dimensions"));
  EXPECT_EQ(info.default_parameters.Get("split_by")->as_string(), "none");
  EXPECT_EQ(info.default_parameters.Get("chunk_size")->as_int(), 1000);
  EXPECT_EQ(info.default_parameters.Get("chunk_overlap")->as_int(), 0);
  EXPECT_EQ(info.parameter_schema.GetPath("properties.chunk_size.maximum")->as_int(), 10000);
  EXPECT_EQ(info.parameter_schema.GetPath("properties.split_by.default")->as_string(), "none");
  EXPECT_TRUE(Validate(info.default_parameters).ok());
}

TEST_P(TextExtractorTest, UnitLengthWithDeclaredDimensions) {
  for (const char* text : {"hello world", "x", "!!!",
                           "The quick brown fox. "
                           "Ünïcödé words"}) {
    std::vector<float> v = Embed(text);
    EXPECT_EQ(static_cast<int>(v.size()), extractor_->info().dimensions);
    EXPECT_NEAR(Norm(v), 1.0, 1e-5) << text;
  }
}

TEST_P(TextExtractorTest, Deterministic) {
  const std::string text = "Deterministic embeddings make migrations reproducible.";
  EXPECT_EQ(Embed(text), Embed(text));
  EXPECT_EQ(Embed(text), GetParam() == 1 ? EmbedTextV1(text) : EmbedTextV2(text));
}

TEST_P(TextExtractorTest, CaseInsensitive) {
  EXPECT_EQ(Embed("Hello World"), Embed("hello world"));
}

TEST_P(TextExtractorTest, SimilarTextsAreCloserThanUnrelatedOnes) {
  std::vector<float> a = Embed("the quick brown fox jumps over the lazy dog");
  std::vector<float> b = Embed("a quick brown fox jumped over a lazy dog");
  std::vector<float> c = Embed("quarterly revenue grew in international financial markets");
  EXPECT_GT(Cosine(a, b), 0.5);
  EXPECT_LT(Cosine(a, c), 0.3);
  EXPECT_GT(Cosine(a, b), Cosine(a, c) + 0.3);
}

TEST_P(TextExtractorTest, EmptyTextIsInvalid) {
  for (const char* text : {"", "   \n\t "}) {
    auto docs = extractor_->Extract(TextInput(text), model::Value());
    ASSERT_FALSE(docs.ok());
    EXPECT_EQ(docs.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(docs.status().message(), "text input is empty");
  }
}

TEST_P(TextExtractorTest, NoSplitGivesOneDocWithTextOnly) {
  auto docs = extractor_->Extract(TextInput("one two"), Params({{"split_by", "none"}}));
  ASSERT_TRUE(docs.ok());
  ASSERT_EQ(docs->size(), 1u);
  model::ValueObject expected;
  expected.Set("text", "one two");
  EXPECT_EQ((*docs)[0].fields, model::Value(expected));
}

TEST_P(TextExtractorTest, WordChunksCarryIndexAndCount) {
  auto docs =
      extractor_->Extract(TextInput("one two three four five six seven"),
                          Params({{"split_by", "words"}, {"chunk_size", 3}, {"chunk_overlap", 1}}));
  ASSERT_TRUE(docs.ok()) << docs.status().ToString();
  ASSERT_EQ(docs->size(), 3u);
  const char* texts[] = {"one two three", "three four five", "five six seven"};
  for (size_t i = 0; i < 3; ++i) {
    const model::Value& f = (*docs)[i].fields;
    EXPECT_EQ(f.Get("text")->as_string(), texts[i]);
    EXPECT_EQ(f.Get("chunk_index")->as_int(), static_cast<int64_t>(i));
    EXPECT_EQ(f.Get("chunk_count")->as_int(), 3);
    EXPECT_EQ((*docs)[i].embedding, Embed(texts[i]));
  }
}

TEST_P(TextExtractorTest, AcceptsCompatibilityParameters) {
  EXPECT_TRUE(Validate(model::Value()).ok());
  EXPECT_TRUE(Validate(Params({{"extractor_type", "text_extractor"},
                               {"source_type", "text"},
                               {"language", "en"},
                               {"chunk_size", nullptr}}))
                  .ok());
}

void ExpectInvalid(const Status& status, const std::string& message) {
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << status.ToString();
  EXPECT_THAT(status.message(), HasSubstr(message));
}

TEST_P(TextExtractorTest, RejectsBadParameters) {
  ExpectInvalid(Validate(model::Value("words")), "parameters must be an object");
  ExpectInvalid(Validate(Params({{"chunk_sise", 10}})), "parameters.chunk_sise");
  ExpectInvalid(Validate(Params({{"chunk_size", "100"}})),
                "parameters.chunk_size must be an integer");
  ExpectInvalid(Validate(Params({{"chunk_size", 1.5}})),
                "parameters.chunk_size must be an integer");
  ExpectInvalid(Validate(Params({{"chunk_size", 0}})),
                "parameters.chunk_size must be between 1 and 10000");
  ExpectInvalid(Validate(Params({{"chunk_size", 10001}})),
                "parameters.chunk_size must be between 1 and 10000");
  ExpectInvalid(Validate(Params({{"chunk_overlap", -1}})),
                "parameters.chunk_overlap must be between 0 and 5000");
  ExpectInvalid(Validate(Params({{"split_by", "words"}, {"chunk_size", 5}, {"chunk_overlap", 5}})),
                "parameters.chunk_overlap must be less than parameters.chunk_size");
  ExpectInvalid(Validate(Params({{"split_by", "tokens"}})), "parameters.split_by must be one of");
  ExpectInvalid(Validate(Params({{"split_by", 3}})), "parameters.split_by must be a string");
  ExpectInvalid(Validate(Params({{"split_by", "pages"}})), "not supported for text input");
  ExpectInvalid(Validate(Params({{"split_by", "time_segments"}})), "not supported for text input");
  ExpectInvalid(Validate(Params({{"source_type", "image"}})), "parameters.source_type");
  ExpectInvalid(Validate(Params({{"extractor_type", "image_extractor"}})),
                "parameters.extractor_type");
}

TEST_P(TextExtractorTest, OverlapNotCheckedWithoutSplitting) {
  EXPECT_TRUE(Validate(Params({{"chunk_size", 5}, {"chunk_overlap", 5}})).ok());
}

TEST_P(TextExtractorTest, ExtractRejectsBadParametersToo) {
  auto docs = extractor_->Extract(TextInput("x"), Params({{"chunk_size", 0}}));
  ASSERT_FALSE(docs.ok());
  EXPECT_EQ(docs.status().code(), StatusCode::kInvalidArgument);
}

// Regression: the chunks of one item were unbounded (chunker.h); now the item fails.
TEST_P(TextExtractorTest, TooManyChunksFailTheItem) {
  std::string text;
  for (int i = 0; i < 20'000; ++i) text += "word ";
  auto docs = extractor_->Extract(
      TextInput(text), Params({{"split_by", "words"}, {"chunk_size", 2}, {"chunk_overlap", 1}}));
  ASSERT_FALSE(docs.ok());
  EXPECT_EQ(docs.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(docs.status().message(), HasSubstr("above the limit of 10000 per item"));
}

TEST(TextExtractorVersionsTest, VersionsDifferInDesignAndDimension) {
  const std::string text = "vectors of different versions never mix";
  EXPECT_EQ(EmbedTextV1(text).size(), 256u);
  EXPECT_EQ(EmbedTextV2(text).size(), 384u);
  // Same prefix dims still differ: the designs are unrelated.
  std::vector<float> v1 = EmbedTextV1(text), v2 = EmbedTextV2(text);
  EXPECT_NE(std::vector<float>(v1.begin(), v1.begin() + 64),
            std::vector<float>(v2.begin(), v2.begin() + 64));
}

TEST(TextExtractorVersionsTest, V2SeesWordOrderV1DoesNot) {
  // Trigrams of padded words ignore order; v2's bigrams do not.
  EXPECT_EQ(EmbedTextV1("dog bites man"), EmbedTextV1("man bites dog"));
  EXPECT_NE(EmbedTextV2("dog bites man"), EmbedTextV2("man bites dog"));
}

TEST(TextExtractorVersionsTest, PinnedOutputs) {
  // Stored vectors must stay reproducible on every platform and build; if this fails,
  // the change needs a new extractor version, not a new expectation.
  EXPECT_EQ(StableHash("ferry", 0), 0x50f4fbea8fb521cdULL);
  std::vector<float> v1 = EmbedTextV1("ferry");  // 5 trigrams: <fe fer err rry ry>
  std::vector<size_t> nonzero;
  for (size_t i = 0; i < v1.size(); ++i) {
    if (v1[i] != 0) nonzero.push_back(i);
  }
  EXPECT_THAT(nonzero, ElementsAre(49, 92, 99, 120, 163));
  EXPECT_FLOAT_EQ(v1[49], -1 / std::sqrt(5.0f));
  std::vector<float> v2 = EmbedTextV2("ferry");  // one word, four 4-grams at half weight
  EXPECT_FLOAT_EQ(v2[210], -2 / std::sqrt(5.0f));
  EXPECT_FLOAT_EQ(v2[337], 1 / std::sqrt(20.0f));
}

}  // namespace
}  // namespace ferry::extract
