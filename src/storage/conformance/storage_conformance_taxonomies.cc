// Conformance: taxonomies (flat and hierarchical round trips, names unique, list order,
// update and delete) and the taxonomy_applications of collections.

#include <string>
#include <vector>

#include "storage/conformance/storage_conformance.h"

namespace ferry::storage::testing {
namespace {

model::Taxonomy FlatTaxonomy(const std::string& id, const std::string& name,
                             TimestampMs created_at) {
  model::Taxonomy t;
  t.taxonomy_id = id;
  t.taxonomy_name = name;
  t.description = "labels";
  t.retriever_id = "ret_1";
  t.input_mappings =
      std::vector<model::InputMapping>{{"query", "payload", std::string("text"), model::Value()},
                                       {"k", "literal", std::nullopt, model::Value(int64_t{3})}};
  t.source_collection_id = "col_ref";
  t.enrichment_fields = std::vector<model::EnrichmentField>{
      {"category", std::nullopt, "replace"}, {"meta.tags", std::string("tags"), "append"}};
  t.step_analytics = SampleValue();
  t.metadata = SampleValue();
  t.version = 2;
  t.created_at = created_at;
  t.updated_at = created_at + 7;
  return t;
}

model::Taxonomy HierarchicalTaxonomy() {
  model::Taxonomy t;
  t.taxonomy_id = "tax_h";
  t.taxonomy_name = "tree";
  t.taxonomy_type = "hierarchical";
  model::TaxonomyNode root;
  root.collection_id = "col_root";
  root.label = "Root";
  root.keywords = std::vector<std::string>{"a", "b"};
  root.retriever_id = "ret_root";
  root.enrichment_fields = std::vector<model::EnrichmentField>{{"group", std::nullopt, "replace"}};
  root.input_mappings =
      std::vector<model::InputMapping>{{"query", "payload", std::string("text"), model::Value()}};
  model::TaxonomyNode child;
  child.collection_id = "col_child";
  child.parent_collection_id = "col_root";
  child.summary = "leaves";
  t.nodes = {root, child};
  t.metadata = model::Value(model::ValueObject{});
  t.created_at = t.updated_at = 5;
  return t;
}

void ExpectSameMappings(const std::optional<std::vector<model::InputMapping>>& want,
                        const std::optional<std::vector<model::InputMapping>>& got) {
  ASSERT_EQ(want.has_value(), got.has_value());
  if (!want) return;
  ASSERT_EQ(want->size(), got->size());
  for (size_t i = 0; i < want->size(); ++i) {
    EXPECT_EQ((*want)[i].input_key, (*got)[i].input_key);
    EXPECT_EQ((*want)[i].source_type, (*got)[i].source_type);
    EXPECT_EQ((*want)[i].path, (*got)[i].path);
    ExpectSameValue((*want)[i].override_value, (*got)[i].override_value);
  }
}

void ExpectSameFields(const std::optional<std::vector<model::EnrichmentField>>& want,
                      const std::optional<std::vector<model::EnrichmentField>>& got) {
  ASSERT_EQ(want.has_value(), got.has_value());
  if (!want) return;
  ASSERT_EQ(want->size(), got->size());
  for (size_t i = 0; i < want->size(); ++i) {
    EXPECT_EQ((*want)[i].field_path, (*got)[i].field_path);
    EXPECT_EQ((*want)[i].target_field, (*got)[i].target_field);
    EXPECT_EQ((*want)[i].merge_mode, (*got)[i].merge_mode);
  }
}

void ExpectSameTaxonomy(const model::Taxonomy& want, const model::Taxonomy& got) {
  EXPECT_EQ(want.taxonomy_id, got.taxonomy_id);
  EXPECT_EQ(want.taxonomy_name, got.taxonomy_name);
  EXPECT_EQ(want.description, got.description);
  EXPECT_EQ(want.taxonomy_type, got.taxonomy_type);
  EXPECT_EQ(want.retriever_id, got.retriever_id);
  ExpectSameMappings(want.input_mappings, got.input_mappings);
  EXPECT_EQ(want.source_collection_id, got.source_collection_id);
  ExpectSameFields(want.enrichment_fields, got.enrichment_fields);
  ASSERT_EQ(want.nodes.size(), got.nodes.size());
  for (size_t i = 0; i < want.nodes.size(); ++i) {
    const auto& w = want.nodes[i];
    const auto& g = got.nodes[i];
    EXPECT_EQ(w.collection_id, g.collection_id);
    EXPECT_EQ(w.parent_collection_id, g.parent_collection_id);
    EXPECT_EQ(w.label, g.label);
    EXPECT_EQ(w.summary, g.summary);
    EXPECT_EQ(w.keywords, g.keywords);
    EXPECT_EQ(w.retriever_id, g.retriever_id);
    ExpectSameFields(w.enrichment_fields, g.enrichment_fields);
    ExpectSameMappings(w.input_mappings, g.input_mappings);
  }
  ExpectSameValue(want.step_analytics, got.step_analytics);
  ExpectSameValue(want.metadata, got.metadata);
  EXPECT_EQ(want.version, got.version);
  EXPECT_EQ(want.created_at, got.created_at);
  EXPECT_EQ(want.updated_at, got.updated_at);
}

TEST_P(NamespaceConformanceTest, TaxonomiesRoundTripAndNamesAreUnique) {
  auto flat = FlatTaxonomy("tax_1", "one", 10);
  ASSERT_OK(store().InsertTaxonomy(flat));
  ASSERT_OK_AND_ASSIGN(auto got, store().GetTaxonomy("tax_1"));
  ExpectSameTaxonomy(flat, got);
  ASSERT_OK_AND_ASSIGN(auto by_name, store().GetTaxonomyByName("one"));
  ExpectSameTaxonomy(flat, by_name);
  auto tree = HierarchicalTaxonomy();
  ASSERT_OK(store().InsertTaxonomy(tree));
  ASSERT_OK_AND_ASSIGN(auto got_tree, store().GetTaxonomy("tax_h"));
  ExpectSameTaxonomy(tree, got_tree);
  EXPECT_EQ(STATUS_CODE(store().InsertTaxonomy(FlatTaxonomy("tax_2", "one", 1))),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(STATUS_CODE(store().InsertTaxonomy(FlatTaxonomy("tax_1", "other", 1))),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(STATUS_CODE(store().GetTaxonomy("tax_none")), StatusCode::kNotFound);
  EXPECT_EQ(STATUS_CODE(store().GetTaxonomyByName("none")), StatusCode::kNotFound);
}

TEST_P(NamespaceConformanceTest, TaxonomiesListInCreationOrderUpdateAndDelete) {
  ASSERT_OK(store().InsertTaxonomy(FlatTaxonomy("tax_b", "b", 200)));
  ASSERT_OK(store().InsertTaxonomy(FlatTaxonomy("tax_a", "a", 300)));
  ASSERT_OK(store().InsertTaxonomy(FlatTaxonomy("tax_c", "c", 100)));
  ASSERT_OK_AND_ASSIGN(auto all, store().ListTaxonomies({0, 10}));
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].taxonomy_id, "tax_c");
  EXPECT_EQ(all[1].taxonomy_id, "tax_b");
  EXPECT_EQ(all[2].taxonomy_id, "tax_a");
  ASSERT_OK_AND_ASSIGN(auto page, store().ListTaxonomies({1, 1}));
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].taxonomy_id, "tax_b");
  ASSERT_OK_AND_ASSIGN(int64_t n, store().CountTaxonomies());
  EXPECT_EQ(n, 3);

  auto changed = FlatTaxonomy("tax_b", "b2", 200);
  changed.version = 9;
  ASSERT_OK(store().UpdateTaxonomy(changed));
  ASSERT_OK_AND_ASSIGN(auto got, store().GetTaxonomyByName("b2"));
  ExpectSameTaxonomy(changed, got);
  EXPECT_EQ(STATUS_CODE(store().UpdateTaxonomy(FlatTaxonomy("tax_b", "a", 1))),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(STATUS_CODE(store().UpdateTaxonomy(FlatTaxonomy("tax_x", "x", 1))),
            StatusCode::kNotFound);

  ASSERT_OK(store().DeleteTaxonomy("tax_b"));
  EXPECT_EQ(STATUS_CODE(store().GetTaxonomy("tax_b")), StatusCode::kNotFound);
  EXPECT_EQ(STATUS_CODE(store().DeleteTaxonomy("tax_b")), StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(n, store().CountTaxonomies());
  EXPECT_EQ(n, 2);
}

TEST_P(NamespaceConformanceTest, CollectionTaxonomyApplicationsRoundTrip) {
  auto plain = SampleCollection("col_plain", "plain");
  ASSERT_OK(store().InsertCollection(plain));
  auto c = SampleCollection("col_apps", "apps");
  model::TaxonomyApplication first;
  first.taxonomy_id = "tax_1";
  model::TaxonomyApplication second;
  second.taxonomy_id = "tax_2";
  second.scroll_filters = SampleValue();
  second.execution_phase = 2;
  second.priority = 7;
  second.hierarchical_enrichment_style = "best_match";
  c.taxonomy_applications = {first, second};
  ASSERT_OK(store().InsertCollection(c));

  ASSERT_OK_AND_ASSIGN(auto got_plain, store().GetCollection("col_plain"));
  EXPECT_TRUE(got_plain.taxonomy_applications.empty());
  ASSERT_OK_AND_ASSIGN(auto got, store().GetCollectionByName("apps"));
  ASSERT_EQ(got.taxonomy_applications.size(), 2u);
  EXPECT_EQ(got.taxonomy_applications[0].taxonomy_id, "tax_1");
  EXPECT_EQ(got.taxonomy_applications[0].execution_mode, "materialize");
  EXPECT_EQ(got.taxonomy_applications[0].target_collection_id, std::nullopt);
  EXPECT_EQ(got.taxonomy_applications[0].execution_phase, 1);
  EXPECT_EQ(got.taxonomy_applications[0].hierarchical_enrichment_style, "combined");
  const auto& s = got.taxonomy_applications[1];
  EXPECT_EQ(s.taxonomy_id, "tax_2");
  ExpectSameValue(second.scroll_filters, s.scroll_filters);
  EXPECT_EQ(s.execution_phase, 2);
  EXPECT_EQ(s.priority, 7);
  EXPECT_EQ(s.hierarchical_enrichment_style, "best_match");
  ASSERT_OK_AND_ASSIGN(auto listed, store().ListCollections({0, 10}));
  ASSERT_EQ(listed.size(), 2u);
  for (const auto& l : listed) {
    EXPECT_EQ(l.taxonomy_applications.size(), l.collection_id == "col_apps" ? 2u : 0u);
  }
}

}  // namespace
}  // namespace ferry::storage::testing
