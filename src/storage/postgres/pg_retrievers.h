#pragma once
// Retrievers, their executions and interactions of one namespace (schema step 2), with the
// contracts of NamespaceStore's "Retrievers" section. Each function runs inside the
// caller's transaction (PgDb::Run) and touches only rows of `ns`, so PgNamespaceStore's
// methods are one-line wrappers: `return pg::InsertRetriever(tx, ns_, r);`.

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "common/result.h"
#include "model/resources.h"
#include "model/retriever.h"

namespace ferry::storage::postgres::pg {

// AlreadyExists on id or name.
Status InsertRetriever(pqxx::work& tx, const std::string& ns, const model::Retriever& r);
Result<model::Retriever> GetRetriever(pqxx::work& tx, const std::string& ns,
                                      const std::string& retriever_id);
Result<model::Retriever> GetRetrieverByName(pqxx::work& tx, const std::string& ns,
                                            const std::string& name);
// Ordered by created_at then id.
Result<std::vector<model::Retriever>> ListRetrievers(pqxx::work& tx, const std::string& ns,
                                                     const model::Page& page);
Result<int64_t> CountRetrievers(pqxx::work& tx, const std::string& ns);
// NotFound when absent; AlreadyExists when the new name is another retriever's.
Status UpdateRetriever(pqxx::work& tx, const std::string& ns, const model::Retriever& r);
// Removes the retriever and its executions (interactions stay). NotFound when absent.
Status DeleteRetriever(pqxx::work& tx, const std::string& ns, const std::string& retriever_id);

// NotFound when the retriever is absent; AlreadyExists on id.
Status InsertExecution(pqxx::work& tx, const std::string& ns, const model::RetrieverExecution& e);
// NotFound unless the execution belongs to that retriever.
Result<model::RetrieverExecution> GetExecution(pqxx::work& tx, const std::string& ns,
                                               const std::string& retriever_id,
                                               const std::string& execution_id);
// Newest first (created_at descending, then id); `status` filters when set.
Result<std::vector<model::RetrieverExecution>> ListExecutions(
    pqxx::work& tx, const std::string& ns, const std::string& retriever_id,
    const std::optional<std::string>& status, const model::Page& page);
Result<int64_t> CountExecutions(pqxx::work& tx, const std::string& ns,
                                const std::string& retriever_id,
                                const std::optional<std::string>& status);

// AlreadyExists on id.
Status InsertInteraction(pqxx::work& tx, const std::string& ns, const model::Interaction& i);
Result<model::Interaction> GetInteraction(pqxx::work& tx, const std::string& ns,
                                          const std::string& interaction_id);
// Newest first (created_at descending, then id), filtered by `query`.
Result<std::vector<model::Interaction>> ListInteractions(pqxx::work& tx, const std::string& ns,
                                                         const model::InteractionQuery& query,
                                                         const model::Page& page);
Result<int64_t> CountInteractions(pqxx::work& tx, const std::string& ns,
                                  const model::InteractionQuery& query);
// NotFound when absent.
Status DeleteInteraction(pqxx::work& tx, const std::string& ns, const std::string& interaction_id);

// Removes every retriever, execution and interaction of `ns` (its data is dropped).
Status DropRetrievers(pqxx::work& tx, const std::string& ns);

}  // namespace ferry::storage::postgres::pg
