// Taxonomies on real storage and the built-in text extractor: a hand-checkable reference
// set (cat / dog / car) enriches target documents through a feature_search retriever —
// flat (replace, append, whole payload), hierarchical (group, then category), sample
// documents — and create-time validation with its locations.
#include "service/taxonomy_service.h"

#include <gtest/gtest.h>

#include <filesystem>

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

std::vector<model::InputMapping> QueryFromText() {
  return {{"query", "payload", std::string("text"), Value()}};
}

class TaxonomyServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ferry_taxonomy_test_XXXXXX";
    dir_ = mkdtemp(tmpl);
    storage_ = std::move(storage::sqlite::SqliteStorageEngine::Open(dir_)).value();
    extractors_ = extract::ExtractorRegistry::CreateBuiltin();
    deps_ = std::make_unique<ServiceDeps>(ServiceDeps{*storage_, *extractors_, clock_, logger_});
    retrievers_ = std::make_unique<RetrieverService>(*deps_, vectors_);
    taxonomies_ = std::make_unique<TaxonomyService>(*deps_, *retrievers_);
    ASSERT_TRUE(storage_->CreateNamespaceData("ns_test").ok());
    h_.ns.namespace_id = "ns_test";
    h_.store = std::move(storage_->OpenNamespace("ns_test")).value();
    AddCollection(
        "col_ref",
        {{"cat kitten meow", Obj({{"category", "feline"}, {"tags", Value(ValueArray{"pet"})}})},
         {"dog puppy bark",
          Obj({{"category", "canine"}, {"tags", Value(ValueArray{"pet", "loyal"})}})},
         {"car engine wheels",
          Obj({{"category", "vehicle"}, {"tags", Value(ValueArray{"machine"})}})}});
    AddCollection("col_groups", {{"animal cat dog kitten puppy pet", Obj({{"group", "animal"}})},
                                 {"machine car engine wheels motor", Obj({{"group", "machine"}})}});
    AddCollection("col_items", {{"the kitten says meow", Obj({{"tags", Value(ValueArray{"own"})}})},
                                {"a puppy likes to bark", Obj({})},
                                {"engine and wheels of a car", Obj({})}});
    model::Retriever r;
    r.retriever_id = "ret_match";
    r.retriever_name = "match";
    r.collection_ids = {"col_ref"};
    r.stages = {
        {"search", std::string("filter"), "feature_search",
         Obj({{"searches", Value(ValueArray{Obj({{"feature_uri", kUri},
                                                 {"query", Obj({{"input_mode", "text"},
                                                                {"text", "{{inputs.query}}"}})},
                                                 {"top_k", int64_t{10}}})})},
              {"final_top_k", int64_t{3}}}),
         std::nullopt}};
    ASSERT_TRUE(h_.store->InsertRetriever(r).ok());
  }
  void TearDown() override {
    h_.store.reset();
    storage_->Close();
    std::filesystem::remove_all(dir_);
  }

  // A collection of text documents "<collection>_<i>" with extra fields.
  void AddCollection(const std::string& id,
                     const std::vector<std::pair<const char*, Value>>& docs) {
    model::Collection c;
    c.collection_id = id;
    c.collection_name = id;
    c.extractor = {"text_extractor", "v1", {}, {}, {}, false};
    ASSERT_TRUE(h_.store->InsertCollection(c).ok());
    const auto* fx = extractors_->Find("text_extractor", "v1");
    std::vector<model::Document> out;
    for (size_t i = 0; i < docs.size(); ++i) {
      extract::ExtractorInput in;
      in.text = docs[i].first;
      auto emb = fx->Extract(in, fx->info().default_parameters);
      ASSERT_TRUE(emb.ok());
      model::Document d;
      d.document_id = id + "_" + std::to_string(i);
      d.collection_id = id;
      ValueObject fields = docs[i].second.as_object();
      fields.Set("text", docs[i].first);
      d.fields = Value(std::move(fields));
      d.vectors.push_back({kUri, emb->front().embedding});
      d.created_at = d.updated_at = static_cast<int64_t>(i);
      out.push_back(std::move(d));
    }
    ASSERT_TRUE(h_.store->UpsertDocuments(out).ok());
  }

  model::Taxonomy Flat(std::optional<std::vector<model::EnrichmentField>> fields) {
    model::Taxonomy t;
    t.taxonomy_name = "animals";
    t.retriever_id = "match";  // by name: resolved to the id
    t.input_mappings = QueryFromText();
    t.source_collection_id = "col_ref";
    t.enrichment_fields = std::move(fields);
    return t;
  }

  model::Taxonomy Create(model::Taxonomy t) {
    model::ValidationIssues issues;
    auto created = taxonomies_->Create(h_, std::move(t), &issues);
    EXPECT_TRUE(issues.empty()) << issues.front().msg;
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return *created;
  }

  EnrichStats ExecuteOnItems(const std::string& taxonomy_id) {
    model::TaxonomyExecute req;
    req.target_collection_id = "col_items";
    req.batch_size = 2;
    auto out = taxonomies_->Execute(h_, taxonomy_id, std::nullopt, req);
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    return out->stats;
  }

  Value Fields(const std::string& doc_id) {
    return std::move(h_.store->GetDocument("col_items", doc_id, false)).value().fields;
  }

  std::string dir_;
  std::unique_ptr<storage::StorageEngine> storage_;
  std::unique_ptr<extract::ExtractorRegistry> extractors_;
  SystemClock clock_;
  Logger logger_{LogLevel::kError};
  std::unique_ptr<ServiceDeps> deps_;
  VectorSearchService vectors_{{}};
  std::unique_ptr<RetrieverService> retrievers_;
  std::unique_ptr<TaxonomyService> taxonomies_;
  NamespaceHandle h_;
};

TEST_F(TaxonomyServiceTest, FlatTaxonomyWritesTheBestMatchesFields) {
  auto t = Create(Flat(std::vector<model::EnrichmentField>{
      {"category", std::nullopt, "replace"}, {"tags", std::string("labels"), "append"}}));
  EXPECT_EQ(t.retriever_id, "ret_match");
  EnrichStats stats = ExecuteOnItems(t.taxonomy_id);
  EXPECT_EQ(stats.processed, 3);
  EXPECT_EQ(stats.enriched, 3);
  EXPECT_EQ(stats.errors, 0);
  EXPECT_EQ(stats.batches, 2);  // batch_size 2 over 3 documents
  EXPECT_EQ(*Fields("col_items_0").Get("_taxonomy_category"), Value("feline"));
  EXPECT_EQ(*Fields("col_items_1").Get("_taxonomy_category"), Value("canine"));
  EXPECT_EQ(*Fields("col_items_2").Get("_taxonomy_category"), Value("vehicle"));
  EXPECT_EQ(*Fields("col_items_1").Get("labels"), Value(ValueArray{"pet", "loyal"}));
  // The document's own fields stay.
  EXPECT_EQ(*Fields("col_items_0").Get("tags"), Value(ValueArray{"own"}));
  // Append is idempotent: a second run adds nothing.
  ExecuteOnItems(t.taxonomy_id);
  EXPECT_EQ(*Fields("col_items_1").Get("labels"), Value(ValueArray{"pet", "loyal"}));
}

TEST_F(TaxonomyServiceTest, AppendMergesIntoAnExistingField) {
  auto t =
      Create(Flat(std::vector<model::EnrichmentField>{{"tags", std::string("tags"), "append"}}));
  ExecuteOnItems(t.taxonomy_id);
  EXPECT_EQ(*Fields("col_items_0").Get("tags"), Value(ValueArray{"own", "pet"}));
  EXPECT_EQ(*Fields("col_items_2").Get("tags"), Value(ValueArray{"machine"}));
}

TEST_F(TaxonomyServiceTest, WithoutEnrichmentFieldsTheWholePayloadIsCopied) {
  auto t = Create(Flat(std::nullopt));
  ExecuteOnItems(t.taxonomy_id);
  Value f = Fields("col_items_2");
  EXPECT_EQ(*f.Get("_taxonomy_category"), Value("vehicle"));
  EXPECT_EQ(*f.Get("_taxonomy_text"), Value("car engine wheels"));
  EXPECT_EQ(*f.Get("_taxonomy_tags"), Value(ValueArray{"machine"}));
}

TEST_F(TaxonomyServiceTest, SampleDocumentsAreEnrichedAndNotStored) {
  auto t = Create(Flat(std::vector<model::EnrichmentField>{{"category", std::nullopt, "replace"}}));
  model::TaxonomyExecute req;
  req.source_documents = std::vector<Value>{Obj({{"text", "meow said the kitten"}}),
                                            Obj({{"text", "wheels on the car"}})};
  auto out = taxonomies_->Execute(h_, "animals", std::nullopt, req);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ(out->results->size(), 2u);
  EXPECT_EQ(*(*out->results)[0].Get("_taxonomy_category"), Value("feline"));
  EXPECT_EQ(*(*out->results)[1].Get("_taxonomy_category"), Value("vehicle"));
  EXPECT_EQ(Fields("col_items_0").Get("_taxonomy_category"), nullptr);
}

TEST_F(TaxonomyServiceTest, HierarchicalTaxonomyMatchesLevelByLevel) {
  model::Taxonomy t;
  t.taxonomy_name = "tree";
  t.taxonomy_type = "hierarchical";
  t.retriever_id = "ret_match";
  t.input_mappings = QueryFromText();
  model::TaxonomyNode root;
  root.collection_id = "col_groups";
  root.enrichment_fields = std::vector<model::EnrichmentField>{{"group", std::nullopt, "replace"}};
  model::TaxonomyNode leaf;
  leaf.collection_id = "col_ref";
  leaf.parent_collection_id = "col_groups";
  leaf.enrichment_fields =
      std::vector<model::EnrichmentField>{{"category", std::string("category"), "replace"}};
  t.nodes = {leaf, root};  // order in the list does not matter
  auto created = Create(t);
  EnrichStats stats = ExecuteOnItems(created.taxonomy_id);
  EXPECT_EQ(stats.enriched, 3);
  Value cat = Fields("col_items_0");
  EXPECT_EQ(*cat.Get("_taxonomy_group"), Value("animal"));
  EXPECT_EQ(*cat.Get("category"), Value("feline"));
  Value car = Fields("col_items_2");
  EXPECT_EQ(*car.Get("_taxonomy_group"), Value("machine"));
  EXPECT_EQ(*car.Get("category"), Value("vehicle"));
}

TEST_F(TaxonomyServiceTest, CreateReportsLocatedIssues) {
  model::ValidationIssues issues;
  auto bad = Flat(std::nullopt);
  bad.retriever_id = "ret_none";
  bad.source_collection_id = "col_none";
  EXPECT_FALSE(taxonomies_->Create(h_, bad, &issues).ok());
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues[0].loc, (ValueArray{"body", "config", "retriever_id"}));
  EXPECT_EQ(issues[1].loc, (ValueArray{"body", "config", "source_collection", "collection_id"}));

  model::Taxonomy tree;
  tree.taxonomy_name = "cycle";
  tree.taxonomy_type = "hierarchical";
  tree.retriever_id = "ret_match";
  tree.input_mappings = QueryFromText();
  model::TaxonomyNode a, b;
  a.collection_id = "col_ref";
  a.parent_collection_id = "col_groups";
  b.collection_id = "col_groups";
  b.parent_collection_id = "col_ref";
  tree.nodes = {a, b};
  issues.clear();
  EXPECT_FALSE(taxonomies_->Create(h_, tree, &issues).ok());
  ASSERT_FALSE(issues.empty());
  EXPECT_EQ(issues[0].loc, (ValueArray{"body", "config", "hierarchical_nodes", int64_t{0},
                                       "parent_collection_id"}));
  EXPECT_NE(issues[0].msg.find("cycle"), std::string::npos);
}

TEST_F(TaxonomyServiceTest, DeleteRefusedWhileACollectionAppliesIt) {
  auto t = Create(Flat(std::nullopt));
  auto c = std::move(h_.store->GetCollection("col_items")).value();
  c.collection_id = "col_applies";
  c.collection_name = "applies";
  model::TaxonomyApplication app;
  app.taxonomy_id = t.taxonomy_id;
  c.taxonomy_applications = {app};
  ASSERT_TRUE(h_.store->InsertCollection(c).ok());
  EXPECT_EQ(taxonomies_->Delete(h_, t.taxonomy_id).code(), StatusCode::kFailedPrecondition);
  ASSERT_TRUE(h_.store->DeleteCollection("col_applies").ok());
  EXPECT_TRUE(taxonomies_->Delete(h_, t.taxonomy_id).ok());
}

}  // namespace
}  // namespace ferry::service
