#include "migration/clone_service.h"

#include <gtest/gtest.h>

#include "migration/collection_copy.h"
#include "migration/run_context.h"

namespace ferry::migration {
namespace {

SourceSnapshot Snapshot(bool taxonomy) {
  SourceSnapshot s;
  s.buckets.resize(2);
  s.buckets[0].bucket_id = "bkt_a";
  s.buckets[1].bucket_id = "bkt_unused";
  s.collections.resize(1);
  s.collections[0].collection_id = "col_a";
  s.clusters.resize(1);
  s.clusters[0].cluster_id = "clust_a";
  s.retrievers.resize(1);
  s.retrievers[0].retriever_id = "ret_a";
  if (taxonomy) {
    s.taxonomies.resize(1);
    s.taxonomies[0].taxonomy_id = "tax_a";
  }
  return s;
}

TEST(CloneFiltersTest, NothingExcludedThatExistsSelectsEverything) {
  model::NamespaceCloneRequest req;  // collections + retrievers, no taxonomies
  auto f = CloneFilters(req, Snapshot(/*taxonomy=*/false));
  ASSERT_TRUE(f.ok());
  EXPECT_FALSE(f->has_value());  // no filter: unused buckets come along too
}

TEST(CloneFiltersTest, AnExcludedKindThatExistsListsTheIncludedOnes) {
  model::NamespaceCloneRequest req;
  auto f = CloneFilters(req, Snapshot(/*taxonomy=*/true));
  ASSERT_TRUE(f.ok());
  ASSERT_TRUE(f->has_value());
  EXPECT_EQ((*f)->collection_ids, std::vector<std::string>{"col_a"});
  EXPECT_EQ((*f)->cluster_ids, std::vector<std::string>{"clust_a"});
  EXPECT_EQ((*f)->retriever_ids, std::vector<std::string>{"ret_a"});
  EXPECT_FALSE((*f)->taxonomy_ids.has_value());
  EXPECT_TRUE((*f)->auto_include_dependencies);

  req.retrievers = false;
  f = CloneFilters(req, Snapshot(false));
  ASSERT_TRUE(f.ok() && f->has_value());
  EXPECT_FALSE((*f)->retriever_ids.has_value());
  EXPECT_EQ((*f)->collection_ids, std::vector<std::string>{"col_a"});
}

TEST(CloneFiltersTest, OnlyBucketsLeftIsRefused) {
  model::NamespaceCloneRequest req;
  req.collections = req.retrievers = false;
  auto f = CloneFilters(req, Snapshot(false));
  EXPECT_EQ(f.status().code(), StatusCode::kInvalidArgument);
}

TEST(ClonedNamespaceTest, KeepsTheSourceConfigurationUnderTheNewIdAndName) {
  model::Namespace source;
  source.namespace_id = "ns_src";
  source.namespace_name = "prod";
  source.description = "production";
  source.feature_extractors = {{"text_extractor", "v1", model::Value()}};
  auto ns = ClonedNamespace(source, "ns_new", "staging", std::nullopt, 42);
  EXPECT_EQ(ns.namespace_id, "ns_new");
  EXPECT_EQ(ns.namespace_name, "staging");
  EXPECT_EQ(ns.description, "production");
  EXPECT_EQ(ns.feature_extractors.size(), 1u);
  EXPECT_EQ(ns.created_at, 42);
  EXPECT_EQ(ClonedNamespace(source, "ns_new", "s", "other", 1).description, "other");
}

TEST(CollectionCopyTest, ACopyHasANewIdInTheTargetAndKeepsItsLineage) {
  model::Collection target;
  target.collection_id = "col_new";
  model::Document d;
  d.document_id = "doc_1";
  d.collection_id = "col_old";
  d.lineage.root_object_id = "obj_1";
  d.lineage.root_bucket_id = "bkt_1";
  d.lineage.source_object_id = "obj_1";
  d.lineage.path = "bkt_1/col_old";
  d.vectors = {{"mixpeek://text_extractor@v1/embedding", {1, 2}}};
  model::Document c = CopiedDocument(d, target);
  EXPECT_EQ(c.document_id, MapId("col_new", "doc_1", false));
  EXPECT_EQ(c.document_id.rfind("doc_", 0), 0u);
  EXPECT_NE(c.document_id, "doc_1");
  EXPECT_EQ(c.collection_id, "col_new");
  EXPECT_EQ(c.lineage.root_object_id, "obj_1");
  EXPECT_EQ(c.lineage.source_object_id, "obj_1");
  EXPECT_EQ(c.lineage.path, "bkt_1/col_new");
  EXPECT_EQ(c.vectors.size(), 1u);
  EXPECT_EQ(CopiedDocument(d, target).document_id, c.document_id) << "deterministic";
}

TEST(SameDerivationTest, SourceAndExtractorDecide) {
  model::Collection a;
  a.source.bucket_ids = {"bkt_1"};
  a.extractor.name = "text_extractor";
  a.extractor.version = "v1";
  a.extractor.field_passthrough = {{"rank", std::nullopt, model::Value(), false}};
  model::Collection b = a;
  b.collection_name = "other";
  b.metadata = model::Value(model::ValueObject{});
  EXPECT_TRUE(SameDerivation(a, b));
  b.extractor.field_passthrough.clear();
  EXPECT_FALSE(SameDerivation(a, b));
  b = a;
  b.source.bucket_ids = {"bkt_2"};
  EXPECT_FALSE(SameDerivation(a, b));
  b = a;
  b.extractor.version = "v2";
  EXPECT_FALSE(SameDerivation(a, b));
}

}  // namespace
}  // namespace ferry::migration
