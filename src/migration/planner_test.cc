#include "migration/planner.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace ferry::migration {
namespace {

using model::ResourceType;

std::vector<ResourceRef> Graph() {
  // bkt_a ← col_1 ← col_2 ← col_3;  bkt_b ← col_4;  bkt_c (unused)
  return {
      {"col_3", ResourceType::kCollection, {"col_2"}},
      {"bkt_a", ResourceType::kBucket, {}},
      {"col_1", ResourceType::kCollection, {"bkt_a"}},
      {"col_2", ResourceType::kCollection, {"col_1"}},
      {"bkt_b", ResourceType::kBucket, {}},
      {"col_4", ResourceType::kCollection, {"bkt_b"}},
      {"bkt_c", ResourceType::kBucket, {}},
  };
}

int TierOf(const Plan& p, const std::string& id) { return p.graph.Find(id)->tier; }

TEST(PlannerTest, NoFiltersSelectsEverythingInStableTopologicalOrder) {
  Plan p = PlanMigration(Graph(), model::ResourceFilter{});
  EXPECT_TRUE(p.errors.empty());
  EXPECT_EQ(p.graph.nodes.size(), 7u);
  EXPECT_EQ(p.graph.execution_order, std::vector<std::string>({"bkt_a", "bkt_b", "bkt_c", "col_1",
                                                               "col_4", "col_2", "col_3"}));
  EXPECT_EQ(TierOf(p, "bkt_a"), 0);
  EXPECT_EQ(TierOf(p, "col_1"), 1);
  EXPECT_EQ(TierOf(p, "col_2"), 2);
  EXPECT_EQ(TierOf(p, "col_3"), 3);
  EXPECT_EQ(p.graph.Find("col_2")->dependencies, std::vector<std::string>({"col_1"}));
}

TEST(PlannerTest, AutoIncludePullsInTransitiveDependenciesOnly) {
  model::ResourceFilter f;
  f.collection_ids = std::vector<std::string>{"col_3"};
  Plan p = PlanMigration(Graph(), f);
  EXPECT_TRUE(p.errors.empty());
  EXPECT_EQ(p.graph.execution_order,
            std::vector<std::string>({"bkt_a", "col_1", "col_2", "col_3"}));
  EXPECT_EQ(p.graph.Find("col_4"), nullptr);
  EXPECT_EQ(p.graph.Find("bkt_c"), nullptr);
}

TEST(PlannerTest, MissingDependencyWithoutAutoIncludeIsAnError) {
  model::ResourceFilter f;
  f.collection_ids = std::vector<std::string>{"col_2"};
  f.auto_include_dependencies = false;
  Plan p = PlanMigration(Graph(), f);
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_EQ(p.errors[0].type, "missing_dependency");
  EXPECT_EQ(p.errors[0].loc, model::ValueArray({model::Value("config"), model::Value("filters"),
                                                model::Value("collection_ids")}));
  EXPECT_NE(p.errors[0].msg.find("col_1"), std::string::npos);
  // Selected alone, its dependency edge is dropped and it sits at tier 0.
  EXPECT_EQ(p.graph.execution_order, std::vector<std::string>({"col_2"}));
}

TEST(PlannerTest, UnknownFilterIdsAreLocated) {
  model::ResourceFilter f;
  f.collection_ids = std::vector<std::string>{"col_1", "col_nope", "bkt_a"};
  f.retriever_ids = std::vector<std::string>{"ret_x"};
  Plan p = PlanMigration(Graph(), f);
  ASSERT_EQ(p.errors.size(), 3u);
  EXPECT_EQ(p.errors[0].loc.back().as_int(), 1);
  EXPECT_EQ(p.errors[1].loc.back().as_int(), 2);  // a bucket is not a collection
  EXPECT_EQ(p.errors[2].loc[2].as_string(), "retriever_ids");
}

TEST(PlannerTest, CyclesAreReportedByName) {
  std::vector<ResourceRef> g = {
      {"col_x", ResourceType::kCollection, {"col_y"}},
      {"col_y", ResourceType::kCollection, {"col_z"}},
      {"col_z", ResourceType::kCollection, {"col_x"}},
      {"bkt_ok", ResourceType::kBucket, {}},
  };
  Plan p = PlanMigration(g, model::ResourceFilter{});
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_EQ(p.errors[0].type, "dependency_cycle");
  for (const char* id : {"col_x", "col_y", "col_z"}) {
    EXPECT_NE(p.errors[0].msg.find(id), std::string::npos) << id;
  }
  EXPECT_EQ(p.graph.execution_order, std::vector<std::string>({"bkt_ok"}));
}

TEST(PlannerTest, OrderIsStableUnderInputPermutation) {
  auto g = Graph();
  Plan first = PlanMigration(g, model::ResourceFilter{});
  std::reverse(g.begin(), g.end());
  Plan second = PlanMigration(g, model::ResourceFilter{});
  EXPECT_EQ(first.graph.execution_order, second.graph.execution_order);
}

TEST(PlannerTest, ResourcesOfDerivesEdgesFromSources) {
  SourceSnapshot s;
  model::Bucket b;
  b.bucket_id = "bkt_1";
  s.buckets.push_back(b);
  model::Collection c1;
  c1.collection_id = "col_1";
  c1.source.bucket_ids = {"bkt_1"};
  model::Collection c2;
  c2.collection_id = "col_2";
  c2.source.type = model::SourceType::kCollection;
  c2.source.collection_id = "col_1";
  s.collections = {c1, c2};
  auto refs = ResourcesOf(s);
  ASSERT_EQ(refs.size(), 3u);
  EXPECT_EQ(refs[1].dependencies, std::vector<std::string>({"bkt_1"}));
  EXPECT_EQ(refs[2].dependencies, std::vector<std::string>({"col_1"}));
}

// Clusters depend on their input collections (ResourcesOf), so selecting one by
// cluster_ids pulls the collections and their buckets in.
SourceSnapshot ClusterSnapshot() {
  SourceSnapshot s;
  model::Bucket b;
  b.bucket_id = "bkt_a";
  s.buckets = {b};
  model::Collection c1, c2;
  c1.collection_id = "col_1";
  c1.source.bucket_ids = {"bkt_a"};
  c2.collection_id = "col_2";
  c2.source.bucket_ids = {"bkt_a"};
  s.collections = {c1, c2};
  model::Cluster k;
  k.cluster_id = "clust_1";
  k.collection_ids = {"col_1"};
  s.clusters = {k};
  return s;
}

TEST(PlannerTest, ClusterDependsOnItsInputCollections) {
  auto resources = ResourcesOf(ClusterSnapshot());
  auto it = std::find_if(resources.begin(), resources.end(),
                         [](const ResourceRef& r) { return r.id == "clust_1"; });
  ASSERT_NE(it, resources.end());
  EXPECT_EQ(it->type, ResourceType::kCluster);
  EXPECT_EQ(it->dependencies, std::vector<std::string>({"col_1"}));

  model::ResourceFilter f;
  f.cluster_ids = std::vector<std::string>{"clust_1"};
  Plan p = PlanMigration(resources, f);
  EXPECT_TRUE(p.errors.empty());
  EXPECT_EQ(p.graph.execution_order, std::vector<std::string>({"bkt_a", "col_1", "clust_1"}));
  EXPECT_EQ(TierOf(p, "clust_1"), 2);
  EXPECT_EQ(p.graph.Find("col_2"), nullptr);

  f.auto_include_dependencies = false;
  Plan strict = PlanMigration(resources, f);
  ASSERT_FALSE(strict.errors.empty());
  EXPECT_EQ(strict.errors[0].type, "missing_dependency");
  EXPECT_EQ(strict.errors[0].loc,
            model::ValueArray(
                {model::Value("config"), model::Value("filters"), model::Value("cluster_ids")}));
  EXPECT_NE(strict.errors[0].msg.find("col_1"), std::string::npos);
}

TEST(PlannerTest, RetrieverDependsOnItsCollectionsAndResourcesItsStagesName) {
  SourceSnapshot s;
  model::Collection c1;
  c1.collection_id = "col_1";
  model::Collection c2;
  c2.collection_id = "col_2";
  s.collections = {c1, c2};
  model::Retriever r;
  r.retriever_id = "ret_1";
  r.collection_ids = {"col_1"};
  model::RetrieverStage st;
  st.stage_id = "attribute_filter";
  model::ValueObject params;
  params.Set("field", "source");
  // col_2 is named inside a nested value; "col_9" names nothing that exists.
  params.Set("value",
             model::Value(model::ValueArray{model::Value("col_2"), model::Value("col_9")}));
  st.parameters = model::Value(std::move(params));
  r.stages = {st};
  s.retrievers = {r};
  auto refs = ResourcesOf(s);
  ASSERT_EQ(refs.size(), 3u);
  EXPECT_EQ(refs[2].type, ResourceType::kRetriever);
  EXPECT_EQ(refs[2].dependencies, std::vector<std::string>({"col_1", "col_2"}));
}

TEST(PlannerTest, LenientRetrieverReferencesAreWarnings) {
  std::vector<ResourceRef> g = {{"bkt_a", ResourceType::kBucket, {}},
                                {"col_1", ResourceType::kCollection, {"bkt_a"}},
                                {"ret_1", ResourceType::kRetriever, {"col_1"}}};
  model::ResourceFilter f;
  f.retriever_ids = std::vector<std::string>{"ret_1"};
  f.auto_include_dependencies = false;
  Plan strict = PlanMigration(g, f);
  ASSERT_EQ(strict.errors.size(), 1u);
  EXPECT_EQ(strict.errors[0].type, "missing_dependency");
  EXPECT_TRUE(strict.warnings.empty());

  PlanOptions lenient;
  lenient.lenient_retriever_references = true;
  Plan p = PlanMigration(g, f, lenient);
  EXPECT_TRUE(p.errors.empty());
  ASSERT_EQ(p.warnings.size(), 1u);
  EXPECT_EQ(p.graph.execution_order, std::vector<std::string>({"ret_1"}));

  // A collection's missing dependency stays an error whatever the option.
  model::ResourceFilter fc;
  fc.collection_ids = std::vector<std::string>{"col_1"};
  fc.auto_include_dependencies = false;
  EXPECT_EQ(PlanMigration(g, fc, lenient).errors.size(), 1u);
}

TEST(PlannerTest, TaxonomyEdgesGoToReferenceCollectionsAndFromApplyingCollections) {
  SourceSnapshot s;
  model::Bucket b;
  b.bucket_id = "bkt_a";
  model::Collection ref;
  ref.collection_id = "col_ref";
  ref.source.bucket_ids = {"bkt_a"};
  model::Collection applying = ref;
  applying.collection_id = "col_app";
  model::TaxonomyApplication app;
  app.taxonomy_id = "tax_1";
  applying.taxonomy_applications = {app};
  model::Taxonomy t;
  t.taxonomy_id = "tax_1";
  t.source_collection_id = "col_ref";
  s.buckets = {b};
  s.collections = {ref, applying};
  s.taxonomies = {t};
  Plan p = PlanMigration(ResourcesOf(s), model::ResourceFilter{});
  EXPECT_TRUE(p.errors.empty());
  EXPECT_EQ(p.graph.Find("tax_1")->dependencies, std::vector<std::string>({"col_ref"}));
  EXPECT_EQ(p.graph.Find("col_app")->dependencies, std::vector<std::string>({"bkt_a", "tax_1"}));
  EXPECT_EQ(p.graph.execution_order,
            std::vector<std::string>({"bkt_a", "col_ref", "tax_1", "col_app"}));
}

TEST(PlannerTest, MigrateReferenceCollectionsPullsThemInWithoutAutoInclude) {
  std::vector<ResourceRef> g = {{"bkt_a", ResourceType::kBucket, {}},
                                {"col_ref", ResourceType::kCollection, {"bkt_a"}},
                                {"col_other", ResourceType::kCollection, {"bkt_a"}},
                                {"tax_1", ResourceType::kTaxonomy, {"col_ref"}}};
  model::ResourceFilter f;
  f.taxonomy_ids = std::vector<std::string>{"tax_1"};
  f.auto_include_dependencies = false;
  Plan pulled = PlanMigration(g, f);  // migrate_reference_collections defaults to true
  EXPECT_TRUE(pulled.errors.empty());
  EXPECT_EQ(pulled.graph.execution_order, std::vector<std::string>({"bkt_a", "col_ref", "tax_1"}));

  PlanOptions off;
  off.migrate_reference_collections = false;
  Plan p = PlanMigration(g, f, off);
  ASSERT_EQ(p.errors.size(), 1u);
  EXPECT_EQ(p.errors[0].type, "missing_dependency");
  EXPECT_EQ(p.errors[0].loc, model::ValueArray({model::Value("config"), model::Value("filters"),
                                                model::Value("taxonomy_ids")}));
  EXPECT_NE(p.errors[0].msg.find("migrate_reference_collections"), std::string::npos);
  // With auto-include the reference collection comes anyway.
  f.auto_include_dependencies = true;
  EXPECT_TRUE(PlanMigration(g, f, off).errors.empty());
}

}  // namespace
}  // namespace ferry::migration
