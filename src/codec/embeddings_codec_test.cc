#include "codec/embeddings_codec.h"

#include <gtest/gtest.h>

#include "codec/json_value.h"

namespace ferry::codec {
namespace {

namespace json = boost::json;

TEST(EmbeddingsCodecTest, RequestCarriesModelInputsAndOptionalDimensions) {
  json::value v = json::parse(EncodeEmbeddingsRequest("m-1", {"a", "b \"q\""}, std::nullopt));
  EXPECT_EQ(v.at("model").as_string(), "m-1");
  ASSERT_EQ(v.at("input").as_array().size(), 2u);
  EXPECT_EQ(v.at("input").as_array()[1].as_string(), "b \"q\"");
  EXPECT_EQ(v.at("encoding_format").as_string(), "float");
  EXPECT_EQ(v.as_object().if_contains("dimensions"), nullptr);
  json::value d = json::parse(EncodeEmbeddingsRequest("m", {"x"}, 8));
  EXPECT_EQ(d.at("dimensions").as_int64(), 8);
}

TEST(EmbeddingsCodecTest, ResponseIsOrderedByIndex) {
  auto out = DecodeEmbeddingsResponse(
      R"({"object":"list","data":[{"index":1,"embedding":[0,1]},
          {"index":0,"embedding":[1.5,-2]}],"model":"m"})",
      2, 2);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ((*out)[0], (std::vector<float>{1.5f, -2.0f}));
  EXPECT_EQ((*out)[1], (std::vector<float>{0.0f, 1.0f}));
}

TEST(EmbeddingsCodecTest, ResponseWithoutIndexUsesPositions) {
  auto out = DecodeEmbeddingsResponse(R"({"data":[{"embedding":[1]},{"embedding":[2]}]})", 2, 1);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ((*out)[1][0], 2.0f);
}

TEST(EmbeddingsCodecTest, MalformedResponsesAreInvalidArgumentWithAReason) {
  struct Case {
    const char* body;
    size_t count;
    int dims;
    const char* reason;
  };
  const Case cases[] = {
      {"not json", 1, 1, "not JSON"},
      {R"({"data":{}})", 1, 1, "no \"data\" array"},
      {R"({"data":[]})", 1, 1, "0 embeddings for 1 inputs"},
      {R"({"data":[{"index":0,"embedding":[1,2]}]})", 1, 3, "has 2 dimensions, expected 3"},
      {R"({"data":[{"index":0,"embedding":[1,"x"]}]})", 1, 2, "non-number"},
      {R"({"data":[{"index":0,"embedding":[1]},{"index":0,"embedding":[1]}]})", 2, 1,
       "appears twice"},
      {R"({"data":[{"index":5,"embedding":[1]}]})", 1, 1, "not an input position"},
      {R"({"data":[{"index":0}]})", 1, 1, "no embedding"},
  };
  for (const auto& c : cases) {
    auto out = DecodeEmbeddingsResponse(c.body, c.count, c.dims);
    ASSERT_FALSE(out.ok()) << c.body;
    EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(out.status().message().find(c.reason), std::string::npos)
        << c.body << " -> " << out.status().message();
  }
}

TEST(EmbeddingsCodecTest, ErrorBodiesAreDescribed) {
  EXPECT_EQ(DescribeEmbeddingsError(R"({"error":{"message":"slow down","type":"rate"}})"),
            "slow down");
  EXPECT_EQ(DescribeEmbeddingsError(R"({"detail":"bad model"})"), "bad model");
  EXPECT_EQ(DescribeEmbeddingsError("plain text"), "plain text");
  EXPECT_EQ(DescribeEmbeddingsError(std::string(500, 'x')).size(), 200u);
}

}  // namespace
}  // namespace ferry::codec
