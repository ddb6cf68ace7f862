#include "storage/records/migration_record_codec.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "storage/records/value_fields.h"

namespace ferry::storage::records {
namespace {

using model::Value;
using model::ValueArray;
using model::ValueObject;

// ---- the option blocks: all-bool structs, described by tables ----

template <typename T>
using Flag = std::pair<const char*, bool T::*>;

constexpr Flag<model::TaxonomyOptions> kTaxonomyFlags[] = {
    {"preserve_taxonomy_ids", &model::TaxonomyOptions::preserve_taxonomy_ids},
    {"preserve_enrichment_fields", &model::TaxonomyOptions::preserve_enrichment_fields},
    {"re_run_enrichment", &model::TaxonomyOptions::re_run_enrichment},
    {"migrate_reference_collections", &model::TaxonomyOptions::migrate_reference_collections},
};

constexpr Flag<model::ClusterOptions> kClusterFlags[] = {
    {"preserve_cluster_ids", &model::ClusterOptions::preserve_cluster_ids},
    {"preserve_assignments", &model::ClusterOptions::preserve_assignments},
    {"migrate_artifacts", &model::ClusterOptions::migrate_artifacts},
    {"preserve_centroids", &model::ClusterOptions::preserve_centroids},
    {"recompute_clusters", &model::ClusterOptions::recompute_clusters},
};

constexpr Flag<model::RetrieverOptions> kRetrieverFlags[] = {
    {"preserve_retriever_ids", &model::RetrieverOptions::preserve_retriever_ids},
    {"migrate_interactions", &model::RetrieverOptions::migrate_interactions},
    {"migrate_execution_history", &model::RetrieverOptions::migrate_execution_history},
    {"validate_references", &model::RetrieverOptions::validate_references},
};

template <typename T, size_t N>
Value FlagsToValue(const T& block, const Flag<T> (&flags)[N]) {
  ValueObject obj;
  for (const auto& [key, member] : flags) obj.Set(key, block.*member);
  return obj;
}

template <typename T, size_t N>
bool FlagsFromValue(const Value& v, const Flag<T> (&flags)[N], T* out) {
  FieldReader r(v);
  for (const auto& [key, member] : flags) r.Bool(key, &(out->*member));
  return r.ok();
}

// ---- config ----

Value ExtractorToValue(const model::MigrationExtractor& e) {
  ValueObject obj;
  obj.Set("name", e.name);
  PutOptional(&obj, "version", e.version);
  obj.Set("parameters", e.parameters);
  return obj;
}

bool ExtractorFromValue(const Value& v, model::MigrationExtractor* out) {
  FieldReader r(v);
  r.String("name", &out->name);
  r.OptionalString("version", &out->version);
  r.Any("parameters", &out->parameters);
  return r.ok();
}

Value FilterToValue(const model::ResourceFilter& f) {
  ValueObject obj;
  PutOptionalStrings(&obj, "collection_ids", f.collection_ids);
  PutOptionalStrings(&obj, "taxonomy_ids", f.taxonomy_ids);
  PutOptionalStrings(&obj, "cluster_ids", f.cluster_ids);
  PutOptionalStrings(&obj, "retriever_ids", f.retriever_ids);
  PutOptional(&obj, "after", f.after);
  PutOptional(&obj, "before", f.before);
  obj.Set("date_range", f.date_range);
  obj.Set("auto_include_dependencies", f.auto_include_dependencies);
  return obj;
}

bool FilterFromValue(const Value& v, model::ResourceFilter* out) {
  FieldReader r(v);
  r.OptionalStrings("collection_ids", &out->collection_ids);
  r.OptionalStrings("taxonomy_ids", &out->taxonomy_ids);
  r.OptionalStrings("cluster_ids", &out->cluster_ids);
  r.OptionalStrings("retriever_ids", &out->retriever_ids);
  r.OptionalInt("after", &out->after);
  r.OptionalInt("before", &out->before);
  r.Any("date_range", &out->date_range);
  r.Bool("auto_include_dependencies", &out->auto_include_dependencies);
  return r.ok();
}

Value BatchOptionsToValue(const model::BatchOptions& b) {
  ValueObject obj;
  obj.Set("batch_size", b.batch_size);
  obj.Set("max_workers", b.max_workers);
  obj.Set("retry_failed", b.retry_failed);
  return obj;
}

bool BatchOptionsFromValue(const Value& v, model::BatchOptions* out) {
  FieldReader r(v);
  r.Int("batch_size", &out->batch_size);
  r.Int("max_workers", &out->max_workers);
  r.Bool("retry_failed", &out->retry_failed);
  return r.ok();
}

Value ConfigToValue(const model::MigrationConfig& c) {
  ValueObject obj;
  obj.Set("migration_type", model::MigrationTypeName(c.migration_type));
  obj.Set("source_namespace_id", c.source_namespace_id);
  PutOptional(&obj, "target_namespace_id", c.target_namespace_id);
  PutOptional(&obj, "target_namespace_name", c.target_namespace_name);
  PutOptionalList(&obj, "feature_extractors", c.feature_extractors, ExtractorToValue);
  PutOptionalBlock(&obj, "filters", c.filters, FilterToValue);
  PutOptionalBlock(&obj, "batch_options", c.batch_options, BatchOptionsToValue);
  PutOptionalBlock(&obj, "taxonomy_options", c.taxonomy_options,
                   [](const auto& b) { return FlagsToValue(b, kTaxonomyFlags); });
  PutOptionalBlock(&obj, "cluster_options", c.cluster_options,
                   [](const auto& b) { return FlagsToValue(b, kClusterFlags); });
  PutOptionalBlock(&obj, "retriever_options", c.retriever_options,
                   [](const auto& b) { return FlagsToValue(b, kRetrieverFlags); });
  obj.Set("preserve_resource_ids", c.preserve_resource_ids);
  obj.Set("dry_run", c.dry_run);
  PutOptional(&obj, "webhook_url", c.webhook_url);
  return obj;
}

bool ConfigFromValue(const Value& v, model::MigrationConfig* out) {
  FieldReader r(v);
  r.Enum("migration_type", model::ParseMigrationType, &out->migration_type);
  r.String("source_namespace_id", &out->source_namespace_id);
  r.OptionalString("target_namespace_id", &out->target_namespace_id);
  r.OptionalString("target_namespace_name", &out->target_namespace_name);
  r.OptionalList("feature_extractors", &out->feature_extractors, ExtractorFromValue);
  r.OptionalBlock("filters", &out->filters, FilterFromValue);
  r.OptionalBlock("batch_options", &out->batch_options, BatchOptionsFromValue);
  r.OptionalBlock("taxonomy_options", &out->taxonomy_options,
                  [](const Value& b, auto* o) { return FlagsFromValue(b, kTaxonomyFlags, o); });
  r.OptionalBlock("cluster_options", &out->cluster_options,
                  [](const Value& b, auto* o) { return FlagsFromValue(b, kClusterFlags, o); });
  r.OptionalBlock("retriever_options", &out->retriever_options,
                  [](const Value& b, auto* o) { return FlagsFromValue(b, kRetrieverFlags, o); });
  r.Bool("preserve_resource_ids", &out->preserve_resource_ids);
  r.Bool("dry_run", &out->dry_run);
  r.OptionalString("webhook_url", &out->webhook_url);
  return r.ok();
}

// ---- validation result and dependency graph ----

Value IssueToValue(const model::ValidationIssue& issue) {
  ValueObject obj;
  obj.Set("loc", issue.loc);  // elements keep their kind (string or int)
  obj.Set("msg", issue.msg);
  obj.Set("type", issue.type);
  return obj;
}

bool IssueFromValue(const Value& v, model::ValidationIssue* out) {
  FieldReader r(v);
  r.Array("loc", &out->loc);
  r.String("msg", &out->msg);
  r.String("type", &out->type);
  return r.ok();
}

Value ValidationToValue(const model::ValidationResult& result) {
  ValueObject counts;
  for (const auto& [key, count] : result.estimated_resources) counts.Set(key, count);
  ValueObject obj;
  obj.Set("valid", result.valid);
  obj.Set("errors", ListToValue(result.errors, IssueToValue));
  obj.Set("warnings", ListToValue(result.warnings, IssueToValue));
  obj.Set("estimated_resources", std::move(counts));
  PutOptional(&obj, "estimated_duration_seconds", result.estimated_duration_seconds);
  return obj;
}

bool ValidationFromValue(const Value& v, model::ValidationResult* out) {
  FieldReader r(v);
  r.Bool("valid", &out->valid);
  r.List("errors", &out->errors, IssueFromValue);
  r.List("warnings", &out->warnings, IssueFromValue);
  r.Counts("estimated_resources", &out->estimated_resources);
  r.OptionalInt("estimated_duration_seconds", &out->estimated_duration_seconds);
  return r.ok();
}

Value NodeToValue(const model::DependencyNode& node) {
  ValueObject obj;
  obj.Set("resource_id", node.resource_id);
  obj.Set("resource_type", model::ResourceTypeName(node.resource_type));
  obj.Set("dependencies", StringsToValue(node.dependencies));
  obj.Set("tier", node.tier);
  return obj;
}

bool NodeFromValue(const Value& v, model::DependencyNode* out) {
  FieldReader r(v);
  r.String("resource_id", &out->resource_id);
  r.Enum("resource_type", model::ParseResourceType, &out->resource_type);
  r.Strings("dependencies", &out->dependencies);
  r.Int("tier", &out->tier);
  return r.ok();
}

// ---- progress ----

Value StageToValue(const model::StageProgress& s) {
  ValueObject obj;
  obj.Set("stage", model::MigrationStageName(s.stage));
  obj.Set("status", model::MigrationStatusName(s.status));
  PutOptional(&obj, "started_at", s.started_at);
  PutOptional(&obj, "completed_at", s.completed_at);
  obj.Set("progress_percent", s.progress_percent);
  obj.Set("items_total", s.items_total);
  obj.Set("items_completed", s.items_completed);
  obj.Set("items_failed", s.items_failed);
  PutOptional(&obj, "error_message", s.error_message);
  return obj;
}

bool StageFromValue(const Value& v, model::StageProgress* out) {
  FieldReader r(v);
  r.Enum("stage", model::ParseMigrationStage, &out->stage);
  r.Enum("status", model::ParseMigrationStatus, &out->status);
  r.OptionalInt("started_at", &out->started_at);
  r.OptionalInt("completed_at", &out->completed_at);
  r.Double("progress_percent", &out->progress_percent);
  r.Int("items_total", &out->items_total);
  r.Int("items_completed", &out->items_completed);
  r.Int("items_failed", &out->items_failed);
  r.OptionalString("error_message", &out->error_message);
  return r.ok();
}

Value ResourceToValue(const model::ResourceProgress& p) {
  ValueObject obj;
  obj.Set("resource_id", p.resource_id);
  obj.Set("resource_type", model::ResourceTypeName(p.resource_type));
  obj.Set("status", model::MigrationStatusName(p.status));
  obj.Set("progress_percent", p.progress_percent);
  PutOptional(&obj, "error_message", p.error_message);
  return obj;
}

bool ResourceFromValue(const Value& v, model::ResourceProgress* out) {
  FieldReader r(v);
  r.String("resource_id", &out->resource_id);
  r.Enum("resource_type", model::ParseResourceType, &out->resource_type);
  r.Enum("status", model::ParseMigrationStatus, &out->status);
  r.Double("progress_percent", &out->progress_percent);
  r.OptionalString("error_message", &out->error_message);
  return r.ok();
}

// Decodes bytes and fills *out with from(value, out); false when either fails.
template <typename T, typename From>
bool DecodeWith(std::string_view bytes, T* out, From from) {
  Value v;
  *out = T{};
  return model::DecodeValue(bytes, &v) && from(v, out);
}

}  // namespace

std::string EncodeMigrationConfig(const model::MigrationConfig& config) {
  return model::EncodeValue(ConfigToValue(config));
}

bool DecodeMigrationConfig(std::string_view bytes, model::MigrationConfig* out) {
  return DecodeWith(bytes, out, ConfigFromValue);
}

std::string EncodeMigrationProgress(const model::MigrationProgress& p) {
  ValueObject obj;
  obj.Set("overall_status", model::MigrationStatusName(p.overall_status));
  obj.Set("overall_progress_percent", p.overall_progress_percent);
  if (p.current_stage.has_value()) {
    obj.Set("current_stage", model::MigrationStageName(*p.current_stage));
  }
  obj.Set("stages", ListToValue(p.stages, StageToValue));
  obj.Set("resources", ListToValue(p.resources, ResourceToValue));
  PutOptional(&obj, "started_at", p.started_at);
  PutOptional(&obj, "estimated_completion", p.estimated_completion);
  return model::EncodeValue(obj);
}

bool DecodeMigrationProgress(std::string_view bytes, model::MigrationProgress* out) {
  return DecodeWith(bytes, out, [](const Value& v, model::MigrationProgress* p) {
    FieldReader r(v);
    r.Enum("overall_status", model::ParseMigrationStatus, &p->overall_status);
    r.Double("overall_progress_percent", &p->overall_progress_percent);
    r.OptionalEnum("current_stage", model::ParseMigrationStage, &p->current_stage);
    r.List("stages", &p->stages, StageFromValue);
    r.List("resources", &p->resources, ResourceFromValue);
    r.OptionalInt("started_at", &p->started_at);
    r.OptionalInt("estimated_completion", &p->estimated_completion);
    return r.ok();
  });
}

std::string EncodeValidationResult(const model::ValidationResult& result) {
  return model::EncodeValue(ValidationToValue(result));
}

bool DecodeValidationResult(std::string_view bytes, model::ValidationResult* out) {
  return DecodeWith(bytes, out, ValidationFromValue);
}

std::string EncodeDependencyGraph(const model::DependencyGraph& graph) {
  ValueObject obj;
  obj.Set("nodes", ListToValue(graph.nodes, NodeToValue));
  obj.Set("execution_order", StringsToValue(graph.execution_order));
  return model::EncodeValue(obj);
}

bool DecodeDependencyGraph(std::string_view bytes, model::DependencyGraph* out) {
  return DecodeWith(bytes, out, [](const Value& v, model::DependencyGraph* g) {
    FieldReader r(v);
    r.List("nodes", &g->nodes, NodeFromValue);
    r.Strings("execution_order", &g->execution_order);
    return r.ok();
  });
}

std::string EncodeBatchChecksums(const model::BatchChecksums& c) {
  ValueObject obj;
  obj.Set("source_count", c.source_count);
  obj.Set("source_checksum", c.source_checksum);
  obj.Set("target_count", c.target_count);
  obj.Set("target_checksum", c.target_checksum);
  return model::EncodeValue(obj);
}

bool DecodeBatchChecksums(std::string_view bytes, model::BatchChecksums* out) {
  return DecodeWith(bytes, out, [](const Value& v, model::BatchChecksums* c) {
    FieldReader r(v);
    r.Int("source_count", &c->source_count);
    r.String("source_checksum", &c->source_checksum);
    r.Int("target_count", &c->target_count);
    r.String("target_checksum", &c->target_checksum);
    return r.ok();
  });
}

}  // namespace ferry::storage::records
