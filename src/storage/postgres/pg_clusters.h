#pragma once
// Clusters and their executions (runs) of one namespace (schema step 2), with the
// contracts of NamespaceStore's "Clusters" section. Each function runs inside the
// caller's transaction (PgDb::Run) and touches only rows of `ns`.

#include <cstdint>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "common/result.h"
#include "model/cluster.h"
#include "model/resources.h"

namespace ferry::storage::postgres::pg {

// AlreadyExists on id or name.
Status InsertCluster(pqxx::work& tx, const std::string& ns, const model::Cluster& c);
Result<model::Cluster> GetCluster(pqxx::work& tx, const std::string& ns,
                                  const std::string& cluster_id);
Result<model::Cluster> GetClusterByName(pqxx::work& tx, const std::string& ns,
                                        const std::string& name);
// Ordered by created_at then id.
Result<std::vector<model::Cluster>> ListClusters(pqxx::work& tx, const std::string& ns,
                                                 const model::Page& page);
Result<int64_t> CountClusters(pqxx::work& tx, const std::string& ns);
// NotFound when absent; AlreadyExists when the new name is another cluster's.
Status UpdateCluster(pqxx::work& tx, const std::string& ns, const model::Cluster& c);
// Removes the cluster and its executions. NotFound when absent.
Status DeleteCluster(pqxx::work& tx, const std::string& ns, const std::string& cluster_id);

// Inserts or replaces an execution (by run_id, which may move it to another cluster).
// NotFound when the cluster is absent.
Status UpsertClusterExecution(pqxx::work& tx, const std::string& ns,
                              const model::ClusterExecution& e);
// NotFound unless the execution belongs to that cluster.
Result<model::ClusterExecution> GetClusterExecution(pqxx::work& tx, const std::string& ns,
                                                    const std::string& cluster_id,
                                                    const std::string& run_id);
// Newest first (created_at descending, then run_id descending).
Result<std::vector<model::ClusterExecution>> ListClusterExecutions(pqxx::work& tx,
                                                                   const std::string& ns,
                                                                   const std::string& cluster_id,
                                                                   const model::Page& page);
Result<int64_t> CountClusterExecutions(pqxx::work& tx, const std::string& ns,
                                       const std::string& cluster_id);

// Removes every cluster and execution of `ns` (its data is dropped).
Status DropClusters(pqxx::work& tx, const std::string& ns);

}  // namespace ferry::storage::postgres::pg
