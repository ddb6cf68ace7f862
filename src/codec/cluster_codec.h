#pragma once
// Wire shapes of clusters (CreateClusterRequest, PatchClusterRequest, ClusterMetadata,
// ClusterModel) and their executions (ClusterExecutionResult). Execution results also
// carry Ferry's `artifacts` (blob references of the members and centroids files) and
// `task_id`; the spec's schema allows additional properties.

#include <boost/json.hpp>
#include <optional>
#include <string>

#include "codec/json_reader.h"
#include "model/cluster.h"

namespace ferry::codec {

// Shapes only; the service checks collections, feature URIs and algorithm_params.
// collection_ids are kept as given (ids or names). vector_config.feature_uri (deprecated)
// counts as a one-element feature_uris; kmeans_parameters as algorithm_params.
model::Cluster DecodeClusterCreate(JsonReader body);
model::ClusterPatch DecodeClusterPatch(JsonReader body);

// ClusterMetadata (create, get, list).
boost::json::object EncodeClusterMetadata(const model::Cluster& c, const std::string& namespace_id);
// ClusterModel (patch). `last_run` is the execution last_run_id names, when any.
boost::json::object EncodeClusterModel(const model::Cluster& c,
                                       const std::optional<model::ClusterExecution>& last_run);
// ClusterExecutionResult.
boost::json::object EncodeClusterExecution(const model::ClusterExecution& e);

// "ferry://blobs/<sha256>": how responses name a blob of the blob store.
std::string BlobUri(const std::string& hash);

}  // namespace ferry::codec
