// Request fields are bounded by the schema (issue 10, item 10): over a limit, the decoder
// records one issue with the field's loc and FastAPI's type, and does not read further.

#include <gtest/gtest.h>

#include <string>

#include "codec/codecs.h"
#include "codec/json_reader.h"
#include "codec/limits.h"
#include "codec/migration_codec.h"
#include "codec/retriever_codec.h"

namespace ferry::codec {
namespace {

namespace json = boost::json;

// "f<i>", built without operator+ (GCC 12 warns falsely on "literal" + std::string).
std::string FieldName(size_t i) {
  std::string name = "f";
  name += std::to_string(i);
  return name;
}

std::string LocString(const model::ValidationIssue& i) {
  std::string s;
  for (const auto& part : i.loc) {
    s += "/";
    s += part.is_string() ? part.as_string() : std::to_string(part.as_int());
  }
  return s;
}

json::array Extractors(size_t n) {
  json::array a;
  for (size_t i = 0; i < n; ++i) {
    a.push_back(json::object{{"feature_extractor_name", "text_extractor"}, {"version", "v1"}});
  }
  return a;
}

model::ValidationIssues NamespaceIssues(const json::object& body) {
  model::ValidationIssues issues;
  DecodeNamespaceCreate(BodyReader(json::value(body), &issues));
  return issues;
}

// Text fields never hold U+0000: PostgreSQL stored "a\0b" as "a" (a text parameter ends at
// it), so two names differing after it collided, and SQLite kept it whole.
TEST(CodecLimitsTest, TextFieldsRefuseTheNulCharacter) {
  auto issues = NamespaceIssues(json::object{{"namespace_name", std::string("a\0b", 3)},
                                             {"description", "fine"},
                                             {"feature_extractors", Extractors(1)}});
  ASSERT_FALSE(issues.empty());
  EXPECT_EQ(LocString(issues[0]), "/body/namespace_name");
  EXPECT_EQ(issues[0].type, "string_pattern_mismatch");
  EXPECT_EQ(issues[0].msg, "String should not contain the character U+0000");
  issues = NamespaceIssues(json::object{{"namespace_name", "n"},
                                        {"description", std::string("x\0", 2)},
                                        {"feature_extractors", Extractors(1)}});
  ASSERT_FALSE(issues.empty());
  EXPECT_EQ(LocString(issues[0]), "/body/description");
  model::ValidationIssues list_issues;
  json::value tags = json::object{{"tags", json::array{"ok", json::string(std::string("\0", 1))}}};
  EXPECT_FALSE(BodyReader(tags, &list_issues).StringList("tags", true).has_value());
  ASSERT_EQ(list_issues.size(), 1u);
  EXPECT_EQ(LocString(list_issues[0]), "/body/tags/1");
}

// Regression: 100 000 feature_extractors and a 10 MB description were stored, and
// namespaces/list then answered 21.6 MB.
TEST(CodecLimitsTest, NamespaceFeatureExtractorsAndDescriptionAreBounded) {
  json::object body{{"namespace_name", "n"},
                    {"feature_extractors", Extractors(limits::kFeatureExtractors + 1)}};
  auto issues = NamespaceIssues(body);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(LocString(issues[0]), "/body/feature_extractors");
  EXPECT_EQ(issues[0].type, "too_long");
  EXPECT_EQ(issues[0].msg, "List should have at most 32 items after validation, not 33");

  body["feature_extractors"] = Extractors(limits::kFeatureExtractors);
  EXPECT_TRUE(NamespaceIssues(body).empty());

  body["description"] = std::string(limits::kString + 1, 'd');
  issues = NamespaceIssues(body);
  ASSERT_FALSE(issues.empty());
  EXPECT_EQ(LocString(issues[0]), "/body/description");
  EXPECT_EQ(issues[0].type, "string_too_long");
  EXPECT_EQ(issues[0].msg, "String should have at most 10000 characters");
  body["description"] = std::string(limits::kString, 'd');
  EXPECT_TRUE(NamespaceIssues(body).empty());
}

TEST(CodecLimitsTest, LengthsCountCharactersNotBytes) {
  std::string name;
  for (size_t i = 0; i < limits::kName; ++i) name += "\xc3\xa9";  // 100 x U+00E9, 200 bytes
  json::object body{{"namespace_name", name}, {"feature_extractors", Extractors(1)}};
  EXPECT_TRUE(NamespaceIssues(body).empty());
  name += 'e';
  body["namespace_name"] = name;
  auto issues = NamespaceIssues(body);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(LocString(issues[0]), "/body/namespace_name");
  EXPECT_EQ(issues[0].msg, "String should have at most 100 characters");
}

TEST(CodecLimitsTest, PayloadIndexesAreBoundedOnCreateAndPatch) {
  json::array indexes;
  for (size_t i = 0; i <= limits::kPayloadIndexes; ++i) {
    indexes.push_back(json::object{{"field_name", FieldName(i)}});
  }
  json::object body{
      {"namespace_name", "n"}, {"feature_extractors", Extractors(1)}, {"payload_indexes", indexes}};
  auto issues = NamespaceIssues(body);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(LocString(issues[0]), "/body/payload_indexes");
  EXPECT_EQ(issues[0].type, "too_long");

  model::ValidationIssues patch_issues;
  DecodeNamespacePatch(
      BodyReader(json::value(json::object{{"payload_indexes", indexes}}), &patch_issues));
  ASSERT_EQ(patch_issues.size(), 1u);
  EXPECT_EQ(LocString(patch_issues[0]), "/body/payload_indexes");
}

TEST(CodecLimitsTest, DefaultLimitsApplyToEveryStringAndList) {
  // A string with no tighter limit (a retriever stage description) and a list (tags).
  json::array tags;
  for (size_t i = 0; i <= limits::kList; ++i) tags.push_back("t");
  json::value body = json::object{
      {"retriever_name", "r"},
      {"collection_identifiers", json::array{"col_1"}},
      {"tags", tags},
      {"stages",
       json::array{json::object{{"stage_name", "s"},
                                {"description", std::string(limits::kString + 1, 'x')},
                                {"config", json::object{{"stage_id", "feature_search"}}}}}}};
  model::ValidationIssues issues;
  DecodeRetrieverCreate(BodyReader(body, &issues));
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(LocString(issues[0]), "/body/stages/0/description");
  EXPECT_EQ(issues[0].type, "string_too_long");
  EXPECT_EQ(LocString(issues[1]), "/body/tags");
  EXPECT_EQ(issues[1].type, "too_long");
}

TEST(CodecLimitsTest, MetadataIsBoundedAsJson) {
  json::object metadata{{"k", std::string(limits::kMetadataBytes, 'm')}};
  model::ValidationIssues issues;
  DecodeBucketCreate(
      BodyReader(json::value(json::object{{"bucket_name", "b"},
                                          {"bucket_schema", {{"properties", json::object{}}}},
                                          {"metadata", metadata}}),
                 &issues));
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(LocString(issues[0]), "/body/metadata");
  EXPECT_EQ(issues[0].type, "too_long");
  EXPECT_EQ(issues[0].msg, "Dictionary should have at most 65536 bytes as JSON");

  issues.clear();
  metadata["k"] = std::string(limits::kMetadataBytes - 100, 'm');
  DecodeBucketCreate(
      BodyReader(json::value(json::object{{"bucket_name", "b"},
                                          {"bucket_schema", {{"properties", json::object{}}}},
                                          {"metadata", metadata}}),
                 &issues));
  EXPECT_TRUE(issues.empty());
}

TEST(CodecLimitsTest, ObjectBlobsAndBatchObjectIdsAreBounded) {
  json::array blobs;
  for (size_t i = 0; i <= limits::kBlobs; ++i) {
    blobs.push_back(json::object{{"property", "p"}, {"type", "text"}, {"data", "x"}});
  }
  model::ValidationIssues issues;
  DecodeObjectCreate(BodyReader(json::value(json::object{{"blobs", blobs}}), &issues));
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(LocString(issues[0]), "/body/blobs");

  issues.clear();
  json::value long_property = json::object{
      {"blobs", json::array{json::object{
                    {"property", std::string(101, 'p')}, {"type", "text"}, {"data", "x"}}}}};
  DecodeObjectCreate(BodyReader(long_property, &issues));
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(LocString(issues[0]), "/body/blobs/0/property");
  EXPECT_EQ(issues[0].type, "string_too_long");

  issues.clear();
  json::array ids(limits::kBatchObjects + 1, json::value("obj_1"));
  DecodeBatchCreate(BodyReader(json::value(json::object{{"object_ids", ids}}), &issues));
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(LocString(issues[0]), "/body/object_ids");
  EXPECT_EQ(issues[0].type, "too_long");
}

TEST(CodecLimitsTest, BucketSchemaFieldsAreBounded) {
  json::object props;
  for (size_t i = 0; i <= limits::kSchemaFields; ++i) {
    props[FieldName(i)] = json::object{{"type", "text"}};
  }
  model::ValidationIssues issues;
  DecodeBucketCreate(BodyReader(
      json::value(json::object{{"bucket_name", "b"}, {"bucket_schema", {{"properties", props}}}}),
      &issues));
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(LocString(issues[0]), "/body/bucket_schema/properties");
  EXPECT_EQ(issues[0].msg, "Dictionary should have at most 256 items after validation, not 257");
}

TEST(CodecLimitsTest, MigrationConfigListsAndStringsAreBounded) {
  json::object config{{"migration_type", "re_extract"},
                      {"source_namespace_id", "ns_1"},
                      {"target_namespace_name", std::string(limits::kName + 1, 't')},
                      {"webhook_url", std::string(limits::kUrl + 1, 'u')},
                      {"feature_extractors", Extractors(limits::kFeatureExtractors + 1)}};
  model::ValidationIssues issues;
  DecodeCreateMigration(BodyReader(json::value(json::object{{"config", config}}), &issues));
  ASSERT_EQ(issues.size(), 3u);
  EXPECT_EQ(LocString(issues[0]), "/body/config/target_namespace_name");
  EXPECT_EQ(issues[0].type, "string_too_long");
  EXPECT_EQ(LocString(issues[1]), "/body/config/feature_extractors");
  EXPECT_EQ(issues[1].type, "too_long");
  EXPECT_EQ(LocString(issues[2]), "/body/config/webhook_url");
  EXPECT_EQ(issues[2].msg, "String should have at most 2048 characters");
}

// Regression (CI fuzz smoke): an integral JSON float beyond int64, such as a 90-digit
// "limit", was cast to int64 directly (undefined behaviour; INT64_MIN on x86, so it was
// reported as too small). It is now out of range on the side it is on.
TEST(CodecLimitsTest, IntegralFloatsBeyondInt64AreRangeErrors) {
  struct Case {
    const char* body;
    const char* type;
  };
  const Case cases[] = {
      {R"({"n": 2055555555555555555555555555555555555555555555555555555555555555555555555})",
       "less_than_equal"},
      {R"({"n": 1e19})", "less_than_equal"},
      {R"({"n": -1e19})", "greater_than_equal"},
      {R"({"n": 1.5})", "int_type"},
      {R"({"n": 1e400})", "int_type"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.body);
    const json::value body = json::parse(c.body);
    model::ValidationIssues issues;
    JsonReader reader(&body, {}, &issues);
    EXPECT_FALSE(reader.Int("n", true, -10, 1000));
    ASSERT_EQ(issues.size(), 1u);
    EXPECT_EQ(issues[0].type, c.type);
  }
  const json::value ok = json::parse(R"({"n": 7.0})");
  model::ValidationIssues issues;
  EXPECT_EQ(JsonReader(&ok, {}, &issues).Int("n", true, 0, 10), 7);
  EXPECT_TRUE(issues.empty());
}

}  // namespace
}  // namespace ferry::codec
