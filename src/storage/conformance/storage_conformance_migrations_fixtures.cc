// Sample migrations and their comparisons for the storage conformance suite.

#include <string>

#include "storage/conformance/storage_conformance.h"

namespace ferry::storage::testing {

using model::Value;
using model::ValueArray;
using model::ValueObject;

namespace {

model::MigrationConfig SampleConfig() {
  model::MigrationConfig c;
  c.migration_type = model::MigrationType::kReExtract;
  c.source_namespace_id = "ns_source";
  c.target_namespace_id = "ns_target";
  c.target_namespace_name = "target";
  c.feature_extractors = std::vector<model::MigrationExtractor>{
      {"text_extractor", "v2", SampleValue()}, {"image_extractor", std::nullopt, Value()}};
  model::ResourceFilter f;
  f.collection_ids = std::vector<std::string>{"col_1", "col_2"};
  f.taxonomy_ids = std::vector<std::string>{};  // set but empty, not unset
  f.retriever_ids = std::vector<std::string>{"ret_1"};
  f.after = 1000;
  ValueObject date_range;
  date_range.Set("after", "1970-01-01T00:00:01Z");
  f.date_range = date_range;
  f.auto_include_dependencies = false;
  c.filters = f;
  c.batch_options = model::BatchOptions{250, 3, false};
  c.taxonomy_options = model::TaxonomyOptions{false, false, true, false};
  c.cluster_options = model::ClusterOptions{false, false, false, false, true};
  c.retriever_options = model::RetrieverOptions{true, true, true, false};
  c.preserve_resource_ids = true;
  c.dry_run = true;
  c.webhook_url = "http://127.0.0.1:9/hook";
  return c;
}

model::ValidationResult SampleValidation() {
  model::ValidationResult v;
  v.valid = false;
  v.errors = {{ValueArray{"body", "filters", "collection_ids", 1}, "unknown collection",
               "value_error.missing"}};
  v.warnings = {{ValueArray{"retrievers", 0}, "dangling reference", "warning"},
                {ValueArray{}, "empty location", "warning"}};
  v.estimated_resources = {{"objects", 1200}, {"documents", 3400}, {"buckets", 0}};
  v.estimated_duration_seconds = 42;
  return v;
}

model::DependencyGraph SampleGraph() {
  model::DependencyGraph g;
  g.nodes = {{"bkt_1", model::ResourceType::kBucket, {}, 0},
             {"col_1", model::ResourceType::kCollection, {"bkt_1"}, 1},
             {"ret_1", model::ResourceType::kRetriever, {"col_1", "bkt_1"}, 2}};
  g.execution_order = {"bkt_1", "col_1", "ret_1"};
  return g;
}

model::MigrationProgress SampleProgress() {
  model::MigrationProgress p;
  p.overall_status = model::MigrationStatus::kInProgress;
  p.overall_progress_percent = 100.0 / 3.0;  // not representable in short decimal
  p.current_stage = model::MigrationStage::kBatchProcessing;
  for (int i = 0; i < model::kMigrationStageCount; ++i) {
    model::StageProgress s;
    s.stage = static_cast<model::MigrationStage>(i);
    s.status = i < 2 ? model::MigrationStatus::kCompleted : model::MigrationStatus::kPending;
    if (i < 3) s.started_at = 5000 + i;
    if (i < 2) s.completed_at = 6000 + i;
    s.progress_percent = i < 2 ? 100.0 : (i == 2 ? 0.1 + 0.2 : 0.0);
    s.items_total = 10 * i;
    s.items_completed = 5 * i;
    s.items_failed = i;
    if (i == 2) s.error_message = "batch 3 failed";
    p.stages.push_back(s);
  }
  p.resources = {{"col_1", model::ResourceType::kCollection, model::MigrationStatus::kInProgress,
                  12.5, std::nullopt},
                 {"clust_1", model::ResourceType::kCluster, model::MigrationStatus::kFailed, 1e-9,
                  "k-means diverged"}};
  p.started_at = 5000;
  p.estimated_completion = 9000;
  return p;
}

void ExpectSameIssues(const model::ValidationIssues& want, const model::ValidationIssues& got) {
  ASSERT_EQ(want.size(), got.size());
  for (size_t i = 0; i < want.size(); ++i) {
    ExpectSameValue(Value(want[i].loc), Value(got[i].loc));
    EXPECT_EQ(want[i].msg, got[i].msg);
    EXPECT_EQ(want[i].type, got[i].type);
  }
}

void ExpectSameFilters(const model::ResourceFilter& want, const model::ResourceFilter& got) {
  EXPECT_EQ(want.collection_ids, got.collection_ids);
  EXPECT_EQ(want.taxonomy_ids, got.taxonomy_ids);
  EXPECT_EQ(want.cluster_ids, got.cluster_ids);
  EXPECT_EQ(want.retriever_ids, got.retriever_ids);
  EXPECT_EQ(want.after, got.after);
  EXPECT_EQ(want.before, got.before);
  ExpectSameValue(want.date_range, got.date_range);
  EXPECT_EQ(want.auto_include_dependencies, got.auto_include_dependencies);
}

// Compares two optional blocks: both unset, or both set and same(want, got).
template <typename T, typename Same>
void ExpectSameOptional(const std::optional<T>& want, const std::optional<T>& got, Same same) {
  ASSERT_EQ(want.has_value(), got.has_value());
  if (want.has_value()) same(*want, *got);
}

void ExpectSameConfig(const model::MigrationConfig& want, const model::MigrationConfig& got) {
  EXPECT_EQ(want.migration_type, got.migration_type);
  EXPECT_EQ(want.source_namespace_id, got.source_namespace_id);
  EXPECT_EQ(want.target_namespace_id, got.target_namespace_id);
  EXPECT_EQ(want.target_namespace_name, got.target_namespace_name);
  ExpectSameOptional(want.feature_extractors, got.feature_extractors,
                     [](const auto& w, const auto& g) {
                       ASSERT_EQ(w.size(), g.size());
                       for (size_t i = 0; i < w.size(); ++i) {
                         EXPECT_EQ(w[i].name, g[i].name);
                         EXPECT_EQ(w[i].version, g[i].version);
                         ExpectSameValue(w[i].parameters, g[i].parameters);
                       }
                     });
  ExpectSameOptional(want.filters, got.filters, ExpectSameFilters);
  ExpectSameOptional(want.batch_options, got.batch_options, [](const auto& w, const auto& g) {
    EXPECT_EQ(w.batch_size, g.batch_size);
    EXPECT_EQ(w.max_workers, g.max_workers);
    EXPECT_EQ(w.retry_failed, g.retry_failed);
  });
  ExpectSameOptional(want.taxonomy_options, got.taxonomy_options, [](const auto& w, const auto& g) {
    EXPECT_EQ(w.preserve_taxonomy_ids, g.preserve_taxonomy_ids);
    EXPECT_EQ(w.preserve_enrichment_fields, g.preserve_enrichment_fields);
    EXPECT_EQ(w.re_run_enrichment, g.re_run_enrichment);
    EXPECT_EQ(w.migrate_reference_collections, g.migrate_reference_collections);
  });
  ExpectSameOptional(want.cluster_options, got.cluster_options, [](const auto& w, const auto& g) {
    EXPECT_EQ(w.preserve_cluster_ids, g.preserve_cluster_ids);
    EXPECT_EQ(w.preserve_assignments, g.preserve_assignments);
    EXPECT_EQ(w.migrate_artifacts, g.migrate_artifacts);
    EXPECT_EQ(w.preserve_centroids, g.preserve_centroids);
    EXPECT_EQ(w.recompute_clusters, g.recompute_clusters);
  });
  ExpectSameOptional(want.retriever_options, got.retriever_options,
                     [](const auto& w, const auto& g) {
                       EXPECT_EQ(w.preserve_retriever_ids, g.preserve_retriever_ids);
                       EXPECT_EQ(w.migrate_interactions, g.migrate_interactions);
                       EXPECT_EQ(w.migrate_execution_history, g.migrate_execution_history);
                       EXPECT_EQ(w.validate_references, g.validate_references);
                     });
  EXPECT_EQ(want.preserve_resource_ids, got.preserve_resource_ids);
  EXPECT_EQ(want.dry_run, got.dry_run);
  EXPECT_EQ(want.webhook_url, got.webhook_url);
}

void ExpectSameProgress(const model::MigrationProgress& want, const model::MigrationProgress& got) {
  EXPECT_EQ(want.overall_status, got.overall_status);
  EXPECT_EQ(want.overall_progress_percent, got.overall_progress_percent);  // bit-exact
  EXPECT_EQ(want.current_stage, got.current_stage);
  ASSERT_EQ(want.stages.size(), got.stages.size());
  for (size_t i = 0; i < want.stages.size(); ++i) {
    const auto& w = want.stages[i];
    const auto& g = got.stages[i];
    EXPECT_EQ(w.stage, g.stage);
    EXPECT_EQ(w.status, g.status);
    EXPECT_EQ(w.started_at, g.started_at);
    EXPECT_EQ(w.completed_at, g.completed_at);
    EXPECT_EQ(w.progress_percent, g.progress_percent);
    EXPECT_EQ(w.items_total, g.items_total);
    EXPECT_EQ(w.items_completed, g.items_completed);
    EXPECT_EQ(w.items_failed, g.items_failed);
    EXPECT_EQ(w.error_message, g.error_message);
  }
  ASSERT_EQ(want.resources.size(), got.resources.size());
  for (size_t i = 0; i < want.resources.size(); ++i) {
    const auto& w = want.resources[i];
    const auto& g = got.resources[i];
    EXPECT_EQ(w.resource_id, g.resource_id);
    EXPECT_EQ(w.resource_type, g.resource_type);
    EXPECT_EQ(w.status, g.status);
    EXPECT_EQ(w.progress_percent, g.progress_percent);
    EXPECT_EQ(w.error_message, g.error_message);
  }
  EXPECT_EQ(want.started_at, got.started_at);
  EXPECT_EQ(want.estimated_completion, got.estimated_completion);
}

void ExpectSameValidation(const model::ValidationResult& want, const model::ValidationResult& got) {
  EXPECT_EQ(want.valid, got.valid);
  ExpectSameIssues(want.errors, got.errors);
  ExpectSameIssues(want.warnings, got.warnings);
  EXPECT_EQ(want.estimated_resources, got.estimated_resources);
  EXPECT_EQ(want.estimated_duration_seconds, got.estimated_duration_seconds);
}

void ExpectSameGraph(const model::DependencyGraph& want, const model::DependencyGraph& got) {
  ASSERT_EQ(want.nodes.size(), got.nodes.size());
  for (size_t i = 0; i < want.nodes.size(); ++i) {
    EXPECT_EQ(want.nodes[i].resource_id, got.nodes[i].resource_id);
    EXPECT_EQ(want.nodes[i].resource_type, got.nodes[i].resource_type);
    EXPECT_EQ(want.nodes[i].dependencies, got.nodes[i].dependencies);
    EXPECT_EQ(want.nodes[i].tier, got.nodes[i].tier);
  }
  EXPECT_EQ(want.execution_order, got.execution_order);
}

}  // namespace

model::Migration SampleMigration(const std::string& org_id, const std::string& migration_id) {
  model::Migration m;
  m.migration_id = migration_id;
  m.org_id = org_id;
  m.config = SampleConfig();
  m.status = model::MigrationStatus::kInProgress;
  m.progress = SampleProgress();
  m.validation_result = SampleValidation();
  m.dependency_graph = SampleGraph();
  m.task_id = "task_mig";
  m.created_at = 4000;
  m.started_at = 5000;
  m.completed_at = 9500;
  m.error_message = "not yet";
  m.additional_data = SampleValue();
  return m;
}

model::Migration MinimalMigration(const std::string& org_id, const std::string& migration_id) {
  model::Migration m;
  m.migration_id = migration_id;
  m.org_id = org_id;
  m.config.source_namespace_id = "ns_source";
  m.created_at = 1;
  return m;
}

model::Migration DefaultBlocksMigration(const std::string& org_id,
                                        const std::string& migration_id) {
  model::Migration m = MinimalMigration(org_id, migration_id);
  m.config.feature_extractors = std::vector<model::MigrationExtractor>{};
  m.config.filters = model::ResourceFilter{};
  m.config.batch_options = model::BatchOptions{};
  m.config.taxonomy_options = model::TaxonomyOptions{};
  m.config.cluster_options = model::ClusterOptions{};
  m.config.retriever_options = model::RetrieverOptions{};
  m.validation_result = model::ValidationResult{};
  m.dependency_graph = model::DependencyGraph{};
  m.progress.current_stage = model::MigrationStage::kNamespaceSetup;
  return m;
}

model::MigrationBatch SampleMigrationBatch(const std::string& migration_id, int64_t batch_no) {
  model::MigrationBatch b;
  b.migration_id = migration_id;
  b.batch_no = batch_no;
  b.resource_id = std::string("col_").append(std::to_string(batch_no % 3));
  b.resource_type = model::ResourceType::kCollection;
  b.tier = static_cast<int>(batch_no % 4);
  b.item_ids = {std::string("doc_").append(std::to_string(batch_no)), "doc_x"};
  return b;
}

void ExpectSameValue(const Value& want, const Value& got) {
  ASSERT_EQ(want.kind(), got.kind());
  if (want.is_array()) {
    ASSERT_EQ(want.as_array().size(), got.as_array().size());
    for (size_t i = 0; i < want.as_array().size(); ++i) {
      ExpectSameValue(want.as_array()[i], got.as_array()[i]);
    }
  } else if (want.is_object()) {
    ASSERT_EQ(want.as_object().size(), got.as_object().size());
    auto g = got.as_object().begin();
    for (const auto& [key, value] : want.as_object()) {  // same keys in the same order
      EXPECT_EQ(key, g->first);
      ExpectSameValue(value, g->second);
      ++g;
    }
  } else {
    EXPECT_TRUE(want == got);
  }
}

void ExpectSame(const model::Migration& want, const model::Migration& got) {
  EXPECT_EQ(want.migration_id, got.migration_id);
  EXPECT_EQ(want.org_id, got.org_id);
  ExpectSameConfig(want.config, got.config);
  EXPECT_EQ(want.status, got.status);
  ExpectSameProgress(want.progress, got.progress);
  ExpectSameOptional(want.validation_result, got.validation_result, ExpectSameValidation);
  ExpectSameOptional(want.dependency_graph, got.dependency_graph, ExpectSameGraph);
  EXPECT_EQ(want.task_id, got.task_id);
  EXPECT_EQ(want.created_at, got.created_at);
  EXPECT_EQ(want.started_at, got.started_at);
  EXPECT_EQ(want.completed_at, got.completed_at);
  EXPECT_EQ(want.error_message, got.error_message);
  ExpectSameValue(want.additional_data, got.additional_data);
}

void ExpectSame(const model::MigrationBatch& want, const model::MigrationBatch& got) {
  EXPECT_EQ(want.migration_id, got.migration_id);
  EXPECT_EQ(want.batch_no, got.batch_no);
  EXPECT_EQ(want.resource_id, got.resource_id);
  EXPECT_EQ(want.resource_type, got.resource_type);
  EXPECT_EQ(want.tier, got.tier);
  EXPECT_EQ(want.item_ids, got.item_ids);
  EXPECT_EQ(want.status, got.status);
  EXPECT_EQ(want.attempts, got.attempts);
  EXPECT_EQ(want.items_failed, got.items_failed);
  EXPECT_EQ(want.error, got.error);
}

}  // namespace ferry::storage::testing
