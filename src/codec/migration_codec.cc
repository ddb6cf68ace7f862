#include "codec/migration_codec.h"

#include <cmath>
#include <string_view>
#include <utility>

#include "codec/json_value.h"
#include "common/clock.h"

namespace ferry::codec {

namespace json = boost::json;

namespace {

const std::vector<std::string> kTypeNames = {"re_extract", "copy", "extend"};
const std::vector<std::string> kStatusNames = {"draft",     "validating", "pending",  "in_progress",
                                               "completed", "failed",     "cancelled"};

// ---- Decoding ----

// Overwrites *field only when the member is present and valid (the default stays).
void ReadBool(JsonReader& r, std::string_view key, bool* field) {
  if (auto b = r.Bool(key, false)) *field = *b;
}

void ReadInt(JsonReader& r, std::string_view key, int64_t min, int64_t max, int64_t* field) {
  if (auto i = r.Int(key, false, min, max)) *field = *i;
}

// An optional nested object: nullopt when absent or null, a dict_type issue when not an
// object, otherwise the defaults overwritten by `decode`.
template <typename T, typename Decode>
std::optional<T> OptionalBlock(const JsonReader& parent, std::string_view key, Decode decode) {
  if (parent.Member(key) == nullptr) return std::nullopt;
  JsonReader r = parent.Child(key);
  T out;
  if (r.ExpectObject()) decode(r, out);
  return out;
}

std::optional<std::vector<model::MigrationExtractor>> DecodeExtractors(JsonReader& c) {
  if (c.Member("feature_extractors") == nullptr) return std::nullopt;
  std::vector<model::MigrationExtractor> out;
  for (auto& e : c.Elements("feature_extractors", false, limits::kFeatureExtractors)) {
    if (!e.ExpectObject()) continue;
    e.RejectNull({"feature_extractor_name"});
    model::MigrationExtractor ex;
    ex.name = e.String("feature_extractor_name", true).value_or("");
    ex.version = e.String("version", false);
    ex.parameters = e.ObjectValue("parameters");
    out.push_back(std::move(ex));
  }
  return out;
}

// A date_range bound; a bare date ("2024-01-31") means midnight UTC.
std::optional<TimestampMs> DecodeBound(const JsonReader& range, std::string_view key) {
  const json::value* m = range.Member(key);
  if (m == nullptr || !m->is_string()) return std::nullopt;
  std::string text(m->get_string());
  if (text.size() == 10) text += "T00:00:00Z";
  auto t = ParseIso8601(text);
  if (!t) range.AddIssue(key, "Input should be a valid datetime", "datetime_parsing");
  return t;
}

// date_range: {str: str}; "after" and "before" must be ISO-8601 timestamps.
void DecodeDateRange(const JsonReader& filters, model::ResourceFilter& f) {
  const json::value* m = filters.Member("date_range");
  if (m == nullptr) return;
  if (!m->is_object()) {
    filters.AddIssue("date_range", "Input should be a valid dictionary", "dict_type");
    return;
  }
  JsonReader range = filters.Child("date_range");
  for (const auto& [key, v] : m->get_object()) {
    if (!v.is_string()) range.AddIssue(key, "Input should be a valid string", "string_type");
  }
  f.after = DecodeBound(range, "after");
  f.before = DecodeBound(range, "before");
  f.date_range = FromJson(*m);
}

void DecodeFilters(JsonReader& r, model::ResourceFilter& f) {
  r.RejectNull({"auto_include_dependencies"});
  f.collection_ids = r.StringList("collection_ids", false);
  f.taxonomy_ids = r.StringList("taxonomy_ids", false);
  f.cluster_ids = r.StringList("cluster_ids", false);
  f.retriever_ids = r.StringList("retriever_ids", false);
  DecodeDateRange(r, f);
  ReadBool(r, "auto_include_dependencies", &f.auto_include_dependencies);
}

void DecodeBatchOptions(JsonReader& r, model::BatchOptions& o) {
  r.RejectNull({"batch_size", "max_workers", "retry_failed"});
  ReadInt(r, "batch_size", 1, 1000, &o.batch_size);
  ReadInt(r, "max_workers", 1, 50, &o.max_workers);
  ReadBool(r, "retry_failed", &o.retry_failed);
}

void DecodeTaxonomyOptions(JsonReader& r, model::TaxonomyOptions& o) {
  r.RejectNull({"preserve_taxonomy_ids", "preserve_enrichment_fields", "re_run_enrichment",
                "migrate_reference_collections"});
  ReadBool(r, "preserve_taxonomy_ids", &o.preserve_taxonomy_ids);
  ReadBool(r, "preserve_enrichment_fields", &o.preserve_enrichment_fields);
  ReadBool(r, "re_run_enrichment", &o.re_run_enrichment);
  ReadBool(r, "migrate_reference_collections", &o.migrate_reference_collections);
}

void DecodeClusterOptions(JsonReader& r, model::ClusterOptions& o) {
  r.RejectNull({"preserve_cluster_ids", "preserve_assignments", "migrate_artifacts",
                "preserve_centroids", "recompute_clusters"});
  ReadBool(r, "preserve_cluster_ids", &o.preserve_cluster_ids);
  ReadBool(r, "preserve_assignments", &o.preserve_assignments);
  ReadBool(r, "migrate_artifacts", &o.migrate_artifacts);
  ReadBool(r, "preserve_centroids", &o.preserve_centroids);
  ReadBool(r, "recompute_clusters", &o.recompute_clusters);
}

void DecodeRetrieverOptions(JsonReader& r, model::RetrieverOptions& o) {
  r.RejectNull({"preserve_retriever_ids", "migrate_interactions", "migrate_execution_history",
                "validate_references"});
  ReadBool(r, "preserve_retriever_ids", &o.preserve_retriever_ids);
  ReadBool(r, "migrate_interactions", &o.migrate_interactions);
  ReadBool(r, "migrate_execution_history", &o.migrate_execution_history);
  ReadBool(r, "validate_references", &o.validate_references);
}

// True when the body may be treated as empty (an optional body not sent, or null: BodyReader).
bool AbsentBody(const JsonReader& body) { return body.value() == nullptr; }

// ---- Encoding ----

json::value OptStrings(const std::optional<std::vector<std::string>>& v) {
  if (!v) return nullptr;
  return json::array(v->begin(), v->end());
}

json::value OptInt(const std::optional<int64_t>& v) {
  if (!v) return nullptr;
  return *v;
}

// Whole percentages as integers (Boost.JSON would print 50.0 as "5E1").
json::value Percent(double p) {
  if (std::isfinite(p) && std::trunc(p) == p && std::fabs(p) < 1e15) {
    return static_cast<int64_t>(p);
  }
  return p;
}

json::array EncodeIssues(const model::ValidationIssues& issues) {
  json::array out;
  for (const auto& i : issues) {
    out.push_back(
        json::object{{"loc", ToJson(model::Value(i.loc))}, {"msg", i.msg}, {"type", i.type}});
  }
  return out;
}

json::value EncodeExtractors(const std::optional<std::vector<model::MigrationExtractor>>& v) {
  if (!v) return nullptr;
  json::array out;
  for (const auto& e : *v) {
    out.push_back(json::object{{"feature_extractor_name", e.name},
                               {"version", OptString(e.version)},
                               {"parameters", ToJson(e.parameters)}});
  }
  return out;
}

json::object EncodeFilters(const model::ResourceFilter& f) {
  return json::object{{"collection_ids", OptStrings(f.collection_ids)},
                      {"taxonomy_ids", OptStrings(f.taxonomy_ids)},
                      {"cluster_ids", OptStrings(f.cluster_ids)},
                      {"retriever_ids", OptStrings(f.retriever_ids)},
                      {"date_range", ToJson(f.date_range)},
                      {"auto_include_dependencies", f.auto_include_dependencies}};
}

json::object EncodeBatchOptions(const model::BatchOptions& o) {
  return json::object{{"batch_size", o.batch_size},
                      {"max_workers", o.max_workers},
                      {"retry_failed", o.retry_failed}};
}

json::object EncodeTaxonomyOptions(const model::TaxonomyOptions& o) {
  return json::object{{"preserve_taxonomy_ids", o.preserve_taxonomy_ids},
                      {"preserve_enrichment_fields", o.preserve_enrichment_fields},
                      {"re_run_enrichment", o.re_run_enrichment},
                      {"migrate_reference_collections", o.migrate_reference_collections}};
}

json::object EncodeClusterOptions(const model::ClusterOptions& o) {
  return json::object{{"preserve_cluster_ids", o.preserve_cluster_ids},
                      {"preserve_assignments", o.preserve_assignments},
                      {"migrate_artifacts", o.migrate_artifacts},
                      {"preserve_centroids", o.preserve_centroids},
                      {"recompute_clusters", o.recompute_clusters}};
}

json::object EncodeRetrieverOptions(const model::RetrieverOptions& o) {
  return json::object{{"preserve_retriever_ids", o.preserve_retriever_ids},
                      {"migrate_interactions", o.migrate_interactions},
                      {"migrate_execution_history", o.migrate_execution_history},
                      {"validate_references", o.validate_references}};
}

json::object EncodeStage(const model::StageProgress& s) {
  return json::object{{"stage", model::MigrationStageName(s.stage)},
                      {"status", model::MigrationStatusName(s.status)},
                      {"started_at", OptTime(s.started_at)},
                      {"completed_at", OptTime(s.completed_at)},
                      {"progress_percent", Percent(s.progress_percent)},
                      {"items_total", s.items_total},
                      {"items_completed", s.items_completed},
                      {"items_failed", s.items_failed},
                      {"error_message", OptString(s.error_message)}};
}

json::object EncodeResource(const model::ResourceProgress& r) {
  return json::object{{"resource_id", r.resource_id},
                      {"resource_type", model::ResourceTypeName(r.resource_type)},
                      {"status", model::MigrationStatusName(r.status)},
                      {"progress_percent", Percent(r.progress_percent)},
                      {"error_message", OptString(r.error_message)}};
}

}  // namespace

// ---- Requests ----

model::MigrationConfig DecodeMigrationConfig(JsonReader r) {
  model::MigrationConfig c;
  if (r.value() == nullptr) {
    r.AddIssueHere("Field required", "missing");
    return c;
  }
  if (!r.ExpectObject()) return c;
  r.RejectNull({"migration_type", "source_namespace_id", "preserve_resource_ids", "dry_run"});
  if (auto t = r.Enum("migration_type", true, kTypeNames)) {
    c.migration_type = *model::ParseMigrationType(*t);
  }
  c.source_namespace_id = r.String("source_namespace_id", true).value_or("");
  c.target_namespace_id = r.String("target_namespace_id", false);
  c.target_namespace_name = r.String("target_namespace_name", false, limits::kName);
  c.feature_extractors = DecodeExtractors(r);
  c.filters = OptionalBlock<model::ResourceFilter>(r, "filters", DecodeFilters);
  c.batch_options = OptionalBlock<model::BatchOptions>(r, "batch_options", DecodeBatchOptions);
  c.taxonomy_options =
      OptionalBlock<model::TaxonomyOptions>(r, "taxonomy_options", DecodeTaxonomyOptions);
  c.cluster_options =
      OptionalBlock<model::ClusterOptions>(r, "cluster_options", DecodeClusterOptions);
  c.retriever_options =
      OptionalBlock<model::RetrieverOptions>(r, "retriever_options", DecodeRetrieverOptions);
  ReadBool(r, "preserve_resource_ids", &c.preserve_resource_ids);
  ReadBool(r, "dry_run", &c.dry_run);
  c.webhook_url = r.String("webhook_url", false, limits::kUrl);
  return c;
}

CreateMigrationRequest DecodeCreateMigration(JsonReader body) {
  CreateMigrationRequest req;
  if (!body.ExpectObject()) return req;
  body.RejectNull({"config", "start_immediately"});
  req.config = DecodeMigrationConfig(body.Child("config"));
  ReadBool(body, "start_immediately", &req.start_immediately);
  return req;
}

model::MigrationConfig DecodeValidateMigration(JsonReader body) {
  if (!body.ExpectObject()) return {};
  body.RejectNull({"config"});
  return DecodeMigrationConfig(body.Child("config"));
}

bool DecodeStartMigration(JsonReader body) {
  bool force = false;
  if (AbsentBody(body) || !body.ExpectObject()) return force;
  body.RejectNull({"force"});
  ReadBool(body, "force", &force);
  return force;
}

std::optional<std::string> DecodeCancelMigration(JsonReader body) {
  if (AbsentBody(body) || !body.ExpectObject()) return std::nullopt;
  return body.String("reason", false);
}

bool DecodeSyncMigration(JsonReader body) {
  if (AbsentBody(body) || !body.ExpectObject()) return false;
  body.RejectNull({"follow"});
  return body.Bool("follow", false).value_or(false);
}

ListMigrationsRequest DecodeListMigrations(JsonReader body) {
  ListMigrationsRequest req;
  if (AbsentBody(body) || !body.ExpectObject()) return req;
  body.RejectNull({"limit", "offset"});
  if (auto s = body.Enum("status", false, kStatusNames)) {
    req.filter.status = model::ParseMigrationStatus(*s);
  }
  if (auto t = body.Enum("migration_type", false, kTypeNames)) {
    req.filter.migration_type = model::ParseMigrationType(*t);
  }
  req.filter.source_namespace_id = body.String("source_namespace_id", false);
  ReadInt(body, "limit", 1, 1000, &req.page.limit);
  ReadInt(body, "offset", 0, INT64_MAX, &req.page.offset);
  return req;
}

// ---- Responses ----

json::object EncodeMigrationConfig(const model::MigrationConfig& c) {
  return json::object{
      {"migration_type", model::MigrationTypeName(c.migration_type)},
      {"source_namespace_id", c.source_namespace_id},
      {"target_namespace_id", OptString(c.target_namespace_id)},
      {"target_namespace_name", OptString(c.target_namespace_name)},
      {"feature_extractors", EncodeExtractors(c.feature_extractors)},
      {"filters", EncodeFilters(c.effective_filters())},
      {"batch_options", EncodeBatchOptions(c.effective_batch_options())},
      {"taxonomy_options",
       EncodeTaxonomyOptions(c.taxonomy_options.value_or(model::TaxonomyOptions{}))},
      {"cluster_options",
       EncodeClusterOptions(c.cluster_options.value_or(model::ClusterOptions{}))},
      {"retriever_options",
       EncodeRetrieverOptions(c.retriever_options.value_or(model::RetrieverOptions{}))},
      {"preserve_resource_ids", c.preserve_resource_ids},
      {"dry_run", c.dry_run},
      {"webhook_url", OptString(c.webhook_url)}};
}

json::object EncodeValidationResult(const model::ValidationResult& v) {
  json::object resources;
  for (const auto& [name, count] : v.estimated_resources) resources[name] = count;
  return json::object{{"valid", v.valid},
                      {"errors", EncodeIssues(v.errors)},
                      {"warnings", EncodeIssues(v.warnings)},
                      {"estimated_resources", std::move(resources)},
                      {"estimated_duration_seconds", OptInt(v.estimated_duration_seconds)}};
}

json::object EncodeDependencyGraph(const model::DependencyGraph& g) {
  json::array nodes;
  for (const auto& n : g.nodes) {
    nodes.push_back(
        json::object{{"resource_id", n.resource_id},
                     {"resource_type", model::ResourceTypeName(n.resource_type)},
                     {"dependencies", json::array(n.dependencies.begin(), n.dependencies.end())},
                     {"tier", n.tier}});
  }
  return json::object{
      {"nodes", std::move(nodes)},
      {"execution_order", json::array(g.execution_order.begin(), g.execution_order.end())}};
}

json::object EncodeMigrationProgress(const model::MigrationProgress& p) {
  json::array stages;
  for (const auto& s : p.stages) stages.push_back(EncodeStage(s));
  json::array resources;
  for (const auto& r : p.resources) resources.push_back(EncodeResource(r));
  json::value current = nullptr;
  if (p.current_stage) current = json::string(model::MigrationStageName(*p.current_stage));
  return json::object{{"overall_status", model::MigrationStatusName(p.overall_status)},
                      {"overall_progress_percent", Percent(p.overall_progress_percent)},
                      {"current_stage", std::move(current)},
                      {"stages", std::move(stages)},
                      {"resources", std::move(resources)},
                      {"started_at", OptTime(p.started_at)},
                      {"estimated_completion", OptTime(p.estimated_completion)}};
}

json::object EncodeMigration(const model::Migration& m) {
  json::value validation = nullptr;
  if (m.validation_result) validation = EncodeValidationResult(*m.validation_result);
  json::value graph = nullptr;
  if (m.dependency_graph) graph = EncodeDependencyGraph(*m.dependency_graph);
  json::value additional = ToJson(m.additional_data);
  if (!additional.is_object()) additional = json::object{};
  return json::object{{"migration_id", m.migration_id},
                      {"internal_id", m.org_id},
                      {"namespace_id", m.config.source_namespace_id},
                      {"config", EncodeMigrationConfig(m.config)},
                      {"status", model::MigrationStatusName(m.status)},
                      {"progress", EncodeMigrationProgress(m.progress)},
                      {"validation_result", std::move(validation)},
                      {"dependency_graph", std::move(graph)},
                      {"task_id", OptString(m.task_id)},
                      {"created_at", Time(m.created_at)},
                      {"started_at", OptTime(m.started_at)},
                      {"completed_at", OptTime(m.completed_at)},
                      {"error_message", OptString(m.error_message)},
                      {"additional_data", std::move(additional)}};
}

json::object EncodeCreateMigrationResponse(const model::Migration& m, const std::string& message) {
  json::value validation = nullptr;
  if (m.validation_result) validation = EncodeValidationResult(*m.validation_result);
  return json::object{{"migration_id", m.migration_id},
                      {"status", model::MigrationStatusName(m.status)},
                      {"validation_result", std::move(validation)},
                      {"created_at", Time(m.created_at)},
                      {"message", message}};
}

json::object EncodeValidateMigrationResponse(const model::ValidationResult& v,
                                             const std::optional<model::DependencyGraph>& g,
                                             const std::string& message) {
  json::value graph = nullptr;
  if (g) graph = EncodeDependencyGraph(*g);
  return json::object{{"validation_result", EncodeValidationResult(v)},
                      {"dependency_graph", std::move(graph)},
                      {"message", message}};
}

json::object EncodeStartMigrationResponse(const model::Migration& m, const std::string& message) {
  return json::object{{"migration_id", m.migration_id},
                      {"status", model::MigrationStatusName(m.status)},
                      {"task_id", m.task_id.value_or("")},
                      {"started_at", Time(m.started_at.value_or(m.created_at))},
                      {"message", message}};
}

json::object EncodeCancelMigrationResponse(const model::Migration& m, int64_t cancelled_at_ms,
                                           const std::string& message) {
  return json::object{{"migration_id", m.migration_id},
                      {"status", model::MigrationStatusName(m.status)},
                      {"cancelled_at", Time(cancelled_at_ms)},
                      {"message", message}};
}

json::object EncodeListMigrationsResponse(const std::vector<model::Migration>& ms, int64_t total,
                                          const model::Page& page) {
  json::array results;
  for (const auto& m : ms) results.push_back(EncodeMigration(m));
  return json::object{{"results", std::move(results)},
                      {"total", total},
                      {"limit", page.limit},
                      {"offset", page.offset}};
}

}  // namespace ferry::codec
