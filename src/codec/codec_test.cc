#include <gtest/gtest.h>

#include "codec/codecs.h"
#include "codec/json_value.h"

namespace ferry::codec {
namespace {

namespace json = boost::json;

std::string LocString(const model::ValidationIssue& i) {
  std::string s;
  for (const auto& part : i.loc) {
    s += "/";
    s += part.is_string() ? part.as_string() : std::to_string(part.as_int());
  }
  return s;
}

TEST(CodecTest, MissingRequiredFieldsAreReportedWithTheirLocation) {
  json::value body = json::parse(R"({"feature_extractors":[{"version":"v1"}]})");
  model::ValidationIssues issues;
  DecodeNamespaceCreate(BodyReader(body, &issues));
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(LocString(issues[0]), "/body/namespace_name");
  EXPECT_EQ(issues[0].type, "missing");
  EXPECT_EQ(LocString(issues[1]), "/body/feature_extractors/0/feature_extractor_name");
}

TEST(CodecTest, WrongTypeAndUnknownEnumAreReported) {
  json::value body = json::parse(
      R"({"bucket_name": 5, "bucket_schema": {"properties": {"a": {"type": "blob"}}}})");
  model::ValidationIssues issues;
  DecodeBucketCreate(BodyReader(body, &issues));
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(LocString(issues[0]), "/body/bucket_name");
  EXPECT_EQ(issues[0].type, "string_type");
  EXPECT_EQ(LocString(issues[1]), "/body/bucket_schema/properties/a/type");
  EXPECT_EQ(issues[1].type, "enum");
}

TEST(CodecTest, ImageBlobsAreBase64DecodedIncludingDataUris) {
  json::value body = json::parse(R"({"blobs": [
      {"property": "img", "type": "image", "data": "data:image/png;base64,aGVsbG8="},
      {"property": "img2", "type": "image", "data": "***"}]})");
  model::ValidationIssues issues;
  auto req = DecodeObjectCreate(BodyReader(body, &issues));
  ASSERT_EQ(req.blobs.size(), 2u);
  EXPECT_EQ(req.blobs[0].bytes, "hello");
  EXPECT_EQ(req.blobs[0].mime_type.value_or(""), "image/png");
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(LocString(issues[0]), "/body/blobs/1/data");
}

TEST(CodecTest, InputMappingsAcceptMapAndListForms) {
  json::value body = json::parse(R"({"collection_name": "c",
      "source": {"type": "bucket", "bucket_ids": ["bkt_1"]},
      "feature_extractor": {"feature_extractor_name": "text_extractor", "version": "v1",
        "input_mappings": [{"input_key": "text", "path": "content"}]}})");
  model::ValidationIssues issues;
  auto req = DecodeCollectionCreate(BodyReader(body, &issues));
  EXPECT_TRUE(issues.empty());
  EXPECT_EQ(req.extractor.input_mappings.Get("text")->as_string(), "content");
}

TEST(CodecTest, ValueRoundTripsThroughJson) {
  json::value j = json::parse(R"({"a":[1,2.5,"x",null,true],"b":{"c":-3}})");
  EXPECT_EQ(ToJson(FromJson(j)), j);
}

TEST(CodecTest, MalformedBodyIsInvalidArgument) {
  EXPECT_EQ(ParseBody("{\"a\":").status().code(), StatusCode::kInvalidArgument);
  std::string deep(100, '[');
  EXPECT_FALSE(ParseBody(deep + std::string(100, ']')).ok());
}

}  // namespace
}  // namespace ferry::codec
