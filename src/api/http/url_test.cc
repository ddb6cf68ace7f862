#include "api/http/url.h"

#include <gtest/gtest.h>

namespace ferry::api::http {
namespace {

TEST(PercentDecodeTest, DecodesEscapesInEitherCase) {
  EXPECT_EQ(PercentDecode("a%20b%2fc%2F", false), "a b/c/");
}

TEST(PercentDecodeTest, PlusIsSpaceOnlyInQueries) {
  EXPECT_EQ(PercentDecode("a+b", false), "a+b");
  EXPECT_EQ(PercentDecode("a+b", true), "a b");
  EXPECT_EQ(PercentDecode("a%2Bb", true), "a+b");
}

TEST(PercentDecodeTest, RejectsMalformedEscapes) {
  EXPECT_EQ(PercentDecode("%", false), std::nullopt);
  EXPECT_EQ(PercentDecode("ab%4", false), std::nullopt);
  EXPECT_EQ(PercentDecode("%zz", false), std::nullopt);
}

TEST(ParseQueryTest, SplitsDecodesAndKeepsRepeats) {
  auto query = ParseQuery("a=1&b=hello+world&a=2&flag&&c=%26");
  ASSERT_TRUE(query.has_value());
  std::multimap<std::string, std::string> expected = {
      {"a", "1"}, {"a", "2"}, {"b", "hello world"}, {"flag", ""}, {"c", "&"}};
  EXPECT_EQ(*query, expected);
}

TEST(ParseQueryTest, EmptyQueryIsEmpty) {
  auto query = ParseQuery("");
  ASSERT_TRUE(query.has_value());
  EXPECT_TRUE(query->empty());
}

TEST(ParseQueryTest, RejectsMalformedEscape) { EXPECT_EQ(ParseQuery("a=%g1"), std::nullopt); }

}  // namespace
}  // namespace ferry::api::http
