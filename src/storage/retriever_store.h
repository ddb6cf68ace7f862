#pragma once
// Retrievers of a namespace (part of NamespaceStore), their executions and
// interactions. Implementations are thread-safe; each call is atomic.

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "model/resources.h"
#include "model/retriever.h"

namespace ferry::storage {

class RetrieverStore {
 public:
  virtual ~RetrieverStore() = default;

  // AlreadyExists on id or name.
  virtual Status InsertRetriever(const model::Retriever& r) = 0;
  virtual Result<model::Retriever> GetRetriever(const std::string& retriever_id) = 0;
  virtual Result<model::Retriever> GetRetrieverByName(const std::string& name) = 0;
  // Ordered by created_at then id.
  virtual Result<std::vector<model::Retriever>> ListRetrievers(const model::Page& page) = 0;
  virtual Result<int64_t> CountRetrievers() = 0;
  // Replaces the stored retriever with the same id. NotFound when absent; AlreadyExists
  // when the new name is another retriever's.
  virtual Status UpdateRetriever(const model::Retriever& r) = 0;
  // Removes the retriever and its executions (interactions stay: they are feedback on
  // documents). NotFound when absent.
  virtual Status DeleteRetriever(const std::string& retriever_id) = 0;

  // Executions. Insert: NotFound when the retriever is absent; AlreadyExists on id.
  virtual Status InsertExecution(const model::RetrieverExecution& e) = 0;
  // NotFound unless the execution belongs to that retriever.
  virtual Result<model::RetrieverExecution> GetExecution(const std::string& retriever_id,
                                                         const std::string& execution_id) = 0;
  // Newest first (created_at descending, then id); `status` filters when set.
  virtual Result<std::vector<model::RetrieverExecution>> ListExecutions(
      const std::string& retriever_id, const std::optional<std::string>& status,
      const model::Page& page) = 0;
  virtual Result<int64_t> CountExecutions(const std::string& retriever_id,
                                          const std::optional<std::string>& status) = 0;

  // Interactions. Insert: AlreadyExists on id.
  virtual Status InsertInteraction(const model::Interaction& i) = 0;
  virtual Result<model::Interaction> GetInteraction(const std::string& interaction_id) = 0;
  // Newest first (created_at descending, then id), filtered by `query`.
  virtual Result<std::vector<model::Interaction>> ListInteractions(
      const model::InteractionQuery& query, const model::Page& page) = 0;
  virtual Result<int64_t> CountInteractions(const model::InteractionQuery& query) = 0;
  // NotFound when absent.
  virtual Status DeleteInteraction(const std::string& interaction_id) = 0;
};

}  // namespace ferry::storage
