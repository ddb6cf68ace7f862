// Retriever stages and RetrieverService on real storage and the built-in extractors:
// feature_search against a brute-force cosine ranking, filter/sort/limit semantics,
// validation locations and recorded executions.
#include "service/retriever_stages.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "index/vector_math.h"
#include "service/retriever_service.h"
#include "storage/sqlite/sqlite_storage_engine.h"

namespace ferry::service {
namespace {

using model::Value;
using model::ValueArray;
using model::ValueObject;

constexpr char kUri[] = "mixpeek://text_extractor@v1/embedding";

Value Obj(std::initializer_list<std::pair<const char*, Value>> kv) {
  ValueObject o;
  for (const auto& [k, v] : kv) o.Set(k, v);
  return Value(std::move(o));
}

model::RetrieverStage Stage(const char* id, Value params) {
  return {std::string(id) + "_stage", std::nullopt, id, std::move(params), std::nullopt};
}

Value Search(const char* text, int64_t top_k) {
  return Obj({{"feature_uri", kUri},
              {"query", Obj({{"input_mode", "text"}, {"text", text}})},
              {"top_k", top_k}});
}

const char* kTexts[] = {"red apples and green pears",     "the quick brown fox",
                        "apple pie recipe with cinnamon", "stock market news today",
                        "green tea and matcha",           "fresh fruit salad with apples",
                        "rust programming language",      "a fox in the forest"};

class RetrieverStagesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ferry_retriever_test_XXXXXX";
    dir_ = mkdtemp(tmpl);
    storage_ = std::move(storage::sqlite::SqliteStorageEngine::Open(dir_)).value();
    extractors_ = extract::ExtractorRegistry::CreateBuiltin();
    deps_ = std::make_unique<ServiceDeps>(ServiceDeps{*storage_, *extractors_, clock_, logger_});
    ASSERT_TRUE(storage_->CreateNamespaceData("ns_test").ok());
    h_.ns.namespace_id = "ns_test";
    h_.store = std::move(storage_->OpenNamespace("ns_test")).value();
    model::Collection c;
    c.collection_id = "col_1";
    c.collection_name = "one";
    c.extractor = {"text_extractor", "v1", {}, {}, {}, false};
    ASSERT_TRUE(h_.store->InsertCollection(c).ok());
    const auto* fx = extractors_->Find("text_extractor", "v1");
    std::vector<model::Document> docs;
    for (int i = 0; i < 8; ++i) {
      extract::ExtractorInput in;
      in.text = kTexts[i];
      auto out = fx->Extract(in, fx->info().default_parameters);
      ASSERT_TRUE(out.ok());
      model::Document d;
      d.document_id = "doc_" + std::to_string(i);
      d.collection_id = "col_1";
      d.fields = Obj({{"text", kTexts[i]},
                      {"rank", static_cast<int64_t>(i % 4)},
                      {"tags", Value(ValueArray{Value(i % 2 == 0 ? "even" : "odd")})}});
      d.created_at = d.updated_at = i;
      d.vectors.push_back({kUri, out->front().embedding});
      vectors_[d.document_id] = out->front().embedding;
      docs.push_back(std::move(d));
    }
    ASSERT_TRUE(h_.store->UpsertDocuments(docs).ok());
  }
  void TearDown() override {
    h_.store.reset();
    storage_->Close();
    std::filesystem::remove_all(dir_);
  }

  // Brute-force cosine ranking of every document against the embedded text.
  std::vector<std::pair<std::string, float>> Reference(const std::string& text) const {
    const auto* fx = extractors_->Find("text_extractor", "v1");
    extract::ExtractorInput in;
    in.text = text;
    auto q = std::move(fx->Extract(in, fx->info().default_parameters)).value().front().embedding;
    std::vector<std::pair<std::string, float>> all;
    for (const auto& [id, v] : vectors_) all.emplace_back(id, index::Dot(q, v));
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    return all;
  }

  Result<std::vector<StageDocument>> Run(const std::vector<model::RetrieverStage>& stages,
                                         const Value& inputs) {
    std::vector<std::string> cols = {"col_1"};
    StageContext ctx{h_, *extractors_, vectors_service_, cols, inputs};
    std::optional<std::vector<StageDocument>> stream;
    for (const auto& s : stages) {
      model::ValidationIssues issues;
      ValidateStage(s, {}, *extractors_, &issues);
      EXPECT_TRUE(issues.empty()) << issues.front().msg;
      FERRY_ASSIGN_OR_RETURN(stream, RunStage(s, ctx, std::move(stream)));
    }
    return stream.value_or(std::vector<StageDocument>{});
  }

  static std::vector<std::string> Ids(const std::vector<StageDocument>& docs) {
    std::vector<std::string> out;
    for (const auto& d : docs) out.push_back(d.doc.document_id);
    return out;
  }

  std::string dir_;
  std::unique_ptr<storage::StorageEngine> storage_;
  std::unique_ptr<extract::ExtractorRegistry> extractors_;
  SystemClock clock_;
  Logger logger_{LogLevel::kWarn};
  std::unique_ptr<ServiceDeps> deps_;
  NamespaceHandle h_;
  VectorSearchService vectors_service_{{}};
  std::map<std::string, std::vector<float>> vectors_;
};

TEST(RetrieverTemplates, RenderAndParse) {
  Value inputs = Obj({{"query", "apples"}, {"n", int64_t{3}}});
  EXPECT_EQ(*RenderTemplate("{{inputs.query}}", inputs), "apples");
  EXPECT_EQ(*RenderTemplate("find {{ INPUT.query }} x{{inputs.n}}{{inputs.none}}", inputs),
            "find apples x3");
  EXPECT_EQ(*RenderTemplate("{{other}} and {{", inputs), "{{other}} and {{");
  EXPECT_EQ(*RenderTemplate("{{  }}{{inputs.}}", inputs), "{{  }}{{inputs.}}");
  auto uri = ParseFeatureUri("mixpeek://text_extractor@v1/embedding");
  ASSERT_TRUE(uri.has_value());
  EXPECT_EQ(uri->extractor, "text_extractor");
  EXPECT_EQ(uri->version, "v1");
  EXPECT_EQ(uri->output, "embedding");
  EXPECT_FALSE(ParseFeatureUri("text_extractor@v1/embedding").has_value());
  EXPECT_FALSE(ParseFeatureUri("mixpeek://text_extractor/embedding").has_value());
}

// Regression: every placeholder appended its input again, so "{{inputs.q}}" x 100 000 over
// a 1 MB input rendered 100 GB. Refused once past the limit, before growing further.
TEST(RetrieverTemplates, RenderingIsBounded) {
  const std::string mib(kMaxRenderedTemplateBytes, 'q');
  Value inputs = Obj({{"q", mib}, {"n", int64_t{7}}});
  std::string many;
  for (int i = 0; i < 100'000; ++i) many += "{{inputs.q}}";
  auto rendered = RenderTemplate(many, inputs);
  ASSERT_FALSE(rendered.ok());
  EXPECT_EQ(rendered.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(rendered.status().message(),
            "the query template renders to more than 1048576 bytes, the limit (each "
            "{{inputs.NAME}} adds its input again)");
  // Up to the limit, whatever adds the bytes.
  EXPECT_EQ(RenderTemplate("{{inputs.q}}", inputs)->size(), kMaxRenderedTemplateBytes);
  EXPECT_FALSE(RenderTemplate("{{inputs.q}}.", inputs).ok());
  EXPECT_FALSE(RenderTemplate("{{inputs.q}}{{inputs.n}}", inputs).ok());
  EXPECT_FALSE(RenderTemplate("{{inputs.q}}{{other}}", inputs).ok());
  EXPECT_FALSE(RenderTemplate(mib + "x", Obj({})).ok());
}

TEST_F(RetrieverStagesTest, ValidationLocatesProblems) {
  model::ValidationIssues issues;
  ValidateStage(Stage("rerank_magic", Obj({})), {Value("body"), Value("stages"), Value(int64_t{2})},
                *extractors_, &issues);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].loc, (ValueArray{Value("body"), Value("stages"), Value(int64_t{2}),
                                       Value("config"), Value("stage_id")}));
  issues.clear();
  ValidateStage(
      Stage("feature_search",
            Obj({{"searches", Value(ValueArray{Obj({{"feature_uri", "mixpeek://nope@v1/embedding"},
                                                    {"query", "x"}})})}})),
      {}, *extractors_, &issues);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].loc, (ValueArray{Value("config"), Value("parameters"), Value("searches"),
                                       Value(int64_t{0}), Value("feature_uri")}));
  issues.clear();
  ValidateStage(Stage("attribute_filter", Obj({{"field", "rank"}, {"operator", "like"}})), {},
                *extractors_, &issues);
  EXPECT_EQ(issues.size(), 2u);  // operator not allowed, value missing
}

TEST_F(RetrieverStagesTest, FeatureSearchEqualsBruteForceCosine) {
  auto got = Run({Stage("feature_search",
                        Obj({{"searches", Value(ValueArray{Search("{{inputs.query}}", 100)})},
                             {"final_top_k", int64_t{5}}}))},
                 Obj({{"query", "apples"}}));
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  auto want = Reference("apples");
  ASSERT_EQ(got->size(), 5u);
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ((*got)[i].doc.document_id, want[i].first) << "rank " << i;
    EXPECT_NEAR((*got)[i].score, want[i].second, 1e-5);
  }
}

TEST_F(RetrieverStagesTest, TwoSearchesFuseByMaxOrSum) {
  for (const char* fusion : {"max", "sum"}) {
    auto got =
        Run({Stage("feature_search",
                   Obj({{"searches", Value(ValueArray{Search("apples", 100), Search("fox", 100)})},
                        {"final_top_k", int64_t{8}},
                        {"fusion", fusion}}))},
            Obj({}));
    ASSERT_TRUE(got.ok());
    auto a = Reference("apples"), f = Reference("fox");
    std::map<std::string, double> fused;
    for (const auto& [id, s] : a) fused[id] = s;
    for (const auto& [id, s] : f) {
      fused[id] = std::string(fusion) == "max" ? std::max<double>(fused[id], s) : fused[id] + s;
    }
    ASSERT_EQ(got->size(), 8u);
    for (const auto& d : *got) EXPECT_NEAR(d.score, fused[d.doc.document_id], 1e-5);
    EXPECT_TRUE(std::is_sorted(got->begin(), got->end(),
                               [](const auto& x, const auto& y) { return x.score > y.score; }));
  }
}

TEST_F(RetrieverStagesTest, FilterSortLimitSemantics) {
  auto lt2 = Run({Stage("attribute_filter",
                        Obj({{"field", "rank"}, {"operator", "lt"}, {"value", int64_t{2}}}))},
                 Obj({}));
  ASSERT_TRUE(lt2.ok());
  EXPECT_EQ(Ids(*lt2), (std::vector<std::string>{"doc_0", "doc_1", "doc_4", "doc_5"}));
  auto in = Run({Stage("attribute_filter",
                       Obj({{"field", "document_id"},
                            {"operator", "in"},
                            {"value", Value(ValueArray{Value("doc_3"), Value("doc_7")})}}))},
                Obj({}));
  EXPECT_EQ(Ids(*in), (std::vector<std::string>{"doc_3", "doc_7"}));
  auto contains = Run({Stage("attribute_filter",
                             Obj({{"field", "tags"}, {"operator", "contains"}, {"value", "odd"}})),
                       Stage("attribute_filter",
                             Obj({{"field", "text"}, {"operator", "contains"}, {"value", "fox"}}))},
                      Obj({}));
  EXPECT_EQ(Ids(*contains), (std::vector<std::string>{"doc_1", "doc_7"}));
  auto missing =
      Run({Stage("attribute_filter", Obj({{"field", "absent"}, {"operator", "ne"}, {"value", 1}}))},
          Obj({}));
  EXPECT_EQ(missing->size(), 8u);
  auto sorted = Run({Stage("sort_attribute", Obj({{"field", "rank"}, {"direction", "desc"}})),
                     Stage("limit", Obj({{"limit", int64_t{3}}, {"offset", int64_t{1}}}))},
                    Obj({}));
  // rank desc, stable: 3 (doc_3, doc_7), 2 (doc_2, doc_6) … → skip 1, take 3.
  EXPECT_EQ(Ids(*sorted), (std::vector<std::string>{"doc_7", "doc_2", "doc_6"}));
  // A filter before feature_search restricts the search to the filtered documents.
  auto restricted =
      Run({Stage("attribute_filter",
                 Obj({{"field", "tags"}, {"operator", "contains"}, {"value", "even"}})),
           Stage("feature_search", Obj({{"searches", Value(ValueArray{Search("apples", 100)})}}))},
          Obj({}));
  ASSERT_TRUE(restricted.ok());
  std::vector<std::string> want;
  for (const auto& [id, s] : Reference("apples")) {
    if ((id.back() - '0') % 2 == 0) want.push_back(id);
  }
  EXPECT_EQ(Ids(*restricted), want);
}

TEST_F(RetrieverStagesTest, ServiceRecordsExecutions) {
  RetrieverService service(*deps_, vectors_service_);
  model::RetrieverCreate create;
  create.retriever_name = "finder";
  create.collections = {"one"};
  create.stages = {Stage("feature_search",
                         Obj({{"searches", Value(ValueArray{Search("{{inputs.query}}", 10)})}})),
                   Stage("limit", Obj({{"limit", int64_t{3}}}))};
  model::ValidationIssues issues;
  auto r = service.Create(h_, create, &issues);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->collection_ids, (std::vector<std::string>{"col_1"}));
  EXPECT_EQ(r->stages[0].stage_type, "filter");

  model::RetrieverExecute exec;
  exec.inputs = Obj({{"query", "fox"}});
  exec.page_size = 2;
  auto out = service.Execute(h_, "finder", exec);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->total, 3);
  ASSERT_EQ(out->page.size(), 2u);
  auto want = Reference("fox");
  EXPECT_EQ(out->page[0].doc.document_id, want[0].first);
  auto stored = service.GetExecution(h_, r->retriever_id, out->execution.execution_id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->status, "completed");
  ASSERT_EQ(stored->results.size(), 3u);
  EXPECT_EQ(stored->results[2].document_id, want[2].first);
  ASSERT_EQ(stored->stages.size(), 2u);
  EXPECT_EQ(stored->stages[1].input_count, 8);
  EXPECT_EQ(stored->stages[1].output_count, 3);
  auto list = service.ListExecutions(h_, "finder", std::nullopt, {0, 10});
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->total, 1);

  create.retriever_name = "broken";
  create.stages = {Stage("nope", Obj({}))};
  issues.clear();
  EXPECT_FALSE(service.Create(h_, create, &issues).ok());
  ASSERT_EQ(issues.size(), 1u);
}

TEST_F(RetrieverStagesTest, ALimitOverWholeCollectionsReadsInIdOrder) {
  auto limited =
      Run({Stage("limit", Obj({{"limit", int64_t{3}}, {"offset", int64_t{2}}}))}, Obj({}));
  ASSERT_TRUE(limited.ok());
  EXPECT_EQ(Ids(*limited), (std::vector<std::string>{"doc_2", "doc_3", "doc_4"}));
  auto past_end =
      Run({Stage("limit", Obj({{"limit", int64_t{5}}, {"offset", int64_t{6}}}))}, Obj({}));
  EXPECT_EQ(Ids(*past_end), (std::vector<std::string>{"doc_6", "doc_7"}));
}

TEST_F(RetrieverStagesTest, AnOverLongQueryFailsTheExecution) {
  RetrieverService service(*deps_, vectors_service_);
  model::RetrieverCreate create;
  create.retriever_name = "echo";
  create.collections = {"one"};
  std::string many;
  for (int i = 0; i < 1000; ++i) many += "{{inputs.q}}";
  create.stages = {
      Stage("feature_search", Obj({{"searches", Value(ValueArray{Search(many.c_str(), 10)})}}))};
  model::ValidationIssues issues;
  auto r = service.Create(h_, create, &issues);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  model::RetrieverExecute exec;
  exec.inputs = Obj({{"q", std::string(2000, 'q')}});
  auto out = service.Execute(h_, "echo", exec);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(out.status().message().find("renders to more than 1048576 bytes"), std::string::npos);
  auto list = service.ListExecutions(h_, "echo", std::nullopt, {0, 10});
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->items.size(), 1u);
  EXPECT_EQ(list->items[0].status, "failed");
}

// Regression: a retriever whose stages keep whole collections (a sort) stored one result
// id per document in its execution row; an execution keeps the first kMaxTopK.
TEST_F(RetrieverStagesTest, AnExecutionKeepsAtMostTheTopKMaximum) {
  std::vector<model::Document> docs;
  for (int64_t i = 0; i < kMaxTopK; ++i) {
    model::Document d;
    d.document_id = "doc_x" + std::to_string(100000 + i);
    d.collection_id = "col_1";
    d.fields = Obj({{"rank", i}});
    docs.push_back(std::move(d));
  }
  ASSERT_TRUE(h_.store->UpsertDocuments(docs).ok());  // 8 + 10 000 documents
  RetrieverService service(*deps_, vectors_service_);
  model::RetrieverCreate create;
  create.retriever_name = "everything";
  create.collections = {"one"};
  create.stages = {Stage("sort_attribute", Obj({{"field", "rank"}, {"direction", "desc"}}))};
  model::ValidationIssues issues;
  auto r = service.Create(h_, create, &issues);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  model::RetrieverExecute exec;
  exec.page_size = 5;
  auto out = service.Execute(h_, "everything", exec);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->total, kMaxTopK);
  EXPECT_EQ(out->page[0].doc.document_id, "doc_x" + std::to_string(100000 + kMaxTopK - 1));
  auto stored = service.GetExecution(h_, r->retriever_id, out->execution.execution_id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->results.size(), static_cast<size_t>(kMaxTopK));
  EXPECT_EQ(stored->stages[0].output_count, kMaxTopK + 8);
}

}  // namespace
}  // namespace ferry::service
