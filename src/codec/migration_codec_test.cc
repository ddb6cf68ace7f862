#include "codec/migration_codec.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "codec/json_value.h"
#include "common/clock.h"

namespace ferry::codec {
namespace {

namespace json = boost::json;

std::string LocString(const model::ValidationIssue& i) {
  std::string s;
  for (const auto& part : i.loc) {
    s += "/";
    s += part.is_string() ? part.as_string() : std::to_string(part.as_int());
  }
  return s;
}

std::string IssuesString(const model::ValidationIssues& issues) {
  std::string s;
  for (const auto& i : issues) {
    s += LocString(i);
    s += " ";
    s += i.type;
    s += "; ";
  }
  return s;
}

CreateMigrationRequest DecodeCreate(std::string_view text, model::ValidationIssues* issues) {
  json::value body = json::parse(text);
  return DecodeCreateMigration(BodyReader(body, issues));
}

constexpr std::string_view kFullConfig = R"({"config": {
    "migration_type": "re_extract",
    "source_namespace_id": "ns_src",
    "target_namespace_id": "ns_dst",
    "target_namespace_name": "dst",
    "feature_extractors": [
      {"feature_extractor_name": "text_extractor", "version": "v2",
       "parameters": {"model": "small"}},
      {"feature_extractor_name": "image_extractor"}],
    "filters": {"collection_ids": ["col_1", "col_2"], "taxonomy_ids": ["tax_1"],
                "cluster_ids": ["clu_1"], "retriever_ids": ["ret_1"],
                "date_range": {"after": "2024-01-01T00:00:00Z",
                               "before": "2024-02-01T12:30:00.250Z"},
                "auto_include_dependencies": false},
    "batch_options": {"batch_size": 250, "max_workers": 4, "retry_failed": false},
    "taxonomy_options": {"preserve_taxonomy_ids": false, "preserve_enrichment_fields": false,
                         "re_run_enrichment": true, "migrate_reference_collections": false},
    "cluster_options": {"preserve_cluster_ids": false, "preserve_assignments": false,
                        "migrate_artifacts": false, "preserve_centroids": false,
                        "recompute_clusters": true},
    "retriever_options": {"preserve_retriever_ids": true, "migrate_interactions": true,
                          "migrate_execution_history": true, "validate_references": false},
    "preserve_resource_ids": true,
    "dry_run": true,
    "webhook_url": "https://example.com/hook"},
  "start_immediately": true})";

TEST(MigrationCodecTest, DecodesEveryFieldOfAFullConfig) {
  model::ValidationIssues issues;
  auto req = DecodeCreate(kFullConfig, &issues);
  ASSERT_TRUE(issues.empty()) << IssuesString(issues);
  EXPECT_TRUE(req.start_immediately);
  const auto& c = req.config;
  EXPECT_EQ(c.migration_type, model::MigrationType::kReExtract);
  EXPECT_EQ(c.source_namespace_id, "ns_src");
  EXPECT_EQ(c.target_namespace_id, "ns_dst");
  EXPECT_EQ(c.target_namespace_name, "dst");
  ASSERT_TRUE(c.feature_extractors.has_value());
  ASSERT_EQ(c.feature_extractors->size(), 2u);
  const auto& ex0 = (*c.feature_extractors)[0];
  EXPECT_EQ(ex0.name, "text_extractor");
  EXPECT_EQ(ex0.version, "v2");
  ASSERT_NE(ex0.parameters.Get("model"), nullptr);
  EXPECT_EQ(ex0.parameters.Get("model")->as_string(), "small");
  const auto& ex1 = (*c.feature_extractors)[1];
  EXPECT_EQ(ex1.name, "image_extractor");
  EXPECT_FALSE(ex1.version.has_value());
  EXPECT_TRUE(ex1.parameters.is_null());

  ASSERT_TRUE(c.filters.has_value());
  const auto& f = *c.filters;
  EXPECT_EQ(f.collection_ids, (std::vector<std::string>{"col_1", "col_2"}));
  EXPECT_EQ(f.taxonomy_ids, (std::vector<std::string>{"tax_1"}));
  EXPECT_EQ(f.cluster_ids, (std::vector<std::string>{"clu_1"}));
  EXPECT_EQ(f.retriever_ids, (std::vector<std::string>{"ret_1"}));
  EXPECT_EQ(f.after, ParseIso8601("2024-01-01T00:00:00Z"));
  EXPECT_EQ(f.before, ParseIso8601("2024-02-01T12:30:00.250Z"));
  EXPECT_TRUE(f.date_range.is_object());
  EXPECT_FALSE(f.auto_include_dependencies);

  ASSERT_TRUE(c.batch_options.has_value());
  EXPECT_EQ(c.batch_options->batch_size, 250);
  EXPECT_EQ(c.batch_options->max_workers, 4);
  EXPECT_FALSE(c.batch_options->retry_failed);

  ASSERT_TRUE(c.taxonomy_options.has_value());
  EXPECT_FALSE(c.taxonomy_options->preserve_taxonomy_ids);
  EXPECT_FALSE(c.taxonomy_options->preserve_enrichment_fields);
  EXPECT_TRUE(c.taxonomy_options->re_run_enrichment);
  EXPECT_FALSE(c.taxonomy_options->migrate_reference_collections);

  ASSERT_TRUE(c.cluster_options.has_value());
  EXPECT_FALSE(c.cluster_options->preserve_cluster_ids);
  EXPECT_FALSE(c.cluster_options->preserve_assignments);
  EXPECT_FALSE(c.cluster_options->migrate_artifacts);
  EXPECT_FALSE(c.cluster_options->preserve_centroids);
  EXPECT_TRUE(c.cluster_options->recompute_clusters);

  ASSERT_TRUE(c.retriever_options.has_value());
  EXPECT_TRUE(c.retriever_options->preserve_retriever_ids);
  EXPECT_TRUE(c.retriever_options->migrate_interactions);
  EXPECT_TRUE(c.retriever_options->migrate_execution_history);
  EXPECT_FALSE(c.retriever_options->validate_references);

  EXPECT_TRUE(c.preserve_resource_ids);
  EXPECT_TRUE(c.dry_run);
  EXPECT_EQ(c.webhook_url, "https://example.com/hook");
}

TEST(MigrationCodecTest, OmittedBlocksStayUnsetAndEncodeWithDefaults) {
  model::ValidationIssues issues;
  auto req = DecodeCreate(
      R"({"config": {"migration_type": "copy", "source_namespace_id": "ns_1", "filters": null}})",
      &issues);
  ASSERT_TRUE(issues.empty()) << IssuesString(issues);
  const auto& c = req.config;
  EXPECT_FALSE(req.start_immediately);
  EXPECT_EQ(c.migration_type, model::MigrationType::kCopy);
  EXPECT_FALSE(c.target_namespace_id.has_value());
  EXPECT_FALSE(c.feature_extractors.has_value());
  EXPECT_FALSE(c.filters.has_value());
  EXPECT_FALSE(c.batch_options.has_value());
  EXPECT_FALSE(c.taxonomy_options.has_value());
  EXPECT_FALSE(c.cluster_options.has_value());
  EXPECT_FALSE(c.retriever_options.has_value());
  EXPECT_FALSE(c.preserve_resource_ids);
  EXPECT_FALSE(c.dry_run);
  EXPECT_FALSE(c.webhook_url.has_value());

  json::value expected = json::parse(R"({
    "migration_type": "copy", "source_namespace_id": "ns_1",
    "target_namespace_id": null, "target_namespace_name": null, "feature_extractors": null,
    "filters": {"collection_ids": null, "taxonomy_ids": null, "cluster_ids": null,
                "retriever_ids": null, "date_range": null, "auto_include_dependencies": true},
    "batch_options": {"batch_size": 100, "max_workers": 10, "retry_failed": true},
    "taxonomy_options": {"preserve_taxonomy_ids": true, "preserve_enrichment_fields": true,
                         "re_run_enrichment": false, "migrate_reference_collections": true},
    "cluster_options": {"preserve_cluster_ids": true, "preserve_assignments": true,
                        "migrate_artifacts": true, "preserve_centroids": true,
                        "recompute_clusters": false},
    "retriever_options": {"preserve_retriever_ids": false, "migrate_interactions": false,
                          "migrate_execution_history": false, "validate_references": true},
    "preserve_resource_ids": false, "dry_run": false, "webhook_url": null})");
  EXPECT_EQ(json::value(EncodeMigrationConfig(c)), expected);
}

TEST(MigrationCodecTest, PartialBlocksKeepDefaultsForOmittedFields) {
  model::ValidationIssues issues;
  auto req = DecodeCreate(R"({"config": {"migration_type": "extend", "source_namespace_id": "n",
      "batch_options": {"max_workers": 2}, "cluster_options": {}}})",
                          &issues);
  ASSERT_TRUE(issues.empty()) << IssuesString(issues);
  ASSERT_TRUE(req.config.batch_options.has_value());
  EXPECT_EQ(req.config.batch_options->batch_size, 100);
  EXPECT_EQ(req.config.batch_options->max_workers, 2);
  EXPECT_TRUE(req.config.batch_options->retry_failed);
  ASSERT_TRUE(req.config.cluster_options.has_value());
  EXPECT_TRUE(req.config.cluster_options->preserve_centroids);
}

struct BadCase {
  std::string config_members;  // spliced after the required members of config
  std::string loc;
  std::string type;
};

TEST(MigrationCodecTest, EachBadConfigFieldIsReportedAtItsLocation) {
  const std::vector<BadCase> cases = {
      {R"("batch_options": {"batch_size": 0})", "/body/config/batch_options/batch_size",
       "greater_than_equal"},
      {R"("batch_options": {"batch_size": 1001})", "/body/config/batch_options/batch_size",
       "less_than_equal"},
      {R"("batch_options": {"batch_size": "10"})", "/body/config/batch_options/batch_size",
       "int_type"},
      {R"("batch_options": {"max_workers": 0})", "/body/config/batch_options/max_workers",
       "greater_than_equal"},
      {R"("batch_options": {"max_workers": 51})", "/body/config/batch_options/max_workers",
       "less_than_equal"},
      {R"("batch_options": {"retry_failed": "yes"})", "/body/config/batch_options/retry_failed",
       "bool_type"},
      {R"("batch_options": [])", "/body/config/batch_options", "dict_type"},
      {R"("filters": "all")", "/body/config/filters", "dict_type"},
      {R"("filters": {"collection_ids": "col_1"})", "/body/config/filters/collection_ids",
       "list_type"},
      {R"("filters": {"retriever_ids": [1]})", "/body/config/filters/retriever_ids/0",
       "string_type"},
      {R"("filters": {"auto_include_dependencies": 1})",
       "/body/config/filters/auto_include_dependencies", "bool_type"},
      {R"("filters": {"date_range": "2024"})", "/body/config/filters/date_range", "dict_type"},
      {R"("taxonomy_options": {"preserve_taxonomy_ids": "no"})",
       "/body/config/taxonomy_options/preserve_taxonomy_ids", "bool_type"},
      // Not nullable in the spec: null is a 422, not the default.
      {R"("taxonomy_options": {"re_run_enrichment": null})",
       "/body/config/taxonomy_options/re_run_enrichment", "bool_type"},
      {R"("batch_options": {"batch_size": null})", "/body/config/batch_options/batch_size",
       "int_type"},
      {R"("dry_run": null)", "/body/config/dry_run", "bool_type"},
      {R"("cluster_options": {"recompute_clusters": 0})",
       "/body/config/cluster_options/recompute_clusters", "bool_type"},
      {R"("retriever_options": {"validate_references": "true"})",
       "/body/config/retriever_options/validate_references", "bool_type"},
      {R"("feature_extractors": {})", "/body/config/feature_extractors", "list_type"},
      {R"("feature_extractors": [{"version": "v1"}])",
       "/body/config/feature_extractors/0/feature_extractor_name", "missing"},
      {R"("feature_extractors": [{"feature_extractor_name": "x", "parameters": []}])",
       "/body/config/feature_extractors/0/parameters", "dict_type"},
      {R"("feature_extractors": ["x"])", "/body/config/feature_extractors/0", "dict_type"},
      {R"("target_namespace_id": 7)", "/body/config/target_namespace_id", "string_type"},
      {R"("webhook_url": false)", "/body/config/webhook_url", "string_type"},
      {R"("dry_run": "yes")", "/body/config/dry_run", "bool_type"},
      {R"("preserve_resource_ids": 1)", "/body/config/preserve_resource_ids", "bool_type"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.config_members);
    std::string text = R"({"config": {"migration_type": "copy", "source_namespace_id": "n", )";
    text += c.config_members;
    text += "}}";
    model::ValidationIssues issues;
    DecodeCreate(text, &issues);
    ASSERT_EQ(issues.size(), 1u) << IssuesString(issues);
    EXPECT_EQ(LocString(issues[0]), c.loc);
    EXPECT_EQ(issues[0].type, c.type);
  }
}

TEST(MigrationCodecTest, RequiredFieldsAndEnumsAreChecked) {
  model::ValidationIssues issues;
  DecodeCreate(R"({"start_immediately": true})", &issues);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(LocString(issues[0]), "/body/config");
  EXPECT_EQ(issues[0].type, "missing");

  issues.clear();
  DecodeCreate(R"({"config": {}, "start_immediately": "now"})", &issues);
  ASSERT_EQ(issues.size(), 3u) << IssuesString(issues);
  EXPECT_EQ(LocString(issues[0]), "/body/config/migration_type");
  EXPECT_EQ(issues[0].type, "missing");
  EXPECT_EQ(LocString(issues[1]), "/body/config/source_namespace_id");
  EXPECT_EQ(issues[1].type, "missing");
  EXPECT_EQ(LocString(issues[2]), "/body/start_immediately");
  EXPECT_EQ(issues[2].type, "bool_type");

  issues.clear();
  DecodeCreate(R"({"config": {"migration_type": "move", "source_namespace_id": "n"}})", &issues);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(LocString(issues[0]), "/body/config/migration_type");
  EXPECT_EQ(issues[0].type, "enum");
  EXPECT_EQ(issues[0].msg, "Input should be 're_extract', 'copy' or 'extend'");

  issues.clear();
  DecodeCreate(R"({"config": "copy"})", &issues);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(LocString(issues[0]), "/body/config");
  EXPECT_EQ(issues[0].type, "dict_type");

  issues.clear();
  DecodeCreate(R"([])", &issues);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(LocString(issues[0]), "/body");
}

TEST(MigrationCodecTest, ValidateRequestReadsConfigUnderBody) {
  model::ValidationIssues issues;
  json::value body = json::parse(R"({"config": {"migration_type": "copy"}})");
  DecodeValidateMigration(BodyReader(body, &issues));
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(LocString(issues[0]), "/body/config/source_namespace_id");

  issues.clear();
  body = json::parse(R"({"config": {"migration_type": "copy", "source_namespace_id": "n"}})");
  auto c = DecodeValidateMigration(BodyReader(body, &issues));
  EXPECT_TRUE(issues.empty());
  EXPECT_EQ(c.source_namespace_id, "n");
}

TEST(MigrationCodecTest, DateRangeBoundsAreParsedAndEchoed) {
  model::ValidationIssues issues;
  auto req = DecodeCreate(R"({"config": {"migration_type": "copy", "source_namespace_id": "n",
      "filters": {"date_range": {"after": "2024-03-05", "label": "q1"}}}})",
                          &issues);
  ASSERT_TRUE(issues.empty()) << IssuesString(issues);
  ASSERT_TRUE(req.config.filters.has_value());
  EXPECT_EQ(req.config.filters->after, ParseIso8601("2024-03-05T00:00:00Z"));
  EXPECT_FALSE(req.config.filters->before.has_value());
  json::object enc = EncodeMigrationConfig(req.config);
  EXPECT_EQ(enc["filters"].at("date_range"),
            json::parse(R"({"after": "2024-03-05", "label": "q1"})"));
}

TEST(MigrationCodecTest, BadDateRangeValuesAreReported) {
  model::ValidationIssues issues;
  DecodeCreate(R"({"config": {"migration_type": "copy", "source_namespace_id": "n",
      "filters": {"date_range": {"after": "yesterday", "before": "2024-13-01T00:00:00Z",
                                 "other": 5}}}})",
               &issues);
  ASSERT_EQ(issues.size(), 3u) << IssuesString(issues);
  EXPECT_EQ(LocString(issues[0]), "/body/config/filters/date_range/other");
  EXPECT_EQ(issues[0].type, "string_type");
  EXPECT_EQ(LocString(issues[1]), "/body/config/filters/date_range/after");
  EXPECT_EQ(issues[1].type, "datetime_parsing");
  EXPECT_EQ(LocString(issues[2]), "/body/config/filters/date_range/before");
  EXPECT_EQ(issues[2].type, "datetime_parsing");

  issues.clear();
  DecodeCreate(R"({"config": {"migration_type": "copy", "source_namespace_id": "n",
      "filters": {"date_range": {"before": null}}}})",
               &issues);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(LocString(issues[0]), "/body/config/filters/date_range/before");
  EXPECT_EQ(issues[0].type, "string_type");
}

TEST(MigrationCodecTest, StartAndCancelBodiesAreOptional) {
  model::ValidationIssues issues;
  json::value none = nullptr;
  EXPECT_FALSE(DecodeStartMigration(BodyReader(none, &issues)));
  EXPECT_FALSE(DecodeCancelMigration(BodyReader(none, &issues)).has_value());
  EXPECT_FALSE(DecodeStartMigration(JsonReader(nullptr, {}, &issues)));
  EXPECT_TRUE(issues.empty());

  json::value body = json::parse(R"({"force": true, "reason": "operator request"})");
  EXPECT_TRUE(DecodeStartMigration(BodyReader(body, &issues)));
  EXPECT_EQ(DecodeCancelMigration(BodyReader(body, &issues)), "operator request");
  EXPECT_TRUE(issues.empty());

  body = json::parse(R"({"force": "yes", "reason": 3})");
  EXPECT_FALSE(DecodeStartMigration(BodyReader(body, &issues)));
  EXPECT_FALSE(DecodeCancelMigration(BodyReader(body, &issues)).has_value());
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(LocString(issues[0]), "/body/force");
  EXPECT_EQ(issues[0].type, "bool_type");
  EXPECT_EQ(LocString(issues[1]), "/body/reason");
  EXPECT_EQ(issues[1].type, "string_type");
}

TEST(MigrationCodecTest, ListRequestDefaultsFiltersAndRanges) {
  model::ValidationIssues issues;
  json::value body = json::parse("{}");
  auto req = DecodeListMigrations(BodyReader(body, &issues));
  EXPECT_TRUE(issues.empty());
  EXPECT_EQ(req.page.limit, 20);
  EXPECT_EQ(req.page.offset, 0);
  EXPECT_FALSE(req.filter.status.has_value());

  body = json::parse(R"({"status": "in_progress", "migration_type": "re_extract",
      "source_namespace_id": "ns_1", "limit": 1000, "offset": 40})");
  req = DecodeListMigrations(BodyReader(body, &issues));
  EXPECT_TRUE(issues.empty()) << IssuesString(issues);
  EXPECT_EQ(req.filter.status, model::MigrationStatus::kInProgress);
  EXPECT_EQ(req.filter.migration_type, model::MigrationType::kReExtract);
  EXPECT_EQ(req.filter.source_namespace_id, "ns_1");
  EXPECT_EQ(req.page.limit, 1000);
  EXPECT_EQ(req.page.offset, 40);

  body = json::parse(R"({"status": "running", "migration_type": "move", "limit": 0,
      "offset": -1})");
  DecodeListMigrations(BodyReader(body, &issues));
  EXPECT_EQ(IssuesString(issues),
            "/body/status enum; /body/migration_type enum; /body/limit greater_than_equal; "
            "/body/offset greater_than_equal; ");

  issues.clear();
  body = json::parse(R"({"limit": 1001})");
  DecodeListMigrations(BodyReader(body, &issues));
  EXPECT_EQ(IssuesString(issues), "/body/limit less_than_equal; ");
}

model::Migration SampleMigration() {
  model::Migration m;
  m.migration_id = "mig_1";
  m.org_id = "org_1";
  m.config.migration_type = model::MigrationType::kCopy;
  m.config.source_namespace_id = "ns_src";
  m.status = model::MigrationStatus::kPending;
  m.created_at = *ParseIso8601("2024-05-01T10:00:00.000Z");
  m.progress.overall_status = model::MigrationStatus::kPending;
  for (int i = 0; i < model::kMigrationStageCount; ++i) {
    model::StageProgress s;
    s.stage = static_cast<model::MigrationStage>(i);
    s.status = model::MigrationStatus::kPending;
    m.progress.stages.push_back(s);
  }
  return m;
}

TEST(MigrationCodecTest, EncodedMigrationHasEveryGetMigrationResponseField) {
  json::object enc = EncodeMigration(SampleMigration());
  const std::vector<std::string> fields = {
      "migration_id", "internal_id",       "namespace_id",     "config",         "status",
      "progress",     "validation_result", "dependency_graph", "task_id",        "created_at",
      "started_at",   "completed_at",      "error_message",    "additional_data"};
  EXPECT_EQ(enc.size(), fields.size());
  for (const auto& f : fields) EXPECT_TRUE(enc.contains(f)) << f;
  EXPECT_EQ(enc["migration_id"], "mig_1");
  EXPECT_EQ(enc["internal_id"], "org_1");
  EXPECT_EQ(enc["namespace_id"], "ns_src");
  EXPECT_EQ(enc["status"], "pending");
  EXPECT_EQ(enc["created_at"], "2024-05-01T10:00:00.000Z");
  for (const char* f : {"validation_result", "dependency_graph", "task_id", "started_at",
                        "completed_at", "error_message"}) {
    EXPECT_TRUE(enc[f].is_null()) << f;
  }
  EXPECT_EQ(enc["additional_data"], json::object{});

  const json::object& progress = enc["progress"].as_object();
  for (const char* f : {"overall_status", "overall_progress_percent", "current_stage", "stages",
                        "resources", "started_at", "estimated_completion"}) {
    EXPECT_TRUE(progress.contains(f)) << f;
  }
  EXPECT_EQ(progress.at("overall_progress_percent"), 0);
  EXPECT_TRUE(progress.at("current_stage").is_null());
  const json::array& stages = progress.at("stages").as_array();
  ASSERT_EQ(stages.size(), 7u);
  EXPECT_EQ(stages[0].at("stage"), "namespace_setup");
  EXPECT_EQ(stages[6].at("stage"), "finalization");
  for (const char* f : {"stage", "status", "started_at", "completed_at", "progress_percent",
                        "items_total", "items_completed", "items_failed", "error_message"}) {
    EXPECT_TRUE(stages[3].as_object().contains(f)) << f;
  }
}

TEST(MigrationCodecTest, EncodesKnownDetailsOfARunningMigration) {
  model::Migration m = SampleMigration();
  m.status = model::MigrationStatus::kInProgress;
  m.task_id = "task_9";
  m.started_at = m.created_at + 1500;
  m.progress.current_stage = model::MigrationStage::kBatchProcessing;
  m.progress.overall_progress_percent = 37.5;
  m.progress.stages[2].progress_percent = 50;
  m.progress.resources.push_back({"bkt_1", model::ResourceType::kBucket,
                                  model::MigrationStatus::kInProgress, 12.5, std::nullopt});
  model::ValidationResult v;
  v.warnings.push_back({{model::Value("config"), model::Value("filters")}, "empty", "warning"});
  v.estimated_resources["objects"] = 42;
  v.estimated_duration_seconds = 7;
  m.validation_result = v;
  model::DependencyGraph g;
  g.nodes.push_back({"col_1", model::ResourceType::kCollection, {"bkt_1"}, 1});
  g.execution_order = {"bkt_1", "col_1"};
  m.dependency_graph = g;
  model::ValueObject extra;
  extra.Set("note", model::Value("x"));
  m.additional_data = model::Value(extra);

  json::object enc = EncodeMigration(m);
  EXPECT_EQ(enc["task_id"], "task_9");
  EXPECT_EQ(enc["started_at"], "2024-05-01T10:00:01.500Z");
  const json::object& p = enc["progress"].as_object();
  EXPECT_EQ(p.at("current_stage"), "batch_processing");
  EXPECT_EQ(p.at("overall_progress_percent").as_double(), 37.5);
  EXPECT_EQ(p.at("stages").at(2).at("progress_percent"), 50);
  EXPECT_EQ(p.at("resources").at(0), json::parse(R"({"resource_id": "bkt_1",
      "resource_type": "bucket", "status": "in_progress", "progress_percent": 12.5,
      "error_message": null})"));
  EXPECT_EQ(enc["validation_result"], json::parse(R"({"valid": true, "errors": [],
      "warnings": [{"loc": ["config", "filters"], "msg": "empty", "type": "warning"}],
      "estimated_resources": {"objects": 42}, "estimated_duration_seconds": 7})"));
  EXPECT_EQ(enc["dependency_graph"], json::parse(R"({"nodes": [{"resource_id": "col_1",
      "resource_type": "collection", "dependencies": ["bkt_1"], "tier": 1}],
      "execution_order": ["bkt_1", "col_1"]})"));
  EXPECT_EQ(enc["additional_data"], json::parse(R"({"note": "x"})"));
}

TEST(MigrationCodecTest, RichConfigRoundTrips) {
  model::ValidationIssues issues;
  auto original = DecodeCreate(kFullConfig, &issues).config;
  ASSERT_TRUE(issues.empty());
  json::value wire = json::object{{"config", EncodeMigrationConfig(original)}};
  auto again = DecodeCreateMigration(BodyReader(wire, &issues)).config;
  ASSERT_TRUE(issues.empty()) << IssuesString(issues);
  EXPECT_EQ(EncodeMigrationConfig(again), EncodeMigrationConfig(original));
  ASSERT_TRUE(again.filters.has_value());
  EXPECT_EQ(again.filters->after, original.filters->after);
  EXPECT_EQ(again.filters->before, original.filters->before);
  ASSERT_TRUE(again.feature_extractors.has_value());
  EXPECT_EQ((*again.feature_extractors)[0].parameters,
            (*original.feature_extractors)[0].parameters);
  EXPECT_EQ(again.batch_options->batch_size, 250);
  EXPECT_EQ(again.target_namespace_name, original.target_namespace_name);
  EXPECT_EQ(again.webhook_url, original.webhook_url);
}

TEST(MigrationCodecTest, ActionResponsesHaveTheirRequiredFields) {
  model::Migration m = SampleMigration();
  m.task_id = "task_1";
  m.started_at = m.created_at + 1000;
  EXPECT_EQ(json::value(EncodeStartMigrationResponse(m, "started")),
            json::parse(R"({"migration_id": "mig_1", "status": "pending",
                "task_id": "task_1", "started_at": "2024-05-01T10:00:01.000Z",
                "message": "started"})"));
  m.status = model::MigrationStatus::kCancelled;
  EXPECT_EQ(json::value(EncodeCancelMigrationResponse(m, m.created_at + 2000, "cancelled")),
            json::parse(R"({"migration_id": "mig_1", "status": "cancelled",
                "cancelled_at": "2024-05-01T10:00:02.000Z", "message": "cancelled"})"));
  json::object created = EncodeCreateMigrationResponse(m, "created");
  EXPECT_TRUE(created["validation_result"].is_null());
  EXPECT_EQ(created["created_at"], "2024-05-01T10:00:00.000Z");
  EXPECT_EQ(created["message"], "created");

  model::ValidationResult v;
  v.valid = false;
  json::object validated = EncodeValidateMigrationResponse(v, std::nullopt, "invalid");
  EXPECT_EQ(validated["validation_result"].at("valid"), false);
  EXPECT_TRUE(validated["dependency_graph"].is_null());

  json::object list = EncodeListMigrationsResponse({m, m}, 5, model::Page{2, 2});
  EXPECT_EQ(list["results"].as_array().size(), 2u);
  EXPECT_EQ(list["results"].at(0).at("migration_id"), "mig_1");
  EXPECT_EQ(list["total"], 5);
  EXPECT_EQ(list["limit"], 2);
  EXPECT_EQ(list["offset"], 2);
}

}  // namespace
}  // namespace ferry::codec
