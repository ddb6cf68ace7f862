#include "codec/list_codec.h"

#include <gtest/gtest.h>

namespace ferry::codec {
namespace {

namespace json = boost::json;

std::vector<std::string> Locs(const model::ValidationIssues& issues) {
  std::vector<std::string> out;
  for (const auto& i : issues) out.push_back(i.loc.back().as_string() + ":" + i.type);
  return out;
}

TEST(ListCodecTest, EmptyOptionsAreNoOptions) {
  for (const char* text : {"null", "{}", "[]", "\"\""}) {
    json::value v = json::parse(text);
    EXPECT_TRUE(IsEmptyOption(&v)) << text;
  }
  for (const char* text : {"{\"a\":1}", "[1]", "\"x\"", "0", "false"}) {
    json::value v = json::parse(text);
    EXPECT_FALSE(IsEmptyOption(&v)) << text;
  }
}

TEST(ListCodecTest, BucketListPagesFromTheBody) {
  model::ValidationIssues issues;
  json::value body = json::parse(R"({"limit": 3, "offset": 6, "filters": {}, "search": ""})");
  model::Page page = DecodeBucketList(BodyReader(body, &issues));
  EXPECT_TRUE(issues.empty());
  EXPECT_EQ(page.limit, 3);
  EXPECT_EQ(page.offset, 6);
  body = json::parse(R"({"limit": null, "offset": -1, "sort": {"field": "x"}})");
  DecodeBucketList(BodyReader(body, &issues));
  EXPECT_EQ(Locs(issues), (std::vector<std::string>{"limit:int_type", "offset:greater_than_equal",
                                                    "sort:value_error"}));
}

TEST(ListCodecTest, DocumentListCursorIsANonNegativeInt32) {
  for (const char* bad : {"-5", "12abc", "+1", "", "2147483648", "1e3"}) {
    model::ValidationIssues issues;
    json::value body = json::object{{"cursor", bad}};
    EXPECT_FALSE(DecodeDocumentList(BodyReader(body, &issues)).cursor) << bad;
    EXPECT_EQ(Locs(issues), std::vector<std::string>{"cursor:value_error"}) << bad;
  }
  model::ValidationIssues issues;
  json::value body = json::object{{"cursor", "2147483647"}, {"filters", json::object{}}};
  auto req = DecodeDocumentList(BodyReader(body, &issues));
  EXPECT_TRUE(issues.empty());
  EXPECT_EQ(req.cursor, 2147483647);
  EXPECT_FALSE(req.filter);
}

}  // namespace
}  // namespace ferry::codec
