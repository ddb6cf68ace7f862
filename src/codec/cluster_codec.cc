#include "codec/cluster_codec.h"

#include "codec/json_value.h"

namespace ferry::codec {

namespace json = boost::json;

namespace {

const std::vector<std::string> kClusterTypes = {"vector", "attribute"};
const std::vector<std::string> kAlgorithms = {"kmeans",        "dbscan",   "hdbscan",
                                              "agglomerative", "spectral", "gaussian_mixture",
                                              "mean_shift",    "optics",   "attribute_based"};
const std::vector<std::string> kStrategies = {"concatenate", "independent", "weighted"};
const std::vector<std::string> kCentroidMethods = {"mean", "median", "medoid"};

json::array Strings(const std::vector<std::string>& v) {
  json::array out;
  for (const auto& s : v) out.emplace_back(s);
  return out;
}

json::value OptInt(const std::optional<int64_t>& n) { return n ? json::value(*n) : nullptr; }
json::value OptNum(const std::optional<double>& n) { return n ? json::value(*n) : nullptr; }

json::value ObjectOrEmpty(const model::Value& v) {
  return v.is_object() ? ToJson(v) : json::value(json::object{});
}

json::value ObjectOrNull(const model::Value& v) {
  return v.is_object() ? ToJson(v) : json::value(nullptr);
}

// SourceEnrichmentConfig: field_mappings must be [{source_field, target_field}].
model::Value DecodeEnrichmentConfig(JsonReader& body) {
  JsonReader config = body.Child("source_enrichment_config");
  if (body.Member("source_enrichment_config") == nullptr || !config.ExpectObject()) {
    return model::Value();
  }
  config.RejectNull({"field_mappings"});
  for (auto& m : config.Elements("field_mappings", false)) {
    if (!m.ExpectObject()) continue;
    m.RejectNull({"source_field", "target_field"});
    m.String("source_field", true);
    m.String("target_field", true);
  }
  return body.ObjectValue("source_enrichment_config");
}

void DecodeVectorConfig(JsonReader body, model::Cluster* c) {
  if (body.Member("vector_config") == nullptr) {
    if (c->cluster_type == "vector") body.AddIssue("vector_config", "Field required", "missing");
    return;
  }
  JsonReader v = body.Child("vector_config");
  if (!v.ExpectObject()) return;
  v.RejectNull({"clustering_method", "multi_feature_strategy", "normalize_features",
                "effective_feature_method", "enrich_source"});
  if (auto uris = v.StringList("feature_uris", false)) {
    if (uris->empty()) {
      v.AddIssue("feature_uris", "List should have at least 1 item after validation, not 0",
                 "too_short");
    }
    c->feature_uris = std::move(*uris);
  } else if (auto uri = v.String("feature_uri", false)) {
    c->feature_uris = {*uri};
  }
  c->clustering_method = v.Enum("clustering_method", true, kAlgorithms).value_or("kmeans");
  c->algorithm_params = v.Member("algorithm_params") != nullptr
                            ? v.ObjectValue("algorithm_params")
                            : v.ObjectValue("kmeans_parameters");
  c->multi_feature_strategy =
      v.Enum("multi_feature_strategy", false, kStrategies).value_or("concatenate");
  c->normalize_features = v.Bool("normalize_features", false).value_or(true);
  c->effective_feature_method =
      v.Enum("effective_feature_method", false, kCentroidMethods).value_or("mean");
  if (v.Bool("enrich_source", false).value_or(false)) c->enrich_source_collection = true;
}

json::array EncodeArtifacts(const std::vector<model::ClusterArtifact>& artifacts) {
  json::array out;
  for (const auto& a : artifacts) {
    out.push_back(json::object{{"name", a.name},
                               {"blob_hash", a.blob_hash},
                               {"uri", BlobUri(a.blob_hash)},
                               {"size_bytes", a.size_bytes},
                               {"format", a.format}});
  }
  return out;
}

json::value ArtifactUri(const std::optional<model::ClusterExecution>& run, const char* name) {
  if (!run) return nullptr;
  for (const auto& a : run->artifacts) {
    if (a.name == name) return json::value(BlobUri(a.blob_hash));
  }
  return nullptr;
}

}  // namespace

std::string BlobUri(const std::string& hash) { return "ferry://blobs/" + hash; }

model::Cluster DecodeClusterCreate(JsonReader body) {
  model::Cluster c;
  if (!body.ExpectObject()) return c;
  body.RejectNull({"collection_ids", "cluster_type", "enrich_source_collection"});
  if (auto ids = body.StringList("collection_ids", true)) {
    if (ids->empty()) {
      body.AddIssue("collection_ids", "List should have at least 1 item after validation, not 0",
                    "too_short");
    }
    c.collection_ids = std::move(*ids);
  }
  c.cluster_name = body.String("cluster_name", false, limits::kName).value_or("");
  c.description = body.String("description", false);
  c.cluster_type = body.Enum("cluster_type", false, kClusterTypes).value_or("vector");
  c.enrich_source_collection = body.Bool("enrich_source_collection", false).value_or(false);
  DecodeVectorConfig(body, &c);
  c.filters = body.ObjectValue("filters");
  c.llm_labeling = body.ObjectValue("llm_labeling");
  c.source_enrichment_config = DecodeEnrichmentConfig(body);
  c.metadata = body.ObjectValue("metadata", limits::kMetadataBytes);
  return c;
}

model::ClusterPatch DecodeClusterPatch(JsonReader body) {
  model::ClusterPatch p;
  if (!body.ExpectObject()) return p;
  p.cluster_name = body.String("cluster_name", false, limits::kName);
  p.description = body.String("description", false);
  if (body.Member("metadata") != nullptr)
    p.metadata = body.ObjectValue("metadata", limits::kMetadataBytes);
  return p;
}

json::object EncodeClusterMetadata(const model::Cluster& c, const std::string& namespace_id) {
  return json::object{
      {"cluster_id", c.cluster_id},
      {"cluster_name", c.cluster_name},
      {"description", OptString(c.description)},
      {"namespace_id", namespace_id},
      {"input_collections", Strings(c.collection_ids)},
      {"source_bucket_ids", nullptr},
      {"filters", ObjectOrNull(c.filters)},
      {"cluster_type", c.cluster_type},
      {"feature_uris", Strings(c.feature_uris)},
      {"multi_feature_strategy", c.multi_feature_strategy},
      {"learned_weights", nullptr},
      {"learning_quality_score", nullptr},
      {"effective_feature_method", c.effective_feature_method},
      {"clustered_attributes", nullptr},
      {"hierarchical_grouping", nullptr},
      {"aggregation_method", nullptr},
      {"output_collection_ids", json::array{}},
      {"output_collection_names", json::array{}},
      {"algorithm", c.clustering_method},
      {"algorithm_params", ObjectOrEmpty(c.algorithm_params)},
      {"enrich_source", c.enrich_source_collection},
      {"source_enrichment_config", ObjectOrNull(c.source_enrichment_config)},
      {"llm_labeling", ObjectOrNull(c.llm_labeling)},
      {"num_clusters", OptInt(c.num_clusters)},
      {"num_documents_clustered", OptInt(c.num_documents_clustered)},
      {"execution_time_seconds", OptNum(c.execution_time_seconds)},
      {"hierarchy_detected", false},
      {"parent_cluster_id", nullptr},
      {"child_cluster_ids", nullptr},
      {"hierarchy_relationships", nullptr},
      {"status", model::TaskStatusName(c.status)},
      {"last_execution_task_id", OptString(c.last_task_id)},
      {"created_at", Time(c.created_at)},
      {"updated_at", Time(c.updated_at)},
      {"last_executed_at", OptTime(c.last_executed_at)},
      {"completed_at", OptTime(c.completed_at)},
      {"llm_labeling_errors", nullptr},
      {"metadata", ObjectOrEmpty(c.metadata)},
  };
}

json::object EncodeClusterModel(const model::Cluster& c,
                                const std::optional<model::ClusterExecution>& last_run) {
  json::object vector_config{
      {"feature_uri", nullptr},
      {"feature_uris", Strings(c.feature_uris)},
      {"clustering_method", c.clustering_method},
      {"sample_size", nullptr},
      {"algorithm_params", ObjectOrEmpty(c.algorithm_params)},
      {"multi_feature_strategy", c.multi_feature_strategy},
      {"normalize_features", c.normalize_features},
      {"feature_weights", nullptr},
      {"output_strategy", "single"},
      {"effective_feature_method", c.effective_feature_method},
      {"enrich_source", c.enrich_source_collection},
  };
  json::value stats = nullptr;
  if (last_run && last_run->status == "completed") {
    stats = json::object{{"num_clusters", last_run->num_clusters},
                         {"noise_points", nullptr},
                         {"silhouette_score", OptNum(last_run->silhouette_score)},
                         {"extra", json::object{{"inertia", last_run->inertia}}}};
  }
  return json::object{
      {"collection_ids", Strings(c.collection_ids)},
      {"cluster_name", c.cluster_name},
      {"cluster_type", c.cluster_type},
      {"vector_config", std::move(vector_config)},
      {"attribute_config", nullptr},
      {"filters", ObjectOrNull(c.filters)},
      {"llm_labeling", ObjectOrNull(c.llm_labeling)},
      {"enrich_source_collection", c.enrich_source_collection},
      {"source_enrichment_config", ObjectOrNull(c.source_enrichment_config)},
      {"cluster_id", c.cluster_id},
      {"description", OptString(c.description)},
      {"parquet_path", ArtifactUri(last_run, "centroids")},
      {"members_key", ArtifactUri(last_run, "members")},
      {"num_clusters", OptInt(c.num_clusters)},
      {"cluster_stats", std::move(stats)},
      {"status", model::TaskStatusName(c.status)},
      {"task_id", OptString(c.last_task_id)},
      {"last_run_id", OptString(c.last_run_id)},
      {"created_at", Time(c.created_at)},
      {"updated_at", Time(c.updated_at)},
      {"metadata", ObjectOrEmpty(c.metadata)},
  };
}

json::object EncodeClusterExecution(const model::ClusterExecution& e) {
  const bool completed = e.status == "completed";
  json::value metrics = nullptr;
  json::value centroids = nullptr;
  if (completed) {
    metrics = json::object{{"silhouette_score", OptNum(e.silhouette_score)},
                           {"davies_bouldin_index", OptNum(e.davies_bouldin_index)},
                           {"calinski_harabasz_score", OptNum(e.calinski_harabasz_score)}};
    json::array list;
    for (const auto& c : e.centroids) {
      list.push_back(json::object{{"cluster_id", c.cluster_id},
                                  {"num_members", c.num_members},
                                  {"label", c.label},
                                  {"summary", nullptr},
                                  {"keywords", nullptr}});
    }
    centroids = std::move(list);
  }
  return json::object{
      {"run_id", e.run_id},
      {"cluster_id", e.cluster_id},
      {"status", e.status},
      {"num_clusters", e.num_clusters},
      {"num_points", e.num_points},
      {"metrics", std::move(metrics)},
      {"centroids", std::move(centroids)},
      {"created_at", Time(e.created_at)},
      {"completed_at", OptTime(e.completed_at)},
      {"error_message", OptString(e.error_message)},
      {"llm_labeling_errors", nullptr},
      {"task_id", OptString(e.task_id)},
      {"artifacts", EncodeArtifacts(e.artifacts)},
  };
}

}  // namespace ferry::codec
