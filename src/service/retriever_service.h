#pragma once
// Retrievers: create / get / list / patch / delete, execution through the stages of
// retriever_stages.h (every execution recorded), and interactions (feedback on results).

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "model/requests.h"
#include "model/retriever.h"
#include "service/namespace_service.h"
#include "service/retriever_stages.h"
#include "service/vector_search.h"

namespace ferry::service {

// One execution: its record and the requested page of its final documents.
struct ExecutionOutcome {
  model::RetrieverExecution execution;
  std::vector<StageDocument> page;  // results[(page_number-1)*page_size, +page_size)
  int64_t total = 0;                // documents the last stage emitted
};

// A retriever run that is not recorded: the execution record it would have, and every
// document the last stage emitted, best first.
struct Evaluation {
  model::RetrieverExecution execution;
  std::vector<StageDocument> results;
  Status failure;  // a stage's error (then `results` is empty)
};

class RetrieverService {
 public:
  RetrieverService(const ServiceDeps& deps, VectorSearchService& vectors)
      : deps_(deps), vectors_(vectors) {}

  // Validates the name, stages (ValidateStage) and collections (ids or names, resolved to
  // ids), appending located issues (InvalidArgument when any). AlreadyExists when the
  // name is taken.
  Result<model::Retriever> Create(const NamespaceHandle& h, const model::RetrieverCreate& req,
                                  model::ValidationIssues* issues);
  // `ident` is an id or a name. NotFound when absent.
  Result<model::Retriever> Get(const NamespaceHandle& h, const std::string& ident) const;
  // In creation order; `search` keeps names containing it (case-insensitively unless
  // `case_sensitive`).
  Result<model::ListResult<model::Retriever>> List(const NamespaceHandle& h,
                                                   const model::Page& page,
                                                   const std::optional<std::string>& search,
                                                   bool case_sensitive) const;
  // Applies the set fields and bumps version. AlreadyExists when renamed onto a taken name.
  Result<model::Retriever> Patch(const NamespaceHandle& h, const std::string& ident,
                                 const model::RetrieverPatch& patch,
                                 model::ValidationIssues* issues);
  // Removes the retriever and its executions.
  Status Delete(const NamespaceHandle& h, const std::string& ident);

  // Runs the stages of `r` (which need not be stored: a migration evaluates target
  // retrievers before it writes them) against h's store, recording nothing.
  Result<Evaluation> Evaluate(const NamespaceHandle& h, const model::Retriever& r,
                              const model::Value& inputs) const;
  // Drops the vector indexes cached for a namespace (after a one-off evaluation).
  void ForgetIndexes(const std::string& namespace_id) const { vectors_.Forget(namespace_id); }
  // Runs every stage in order and records the execution (also when a stage fails: then
  // it is recorded as "failed" and the stage's error returned).
  Result<ExecutionOutcome> Execute(const NamespaceHandle& h, const std::string& ident,
                                   const model::RetrieverExecute& req);
  Result<model::ListResult<model::RetrieverExecution>> ListExecutions(
      const NamespaceHandle& h, const std::string& ident, const std::optional<std::string>& status,
      const model::Page& page) const;
  Result<model::RetrieverExecution> GetExecution(const NamespaceHandle& h, const std::string& ident,
                                                 const std::string& execution_id) const;

  // Assigns interaction_id and created_at. NotFound when it names a retriever that does
  // not exist.
  Result<model::Interaction> CreateInteraction(const NamespaceHandle& h,
                                               model::Interaction interaction);
  Result<model::Interaction> GetInteraction(const NamespaceHandle& h,
                                            const std::string& interaction_id) const;
  Result<model::ListResult<model::Interaction>> ListInteractions(
      const NamespaceHandle& h, const model::InteractionQuery& query,
      const model::Page& page) const;
  Status DeleteInteraction(const NamespaceHandle& h, const std::string& interaction_id);

 private:
  const ServiceDeps& deps_;
  VectorSearchService& vectors_;
};

}  // namespace ferry::service
