#pragma once
// The work of one cluster execution, without its bookkeeping: gather the vectors of a
// cluster's feature URIs from its collections, run seeded k-means, compute quality
// metrics, write the members and centroids artifacts to the blob store, and enrich the
// clustered documents. Used by ClusterService (API executions) and by the migration's
// cluster_execution stage (recompute_clusters). Speaks only model types and Status.

#include <cstdint>
#include <string>
#include <vector>

#include "common/result.h"
#include "model/cluster.h"
#include "model/requests.h"
#include "storage/blob_store.h"
#include "storage/namespace_store.h"

namespace ferry::service {

// KMeansParams of a cluster's algorithm_params, with the spec's defaults.
struct KMeansConfig {
  int64_t n_clusters = 8;  // 2–1000
  int64_t max_iter = 300;  // 1–10000
  uint64_t random_state = 42;
  int64_t n_init = 10;  // runs with seeds random_state + i; the lowest inertia wins
  double tol = 1e-4;    // stop when no centroid moves farther (Euclidean)
};

// Reads algorithm_params (null or object). Out-of-range or mistyped values append issues
// located under `loc` (e.g. ["body","vector_config","algorithm_params"]).
KMeansConfig ParseKMeansParams(const model::Value& params, const model::ValueArray& loc,
                               model::ValidationIssues* issues);

// One clustered document.
struct ClusterMember {
  std::string document_id;
  std::string collection_id;
  uint32_t centroid = 0;  // index into the execution's centroids
  double distance = 0.0;  // Euclidean distance to that centroid
};

// Points gathered for clustering: one row per document that has every feature URI,
// in collection order, then document id order.
struct ClusterPoints {
  std::vector<ClusterMember> members;  // centroid/distance unset
  std::vector<float> values;           // members.size() × dimension, row-major
  size_t dimension = 0;
};

// Reads the vectors. A document's row concatenates its feature URIs' vectors in the
// cluster's order, each L2-normalised when normalize_features. Documents missing a
// feature are skipped. FailedPrecondition when a collection is gone or a feature URI has
// no vector in any document; InvalidArgument when a feature's dimensions disagree.
Result<ClusterPoints> GatherClusterPoints(storage::NamespaceStore& store,
                                          const model::Cluster& cluster);

// The result of clustering: `execution` has num_clusters, num_points, metrics, inertia,
// iterations and centroids ("cl_<i>", "Cluster <i>", numbered by each cluster's first
// member in gathering order, so ids do not depend on the seeding order).
struct ClusteringOutcome {
  model::ClusterExecution execution;
  std::vector<ClusterMember> members;
};

// Runs k-means per `config`. InvalidArgument when n_clusters exceeds the number of points.
Result<ClusteringOutcome> ComputeClusters(ClusterPoints points, const KMeansConfig& config);

// Writes the members file (document_id → cluster) and the centroids file as
// tab-separated text and appends their references to outcome->execution.artifacts.
Status WriteClusterArtifacts(storage::BlobStore& blobs, ClusteringOutcome* outcome);

// Writes each member's cluster fields (cluster_id, cluster_label, distance_to_centroid,
// renamed or extended by source_enrichment_config.field_mappings) into its document.
Status EnrichClusterMembers(storage::DocumentStore& store, const model::Cluster& cluster,
                            const ClusteringOutcome& outcome, TimestampMs now);

// The document fields an enrichment by `cluster` writes (the target fields of its
// field_mappings, or the spec's three).
std::vector<std::string> ClusterFieldNames(const model::Cluster& cluster);

// Removes ClusterFieldNames(cluster) from every document of the cluster's collections
// that has any of them; *cleared counts the documents changed. Collections that no longer
// exist are skipped.
Status ClearClusterAssignments(storage::DocumentStore& store, const model::Cluster& cluster,
                               TimestampMs now, int64_t* cleared);

// Gather, compute, write artifacts and (when enrich_source_collection) enrich.
Result<ClusteringOutcome> RunClustering(storage::NamespaceStore& store, storage::BlobStore& blobs,
                                        const model::Cluster& cluster, TimestampMs now);

// Metrics of a clustering (exposed for tests). Silhouette uses at most `sample` points
// (evenly spaced); every metric is unset when it is undefined (k < 2 or n <= k).
void ComputeClusterMetrics(const ClusterPoints& points, const std::vector<ClusterMember>& members,
                           const std::vector<model::ClusterCentroid>& centroids,
                           model::ClusterExecution* execution, size_t sample = 1000);

}  // namespace ferry::service
