#include "service/document_filter.h"

#include <gtest/gtest.h>

namespace ferry::service {
namespace {

using Kind = model::DocumentFilter::Kind;
using model::Value;

model::DocumentFilter Cond(std::string field, std::string op, Value value, bool sensitive = false) {
  model::DocumentFilter f;
  f.kind = Kind::kCondition;
  f.field = std::move(field);
  f.op = std::move(op);
  f.value = std::move(value);
  f.case_sensitive = sensitive;
  return f;
}

model::DocumentFilter Group(Kind kind, std::vector<model::DocumentFilter> children) {
  model::DocumentFilter f;
  f.kind = kind;
  f.children = std::move(children);
  return f;
}

model::Document Doc() {
  model::Document d;
  d.document_id = "doc_1";
  d.collection_id = "col_1";
  model::ValueObject meta;
  meta.Set("n", 3);
  meta.Set("name", "Hello World");
  meta.Set("tags", Value(model::ValueArray{Value("a"), Value("b")}));
  meta.Set("none", Value());
  model::ValueObject fields;
  fields.Set("metadata", Value(std::move(meta)));
  d.fields = Value(std::move(fields));
  return d;
}

TEST(DocumentFilterTest, ComparisonsAndStringOperators) {
  const model::Document d = Doc();
  EXPECT_TRUE(MatchesFilter(Cond("metadata.n", "eq", 3), d));
  EXPECT_TRUE(MatchesFilter(Cond("metadata.n", "gt", 2.5), d));
  EXPECT_FALSE(MatchesFilter(Cond("metadata.n", "lt", 3), d));
  EXPECT_TRUE(MatchesFilter(Cond("metadata.n", "lte", 3), d));
  EXPECT_FALSE(MatchesFilter(Cond("metadata.n", "gt", "2"), d));  // not comparable
  EXPECT_TRUE(MatchesFilter(Cond("metadata.name", "eq", "hello world"), d));
  EXPECT_FALSE(MatchesFilter(Cond("metadata.name", "eq", "hello world", true), d));
  EXPECT_TRUE(MatchesFilter(Cond("metadata.name", "starts_with", "HELLO"), d));
  EXPECT_TRUE(MatchesFilter(Cond("metadata.name", "ends_with", "world"), d));
  EXPECT_FALSE(MatchesFilter(Cond("metadata.name", "ends_with", "world", true), d));
  EXPECT_TRUE(MatchesFilter(Cond("metadata.name", "contains", "o w"), d));
  EXPECT_TRUE(MatchesFilter(Cond("metadata.tags", "contains", "b"), d));
  EXPECT_TRUE(MatchesFilter(Cond("metadata.n", "in", Value(model::ValueArray{1, 3})), d));
  EXPECT_FALSE(MatchesFilter(Cond("metadata.n", "nin", Value(model::ValueArray{1, 3})), d));
  EXPECT_TRUE(MatchesFilter(Cond("document_id", "eq", "doc_1"), d));
  EXPECT_TRUE(MatchesFilter(Cond("collection_id", "ne", "col_2"), d));
}

TEST(DocumentFilterTest, AbsentAndNullFields) {
  const model::Document d = Doc();
  EXPECT_FALSE(MatchesFilter(Cond("metadata.missing", "eq", 1), d));
  EXPECT_TRUE(MatchesFilter(Cond("metadata.missing", "ne", 1), d));
  EXPECT_TRUE(MatchesFilter(Cond("metadata.missing", "nin", Value(model::ValueArray{1})), d));
  EXPECT_TRUE(MatchesFilter(Cond("metadata.missing", "exists", false), d));
  EXPECT_TRUE(MatchesFilter(Cond("metadata.n", "exists", true), d));
  EXPECT_TRUE(MatchesFilter(Cond("metadata.none", "is_null", true), d));
  EXPECT_TRUE(MatchesFilter(Cond("metadata.missing", "is_null", true), d));
  EXPECT_TRUE(MatchesFilter(Cond("metadata.n", "is_null", false), d));
}

TEST(DocumentFilterTest, LogicalGroupsNest) {
  const model::Document d = Doc();
  auto yes = Cond("metadata.n", "eq", 3);
  auto no = Cond("metadata.n", "eq", 4);
  EXPECT_TRUE(MatchesFilter(Group(Kind::kAnd, {}), d));  // no conditions: everything
  EXPECT_FALSE(MatchesFilter(Group(Kind::kAnd, {yes, no}), d));
  EXPECT_TRUE(MatchesFilter(Group(Kind::kOr, {yes, no}), d));
  EXPECT_FALSE(MatchesFilter(Group(Kind::kOr, {}), d));
  EXPECT_TRUE(MatchesFilter(Group(Kind::kNot, {no}), d));
  EXPECT_FALSE(MatchesFilter(Group(Kind::kNot, {no, yes}), d));
  EXPECT_TRUE(
      MatchesFilter(Group(Kind::kAnd, {Group(Kind::kOr, {no, yes}), Group(Kind::kNot, {no})}), d));
}

}  // namespace
}  // namespace ferry::service
