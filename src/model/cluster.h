#pragma once
// Clusters (DESIGN.md §1): k-means over the vectors of a set of collections, its
// executions (runs) with centroids, metrics and artifacts, and the enrichment of the
// clustered documents. Plain structs; the codec owns the wire names, storage persists them.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "model/types.h"
#include "model/value.h"

namespace ferry::model {

// The fields an enriched document receives (spec: cluster_id, cluster_label,
// distance_to_centroid).
inline constexpr const char* kClusterIdField = "cluster_id";
inline constexpr const char* kClusterLabelField = "cluster_label";
inline constexpr const char* kClusterDistanceField = "distance_to_centroid";

struct Cluster {
  std::string cluster_id;  // "clust_…"
  std::string cluster_name;
  std::optional<std::string> description;
  std::string cluster_type = "vector";       // ClusterType; only "vector" is built
  std::vector<std::string> collection_ids;   // resolved ids, in the order given
  std::vector<std::string> feature_uris;     // mixpeek://{extractor}@{version}/{output}
  std::string clustering_method = "kmeans";  // ClusteringAlgorithm; only "kmeans" is built
  Value algorithm_params;                    // object as given (KMeansParams)
  std::string multi_feature_strategy = "concatenate";
  bool normalize_features = true;  // L2-normalise each feature block
  std::string effective_feature_method = "mean";
  bool enrich_source_collection = false;
  Value source_enrichment_config;            // null or object, kept as given
  Value filters;                             // null or object, kept as given
  Value llm_labeling;                        // null or object, kept as given
  Value metadata;                            // object
  TaskStatus status = TaskStatus::kPending;  // of the last execution (PENDING before any)
  std::optional<std::string> last_task_id;
  std::optional<std::string> last_run_id;  // last successful execution
  std::optional<int64_t> num_clusters;
  std::optional<int64_t> num_documents_clustered;
  std::optional<double> execution_time_seconds;
  std::optional<TimestampMs> last_executed_at;
  std::optional<TimestampMs> completed_at;
  TimestampMs created_at = 0;
  TimestampMs updated_at = 0;
};

// One centroid of an execution. `cluster_id` ("cl_<i>") and `label` ("Cluster <i>") are
// what enriched documents carry.
struct ClusterCentroid {
  std::string cluster_id;
  std::string label;
  int64_t num_members = 0;
  std::vector<float> vector;
};

// A file an execution wrote to the blob store.
struct ClusterArtifact {
  std::string name;       // "members" | "centroids"
  std::string blob_hash;  // SHA-256 hex in the blob store
  int64_t size_bytes = 0;
  std::string format;  // media type, e.g. "text/tab-separated-values"
};

struct ClusterExecution {
  std::string run_id;  // "run_…"
  std::string cluster_id;
  std::string status = "pending";  // "pending" | "processing" | "completed" | "failed"
  int64_t num_clusters = 0;
  int64_t num_points = 0;
  std::optional<double> silhouette_score;
  std::optional<double> davies_bouldin_index;
  std::optional<double> calinski_harabasz_score;
  double inertia = 0.0;
  int64_t iterations = 0;
  std::vector<ClusterCentroid> centroids;
  std::vector<ClusterArtifact> artifacts;
  std::optional<std::string> task_id;
  std::optional<std::string> error_message;
  TimestampMs created_at = 0;
  std::optional<TimestampMs> completed_at;
};

struct ClusterPatch {
  std::optional<std::string> cluster_name;
  std::optional<std::string> description;
  std::optional<Value> metadata;
};

}  // namespace ferry::model
