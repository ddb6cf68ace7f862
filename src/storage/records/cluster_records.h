#pragma once
// Record encodings of clusters and their executions (model::EncodeValue format via a
// model::Value built here; centroid vectors are float32 little-endian bytes inside the
// record), shared by every backend.

#include <string>
#include <string_view>

#include "model/cluster.h"

namespace ferry::storage::records {

std::string EncodeClusterRecord(const model::Cluster& c);
bool DecodeClusterRecord(std::string_view bytes, model::Cluster* c);

std::string EncodeClusterExecutionRecord(const model::ClusterExecution& e);
bool DecodeClusterExecutionRecord(std::string_view bytes, model::ClusterExecution* e);

}  // namespace ferry::storage::records
