#include "storage/records/cluster_records.h"

#include <optional>
#include <string>
#include <vector>

#include "storage/records/record_codec.h"

namespace ferry::storage::records {
namespace {

using model::Value;
using model::ValueArray;
using model::ValueObject;

Value Strings(const std::vector<std::string>& v) {
  ValueArray out;
  for (const auto& s : v) out.emplace_back(s);
  return Value(std::move(out));
}

std::vector<std::string> ToStrings(const Value* v) {
  std::vector<std::string> out;
  if (v == nullptr || !v->is_array()) return out;
  for (const auto& e : v->as_array()) {
    if (e.is_string()) out.push_back(e.as_string());
  }
  return out;
}

Value Opt(const std::optional<std::string>& s) { return s ? Value(*s) : Value(); }
Value OptInt(const std::optional<int64_t>& n) { return n ? Value(*n) : Value(); }
Value OptNum(const std::optional<double>& n) { return n ? Value(*n) : Value(); }

std::optional<std::string> OptOf(const Value* v) {
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return v->as_string();
}

std::optional<int64_t> OptIntOf(const Value* v) {
  if (v == nullptr || !v->is_int()) return std::nullopt;
  return v->as_int();
}

std::optional<double> OptNumOf(const Value* v) {
  if (v == nullptr || !v->is_number()) return std::nullopt;
  return v->as_double();
}

const Value& Or(const Value* v) {
  static const Value kNull;
  return v != nullptr ? *v : kNull;
}

std::string Str(const Value& o, const char* key) {
  const Value* v = o.Get(key);
  return v != nullptr && v->is_string() ? v->as_string() : std::string();
}

int64_t Int(const Value& o, const char* key) {
  const Value* v = o.Get(key);
  return v != nullptr && v->is_int() ? v->as_int() : 0;
}

bool Bool(const Value& o, const char* key) {
  const Value* v = o.Get(key);
  return v != nullptr && v->is_bool() && v->as_bool();
}

}  // namespace

// ---- record encodings ----

std::string EncodeClusterRecord(const model::Cluster& c) {
  ValueObject o;
  o.Set("cluster_id", c.cluster_id);
  o.Set("cluster_name", c.cluster_name);
  o.Set("description", Opt(c.description));
  o.Set("cluster_type", c.cluster_type);
  o.Set("collection_ids", Strings(c.collection_ids));
  o.Set("feature_uris", Strings(c.feature_uris));
  o.Set("clustering_method", c.clustering_method);
  o.Set("algorithm_params", c.algorithm_params);
  o.Set("multi_feature_strategy", c.multi_feature_strategy);
  o.Set("normalize_features", c.normalize_features);
  o.Set("effective_feature_method", c.effective_feature_method);
  o.Set("enrich_source_collection", c.enrich_source_collection);
  o.Set("source_enrichment_config", c.source_enrichment_config);
  o.Set("filters", c.filters);
  o.Set("llm_labeling", c.llm_labeling);
  o.Set("metadata", c.metadata);
  o.Set("status", model::TaskStatusName(c.status));
  o.Set("last_task_id", Opt(c.last_task_id));
  o.Set("last_run_id", Opt(c.last_run_id));
  o.Set("num_clusters", OptInt(c.num_clusters));
  o.Set("num_documents_clustered", OptInt(c.num_documents_clustered));
  o.Set("execution_time_seconds", OptNum(c.execution_time_seconds));
  o.Set("last_executed_at", OptInt(c.last_executed_at));
  o.Set("completed_at", OptInt(c.completed_at));
  o.Set("created_at", c.created_at);
  o.Set("updated_at", c.updated_at);
  return EncodeValueBlob(Value(std::move(o)));
}

bool DecodeClusterRecord(std::string_view bytes, model::Cluster* c) {
  Value v;
  if (!DecodeValueBlob(bytes, &v) || !v.is_object()) return false;
  c->cluster_id = Str(v, "cluster_id");
  c->cluster_name = Str(v, "cluster_name");
  c->description = OptOf(v.Get("description"));
  c->cluster_type = Str(v, "cluster_type");
  c->collection_ids = ToStrings(v.Get("collection_ids"));
  c->feature_uris = ToStrings(v.Get("feature_uris"));
  c->clustering_method = Str(v, "clustering_method");
  c->algorithm_params = Or(v.Get("algorithm_params"));
  c->multi_feature_strategy = Str(v, "multi_feature_strategy");
  c->normalize_features = Bool(v, "normalize_features");
  c->effective_feature_method = Str(v, "effective_feature_method");
  c->enrich_source_collection = Bool(v, "enrich_source_collection");
  c->source_enrichment_config = Or(v.Get("source_enrichment_config"));
  c->filters = Or(v.Get("filters"));
  c->llm_labeling = Or(v.Get("llm_labeling"));
  c->metadata = Or(v.Get("metadata"));
  auto status = model::ParseTaskStatus(Str(v, "status"));
  if (!status) return false;
  c->status = *status;
  c->last_task_id = OptOf(v.Get("last_task_id"));
  c->last_run_id = OptOf(v.Get("last_run_id"));
  c->num_clusters = OptIntOf(v.Get("num_clusters"));
  c->num_documents_clustered = OptIntOf(v.Get("num_documents_clustered"));
  c->execution_time_seconds = OptNumOf(v.Get("execution_time_seconds"));
  c->last_executed_at = OptIntOf(v.Get("last_executed_at"));
  c->completed_at = OptIntOf(v.Get("completed_at"));
  c->created_at = Int(v, "created_at");
  c->updated_at = Int(v, "updated_at");
  return true;
}

Value EncodeCentroid(const model::ClusterCentroid& c) {
  ValueObject o;
  o.Set("cluster_id", c.cluster_id);
  o.Set("label", c.label);
  o.Set("num_members", c.num_members);
  o.Set("dims", static_cast<int64_t>(c.vector.size()));
  o.Set("vector", EncodeFloats(c.vector));
  return Value(std::move(o));
}

bool DecodeCentroid(const Value& v, model::ClusterCentroid* c) {
  c->cluster_id = Str(v, "cluster_id");
  c->label = Str(v, "label");
  c->num_members = Int(v, "num_members");
  return DecodeFloats(Str(v, "vector"), Int(v, "dims"), &c->vector);
}

std::string EncodeClusterExecutionRecord(const model::ClusterExecution& e) {
  ValueArray centroids;
  for (const auto& c : e.centroids) centroids.push_back(EncodeCentroid(c));
  ValueArray artifacts;
  for (const auto& a : e.artifacts) {
    ValueObject o;
    o.Set("name", a.name);
    o.Set("blob_hash", a.blob_hash);
    o.Set("size_bytes", a.size_bytes);
    o.Set("format", a.format);
    artifacts.emplace_back(std::move(o));
  }
  ValueObject o;
  o.Set("run_id", e.run_id);
  o.Set("cluster_id", e.cluster_id);
  o.Set("status", e.status);
  o.Set("num_clusters", e.num_clusters);
  o.Set("num_points", e.num_points);
  o.Set("silhouette_score", OptNum(e.silhouette_score));
  o.Set("davies_bouldin_index", OptNum(e.davies_bouldin_index));
  o.Set("calinski_harabasz_score", OptNum(e.calinski_harabasz_score));
  o.Set("inertia", e.inertia);
  o.Set("iterations", e.iterations);
  o.Set("centroids", Value(std::move(centroids)));
  o.Set("artifacts", Value(std::move(artifacts)));
  o.Set("task_id", Opt(e.task_id));
  o.Set("error_message", Opt(e.error_message));
  o.Set("created_at", e.created_at);
  o.Set("completed_at", OptInt(e.completed_at));
  return EncodeValueBlob(Value(std::move(o)));
}

bool DecodeClusterExecutionRecord(std::string_view bytes, model::ClusterExecution* e) {
  Value v;
  if (!DecodeValueBlob(bytes, &v) || !v.is_object()) return false;
  e->run_id = Str(v, "run_id");
  e->cluster_id = Str(v, "cluster_id");
  e->status = Str(v, "status");
  e->num_clusters = Int(v, "num_clusters");
  e->num_points = Int(v, "num_points");
  e->silhouette_score = OptNumOf(v.Get("silhouette_score"));
  e->davies_bouldin_index = OptNumOf(v.Get("davies_bouldin_index"));
  e->calinski_harabasz_score = OptNumOf(v.Get("calinski_harabasz_score"));
  e->inertia = OptNumOf(v.Get("inertia")).value_or(0.0);
  e->iterations = Int(v, "iterations");
  if (const Value* cs = v.Get("centroids"); cs != nullptr && cs->is_array()) {
    for (const auto& c : cs->as_array()) {
      model::ClusterCentroid centroid;
      if (!DecodeCentroid(c, &centroid)) return false;
      e->centroids.push_back(std::move(centroid));
    }
  }
  if (const Value* as = v.Get("artifacts"); as != nullptr && as->is_array()) {
    for (const auto& a : as->as_array()) {
      e->artifacts.push_back(
          {Str(a, "name"), Str(a, "blob_hash"), Int(a, "size_bytes"), Str(a, "format")});
    }
  }
  e->task_id = OptOf(v.Get("task_id"));
  e->error_message = OptOf(v.Get("error_message"));
  e->created_at = Int(v, "created_at");
  e->completed_at = OptIntOf(v.Get("completed_at"));
  return true;
}

}  // namespace ferry::storage::records
