#include "codec/document_write_codec.h"

#include <gtest/gtest.h>

#include <string>

#include "codec/json_value.h"

namespace ferry::codec {
namespace {

namespace json = boost::json;
using Kind = model::DocumentFilter::Kind;

std::string LocString(const model::ValidationIssue& i) {
  std::string s;
  for (const auto& part : i.loc) {
    s += "/";
    s += part.is_string() ? part.as_string() : std::to_string(part.as_int());
  }
  return s;
}

// "loc:type" of each issue, joined by spaces.
template <typename Decode>
std::string IssuesOf(const char* body_json, Decode decode) {
  json::value body = json::parse(body_json);
  model::ValidationIssues issues;
  decode(BodyReader(body, &issues));
  std::string out;
  for (const auto& i : issues) {
    if (!out.empty()) out.push_back(' ');
    out.append(LocString(i)).append(":").append(i.type);
  }
  return out;
}

TEST(DocumentWriteCodecTest, CreateTakesLineageMetadataExtraFieldsAndVectors) {
  json::value body = json::parse(R"({
    "collection_id": "col_1", "source_object_id": "obj_1", "source_type": "bucket",
    "metadata": {"status": "new"}, "title": "hello",
    "features": [{"feature_extractor_id": "text_extractor_v1",
                  "vectors": {"embedding": [1, 0.5, -2]}}]})");
  model::ValidationIssues issues;
  auto req = DecodeDocumentCreate(BodyReader(body, &issues));
  ASSERT_TRUE(issues.empty()) << LocString(issues[0]);
  EXPECT_EQ(req.collection_id, "col_1");
  EXPECT_EQ(req.source_object_id, "obj_1");
  EXPECT_EQ(req.source_type, model::SourceType::kBucket);
  EXPECT_EQ(req.fields.GetPath("metadata.status")->as_string(), "new");
  EXPECT_EQ(req.fields.Get("title")->as_string(), "hello");
  EXPECT_EQ(req.fields.Get("features"), nullptr);
  EXPECT_EQ(req.fields.Get("source_object_id"), nullptr);
  ASSERT_EQ(req.vectors.size(), 1u);
  EXPECT_EQ(req.vectors[0].feature_extractor_id, "text_extractor_v1");
  EXPECT_EQ(req.vectors[0].name, "embedding");
  EXPECT_EQ(req.vectors[0].values, (std::vector<float>{1.0f, 0.5f, -2.0f}));
  EXPECT_EQ(LocString({req.vectors[0].loc, "", ""}), "/body/features/0/vectors/embedding");
}

TEST(DocumentWriteCodecTest, CreateReportsBadInputWithItsLocation) {
  EXPECT_EQ(IssuesOf(R"({"metadata": 3, "source_type": "object", "document_id": "doc_x",
                         "features": [{"vectors": {"embedding": [1, "a"]}},
                                      {"feature_extractor_id": "x", "vectors": [1]}]})",
                     DecodeDocumentCreate),
            "/body/collection_id:missing /body/source_type:enum /body/document_id:value_error "
            "/body/metadata:dict_type /body/features/0/feature_extractor_id:missing "
            "/body/features/0/vectors/embedding:float_type /body/features/1/vectors:dict_type");
  EXPECT_EQ(IssuesOf("[1]", DecodeDocumentCreate), "/body:dict_type");
}

TEST(DocumentWriteCodecTest, UpdateKeepsUserFieldsAndRefusesLineage) {
  json::value body = json::parse(R"({"document_id": "doc_1", "_internal": {}, "a": 1,
                                     "m.n": null, "features": []})");
  model::ValidationIssues issues;
  auto req = DecodeDocumentUpdate(BodyReader(body, &issues), true);
  ASSERT_TRUE(issues.empty());
  EXPECT_EQ(req.fields.as_object().size(), 2u);
  EXPECT_EQ(req.fields.Get("a")->as_int(), 1);
  EXPECT_TRUE(req.fields.Get("m.n")->is_null());
  ASSERT_TRUE(req.vectors.has_value());
  EXPECT_TRUE(req.vectors->empty());
  EXPECT_EQ(IssuesOf(R"({"root_object_id": "obj_1", "collection_id": 5})",
                     [](JsonReader r) { return DecodeDocumentUpdate(r, false); }),
            "/body/root_object_id:value_error /body/collection_id:string_type");
}

TEST(DocumentWriteCodecTest, BatchUpdateNeedsExactlyOneMode) {
  EXPECT_EQ(IssuesOf("{}", DecodeDocumentBatchUpdate), "/body:value_error");
  EXPECT_EQ(IssuesOf(R"({"updates": [], "filters": {}})", DecodeDocumentBatchUpdate),
            "/body:value_error");
  EXPECT_EQ(IssuesOf(R"({"updates": []})", DecodeDocumentBatchUpdate), "/body/updates:too_short");
  EXPECT_EQ(IssuesOf(R"({"filters": {"a": 1}})", DecodeDocumentBatchUpdate),
            "/body/update_data:missing");
  EXPECT_EQ(IssuesOf(R"({"updates": [{"document_id": "d"}, {"update_data": {"features": 1,
                         "metadata.x": 2, "source_type.y": 3}}]})",
                     DecodeDocumentBatchUpdate),
            "/body/updates/0/update_data:missing /body/updates/1/document_id:missing "
            "/body/updates/1/update_data/features:value_error "
            "/body/updates/1/update_data/source_type.y:value_error");
  json::value body =
      json::parse(R"({"updates": [{"document_id": "doc_1", "update_data": {"metadata.x": 2}}]})");
  model::ValidationIssues issues;
  auto req = DecodeDocumentBatchUpdate(BodyReader(body, &issues));
  ASSERT_TRUE(issues.empty());
  ASSERT_EQ(req.updates.size(), 1u);
  EXPECT_EQ(req.updates[0].document_id, "doc_1");
  EXPECT_EQ(req.updates[0].patch.Get("metadata.x")->as_int(), 2);
}

TEST(DocumentWriteCodecTest, BatchDeleteAndBulkUpdate) {
  EXPECT_EQ(IssuesOf(R"({"document_ids": ["a"], "filters": {}})", DecodeDocumentBatchDelete),
            "/body:value_error");
  EXPECT_EQ(IssuesOf(R"({"document_ids": []})", DecodeDocumentBatchDelete),
            "/body/document_ids:too_short");
  EXPECT_EQ(IssuesOf(R"({"document_ids": [1]})", DecodeDocumentBatchDelete),
            "/body/document_ids/0:string_type");
  EXPECT_EQ(IssuesOf(R"({"filters": {"a": 1}})", DecodeDocumentBulkUpdate),
            "/body/update_data:missing");
  EXPECT_EQ(IssuesOf(R"({"update_data": []})", DecodeDocumentBulkUpdate),
            "/body/update_data:dict_type");
  EXPECT_EQ(IssuesOf(R"({"update_data": {}})", DecodeDocumentBulkUpdate), "");
}

// Regression: a PATCH of {"a.a.…a": 1} with ~1M dots became one nested object per dot, and
// the merge recursed once per level: a stack overflow (SIGSEGV) in the server.
TEST(DocumentWriteCodecTest, DottedFieldNamesAreBoundedByLengthAndDepth) {
  std::string deep = "a";
  for (int i = 1; i < 65; ++i) deep += ".a";    // 65 segments, 129 characters
  const std::string at_limit = deep.substr(2);  // 64 segments
  const std::string long_name(10001, 'a');
  auto patch = [](JsonReader r) { return DecodeDocumentUpdate(r, true); };
  auto body = [](const std::string& key) { return "{\"" + key + "\": 1}"; };
  auto update_data = [](const std::string& key) {
    return R"({"filters": {"a": 1}, "update_data": {")" + key + R"(": 1}})";
  };
  EXPECT_EQ(IssuesOf(body(deep).c_str(), patch), "/body/" + deep + ":value_error");
  EXPECT_EQ(IssuesOf(body(long_name).c_str(), patch), "/body:string_too_long");
  EXPECT_EQ(IssuesOf(body(deep).c_str(), DecodeDocumentCreate),
            "/body/collection_id:missing /body/" + deep + ":value_error");
  EXPECT_EQ(IssuesOf(update_data(deep).c_str(), DecodeDocumentBulkUpdate),
            "/body/update_data/" + deep + ":value_error");
  EXPECT_EQ(IssuesOf(update_data(long_name).c_str(), DecodeDocumentBulkUpdate),
            "/body/update_data:string_too_long");
  EXPECT_EQ(IssuesOf(update_data(deep).c_str(), DecodeDocumentBatchUpdate),
            "/body/update_data/" + deep + ":value_error");
  const std::string batch =
      R"({"updates": [{"document_id": "d", "update_data": {")" + deep + R"(": 1}}]})";
  EXPECT_EQ(IssuesOf(batch.c_str(), DecodeDocumentBatchUpdate),
            "/body/updates/0/update_data/" + deep + ":value_error");
  // At the limits, accepted.
  EXPECT_EQ(IssuesOf(body(at_limit).c_str(), patch), "");
  EXPECT_EQ(IssuesOf(body(long_name.substr(1)).c_str(), patch), "");
  EXPECT_EQ(IssuesOf(update_data(at_limit).c_str(), DecodeDocumentBulkUpdate), "");
}

TEST(DocumentWriteCodecTest, AnOverLongFieldNameIsNotEchoedWhole) {
  json::value body = json::parse("{\"" + std::string(1'000'000, 'b') + "\": 1}");
  model::ValidationIssues issues;
  DecodeDocumentUpdate(BodyReader(body, &issues), true);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].msg, "field name '" + std::string(32, 'b') +
                               "...' has 1000000 characters; field names have at most 10000");
}

TEST(DocumentWriteCodecTest, FiltersDecodeOperatorsGroupsAndShorthand) {
  json::value body = json::parse(R"({"filters": {
      "AND": [{"field": "metadata.n", "operator": "gte", "value": 2},
              {"OR": [{"field": "tag", "value": "x"}, {"field": "tag", "operator": "in",
                                                       "value": ["y"]}]}],
      "NOT": [{"field": "tag", "operator": "exists", "value": true}],
      "metadata.kind": "a", "case_sensitive": true}})");
  model::ValidationIssues issues;
  auto req = DecodeDocumentBatchDelete(BodyReader(body, &issues));
  ASSERT_TRUE(issues.empty()) << LocString(issues[0]);
  ASSERT_TRUE(req.filter.has_value());
  const auto& f = *req.filter;
  ASSERT_EQ(f.children.size(), 3u);
  EXPECT_EQ(f.children[0].kind, Kind::kAnd);
  EXPECT_EQ(f.children[0].children[0].op, "gte");
  EXPECT_TRUE(f.children[0].children[0].case_sensitive);
  EXPECT_EQ(f.children[0].children[1].kind, Kind::kAnd);
  EXPECT_EQ(f.children[0].children[1].children[0].kind, Kind::kOr);
  EXPECT_FALSE(f.children[0].children[1].children[0].children[0].case_sensitive);
  EXPECT_EQ(f.children[1].kind, Kind::kNot);
  EXPECT_EQ(f.children[2].kind, Kind::kCondition);
  EXPECT_EQ(f.children[2].field, "metadata.kind");

  EXPECT_EQ(IssuesOf(R"({"filters": {"AND": [{"field": "a", "operator": "like", "value": 1},
                         {"field": "b", "operator": "in", "value": 1}, {"field": "c"},
                         {"field": "d", "operator": "regex", "value": "x"}], "OR": 4}})",
                     DecodeDocumentBatchDelete),
            "/body/filters/AND/0/operator:enum /body/filters/AND/1/value:list_type "
            "/body/filters/AND/2/value:missing /body/filters/AND/3/operator:value_error "
            "/body/filters/OR:list_type");
}

TEST(DocumentWriteCodecTest, BatchResponsesHaveTheSpecsShape) {
  model::DocumentBatchResult r;
  r.done_count = 1;
  r.failed_count = 1;
  r.results = {{"doc_1", true, std::nullopt}, {"doc_2", false, "document not found"}};
  EXPECT_EQ(Serialize(EncodeDocumentBatchUpdate(r)),
            R"({"updated_count":1,"failed_count":1,"results":[{"document_id":"doc_1",)"
            R"("success":true,"error":null},{"document_id":"doc_2","success":false,)"
            R"("error":"document not found"}],"message":"Batch update completed"})");
  EXPECT_EQ(Serialize(EncodeDocumentBatchDelete(r)).substr(0, 17), R"({"deleted_count":)");
  EXPECT_EQ(Serialize(EncodeDocumentBulkUpdate(3)),
            R"({"updated_count":3,"message":"Documents updated successfully"})");
}

}  // namespace
}  // namespace ferry::codec
