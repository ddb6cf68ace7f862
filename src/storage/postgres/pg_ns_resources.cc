// PgNamespaceStore: retrievers (with executions and interactions), clusters (with
// executions) and taxonomies, each call one transaction over the functions of
// pg_retrievers.h, pg_clusters.h and pg_taxonomies.h.

#include "storage/postgres/pg_clusters.h"
#include "storage/postgres/pg_namespace_store.h"
#include "storage/postgres/pg_retrievers.h"
#include "storage/postgres/pg_taxonomies.h"

namespace ferry::storage::postgres {

Status PgNamespaceStore::InsertRetriever(const model::Retriever& r) {
  return Run("insert retriever", [&](pqxx::work& tx) { return pg::InsertRetriever(tx, ns_, r); });
}

Result<model::Retriever> PgNamespaceStore::GetRetriever(const std::string& retriever_id) {
  return Run("get retriever",
             [&](pqxx::work& tx) { return pg::GetRetriever(tx, ns_, retriever_id); });
}

Result<model::Retriever> PgNamespaceStore::GetRetrieverByName(const std::string& name) {
  return Run("get retriever by name",
             [&](pqxx::work& tx) { return pg::GetRetrieverByName(tx, ns_, name); });
}

Result<std::vector<model::Retriever>> PgNamespaceStore::ListRetrievers(const model::Page& page) {
  return Run("list retrievers", [&](pqxx::work& tx) { return pg::ListRetrievers(tx, ns_, page); });
}

Result<int64_t> PgNamespaceStore::CountRetrievers() {
  return Run("count retrievers", [&](pqxx::work& tx) { return pg::CountRetrievers(tx, ns_); });
}

Status PgNamespaceStore::UpdateRetriever(const model::Retriever& r) {
  return Run("update retriever", [&](pqxx::work& tx) { return pg::UpdateRetriever(tx, ns_, r); });
}

Status PgNamespaceStore::DeleteRetriever(const std::string& retriever_id) {
  return Run("delete retriever",
             [&](pqxx::work& tx) { return pg::DeleteRetriever(tx, ns_, retriever_id); });
}

Status PgNamespaceStore::InsertExecution(const model::RetrieverExecution& e) {
  return Run("insert execution", [&](pqxx::work& tx) { return pg::InsertExecution(tx, ns_, e); });
}

Result<model::RetrieverExecution> PgNamespaceStore::GetExecution(const std::string& retriever_id,
                                                                 const std::string& execution_id) {
  return Run("get execution",
             [&](pqxx::work& tx) { return pg::GetExecution(tx, ns_, retriever_id, execution_id); });
}

Result<std::vector<model::RetrieverExecution>> PgNamespaceStore::ListExecutions(
    const std::string& retriever_id, const std::optional<std::string>& status,
    const model::Page& page) {
  return Run("list executions", [&](pqxx::work& tx) {
    return pg::ListExecutions(tx, ns_, retriever_id, status, page);
  });
}

Result<int64_t> PgNamespaceStore::CountExecutions(const std::string& retriever_id,
                                                  const std::optional<std::string>& status) {
  return Run("count executions",
             [&](pqxx::work& tx) { return pg::CountExecutions(tx, ns_, retriever_id, status); });
}

Status PgNamespaceStore::InsertInteraction(const model::Interaction& i) {
  return Run("insert interaction",
             [&](pqxx::work& tx) { return pg::InsertInteraction(tx, ns_, i); });
}

Result<model::Interaction> PgNamespaceStore::GetInteraction(const std::string& interaction_id) {
  return Run("get interaction",
             [&](pqxx::work& tx) { return pg::GetInteraction(tx, ns_, interaction_id); });
}

Result<std::vector<model::Interaction>> PgNamespaceStore::ListInteractions(
    const model::InteractionQuery& query, const model::Page& page) {
  return Run("list interactions",
             [&](pqxx::work& tx) { return pg::ListInteractions(tx, ns_, query, page); });
}

Result<int64_t> PgNamespaceStore::CountInteractions(const model::InteractionQuery& query) {
  return Run("count interactions",
             [&](pqxx::work& tx) { return pg::CountInteractions(tx, ns_, query); });
}

Status PgNamespaceStore::DeleteInteraction(const std::string& interaction_id) {
  return Run("delete interaction",
             [&](pqxx::work& tx) { return pg::DeleteInteraction(tx, ns_, interaction_id); });
}

Status PgNamespaceStore::InsertCluster(const model::Cluster& c) {
  return Run("insert cluster", [&](pqxx::work& tx) { return pg::InsertCluster(tx, ns_, c); });
}

Result<model::Cluster> PgNamespaceStore::GetCluster(const std::string& cluster_id) {
  return Run("get cluster", [&](pqxx::work& tx) { return pg::GetCluster(tx, ns_, cluster_id); });
}

Result<model::Cluster> PgNamespaceStore::GetClusterByName(const std::string& name) {
  return Run("get cluster by name",
             [&](pqxx::work& tx) { return pg::GetClusterByName(tx, ns_, name); });
}

Result<std::vector<model::Cluster>> PgNamespaceStore::ListClusters(const model::Page& page) {
  return Run("list clusters", [&](pqxx::work& tx) { return pg::ListClusters(tx, ns_, page); });
}

Result<int64_t> PgNamespaceStore::CountClusters() {
  return Run("count clusters", [&](pqxx::work& tx) { return pg::CountClusters(tx, ns_); });
}

Status PgNamespaceStore::UpdateCluster(const model::Cluster& c) {
  return Run("update cluster", [&](pqxx::work& tx) { return pg::UpdateCluster(tx, ns_, c); });
}

Status PgNamespaceStore::DeleteCluster(const std::string& cluster_id) {
  return Run("delete cluster",
             [&](pqxx::work& tx) { return pg::DeleteCluster(tx, ns_, cluster_id); });
}

Status PgNamespaceStore::UpsertClusterExecution(const model::ClusterExecution& e) {
  return Run("upsert cluster execution",
             [&](pqxx::work& tx) { return pg::UpsertClusterExecution(tx, ns_, e); });
}

Result<model::ClusterExecution> PgNamespaceStore::GetClusterExecution(const std::string& cluster_id,
                                                                      const std::string& run_id) {
  return Run("get cluster execution",
             [&](pqxx::work& tx) { return pg::GetClusterExecution(tx, ns_, cluster_id, run_id); });
}

Result<std::vector<model::ClusterExecution>> PgNamespaceStore::ListClusterExecutions(
    const std::string& cluster_id, const model::Page& page) {
  return Run("list cluster executions",
             [&](pqxx::work& tx) { return pg::ListClusterExecutions(tx, ns_, cluster_id, page); });
}

Result<int64_t> PgNamespaceStore::CountClusterExecutions(const std::string& cluster_id) {
  return Run("count cluster executions",
             [&](pqxx::work& tx) { return pg::CountClusterExecutions(tx, ns_, cluster_id); });
}

Status PgNamespaceStore::InsertTaxonomy(const model::Taxonomy& t) {
  return Run("insert taxonomy", [&](pqxx::work& tx) { return pg::InsertTaxonomy(tx, ns_, t); });
}

Result<model::Taxonomy> PgNamespaceStore::GetTaxonomy(const std::string& taxonomy_id) {
  return Run("get taxonomy", [&](pqxx::work& tx) { return pg::GetTaxonomy(tx, ns_, taxonomy_id); });
}

Result<model::Taxonomy> PgNamespaceStore::GetTaxonomyByName(const std::string& name) {
  return Run("get taxonomy by name",
             [&](pqxx::work& tx) { return pg::GetTaxonomyByName(tx, ns_, name); });
}

Result<std::vector<model::Taxonomy>> PgNamespaceStore::ListTaxonomies(const model::Page& page) {
  return Run("list taxonomies", [&](pqxx::work& tx) { return pg::ListTaxonomies(tx, ns_, page); });
}

Result<int64_t> PgNamespaceStore::CountTaxonomies() {
  return Run("count taxonomies", [&](pqxx::work& tx) { return pg::CountTaxonomies(tx, ns_); });
}

Status PgNamespaceStore::UpdateTaxonomy(const model::Taxonomy& t) {
  return Run("update taxonomy", [&](pqxx::work& tx) { return pg::UpdateTaxonomy(tx, ns_, t); });
}

Status PgNamespaceStore::DeleteTaxonomy(const std::string& taxonomy_id) {
  return Run("delete taxonomy",
             [&](pqxx::work& tx) { return pg::DeleteTaxonomy(tx, ns_, taxonomy_id); });
}

}  // namespace ferry::storage::postgres
