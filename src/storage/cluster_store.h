#pragma once
// Clusters of a namespace (part of NamespaceStore): definitions and their executions
// (runs). Implementations are thread-safe; each call is atomic.

#include <string>
#include <vector>

#include "common/result.h"
#include "model/cluster.h"
#include "model/resources.h"

namespace ferry::storage {

class ClusterStore {
 public:
  virtual ~ClusterStore() = default;

  // AlreadyExists on id or name.
  virtual Status InsertCluster(const model::Cluster& c) = 0;
  virtual Result<model::Cluster> GetCluster(const std::string& cluster_id) = 0;
  virtual Result<model::Cluster> GetClusterByName(const std::string& name) = 0;
  // Ordered by created_at then id.
  virtual Result<std::vector<model::Cluster>> ListClusters(const model::Page& page) = 0;
  virtual Result<int64_t> CountClusters() = 0;
  // Replaces the stored cluster with the same id. NotFound when absent; AlreadyExists
  // when the new name is another cluster's.
  virtual Status UpdateCluster(const model::Cluster& c) = 0;
  // Removes the cluster and its executions. NotFound when absent.
  virtual Status DeleteCluster(const std::string& cluster_id) = 0;

  // Inserts or replaces an execution (by run_id). NotFound when the cluster is absent.
  virtual Status UpsertClusterExecution(const model::ClusterExecution& e) = 0;
  // NotFound unless the execution belongs to that cluster.
  virtual Result<model::ClusterExecution> GetClusterExecution(const std::string& cluster_id,
                                                              const std::string& run_id) = 0;
  // Newest first (created_at descending, then run_id descending).
  virtual Result<std::vector<model::ClusterExecution>> ListClusterExecutions(
      const std::string& cluster_id, const model::Page& page) = 0;
  virtual Result<int64_t> CountClusterExecutions(const std::string& cluster_id) = 0;
};

}  // namespace ferry::storage
