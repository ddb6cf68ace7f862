#pragma once
// Taxonomies: create / get / list / patch / delete, execution (on sample documents or a
// whole collection, see taxonomy_enricher.h for the semantics), and the collections'
// taxonomy_applications: after a batch writes a collection's documents, the taxonomies
// it applies enrich those documents (BatchRunner calls AfterBatch).

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "model/requests.h"
#include "model/taxonomy.h"
#include "service/batch_runner.h"
#include "service/namespace_service.h"
#include "service/retriever_service.h"
#include "service/taxonomy_enricher.h"

namespace ferry::service {

// What an execution did: JoinStats and, for sample documents, the enriched copies.
struct TaxonomyExecution {
  EnrichStats stats;
  std::optional<std::vector<model::Value>> results;
};

class TaxonomyService final : public CollectionPostProcessor {
 public:
  TaxonomyService(const ServiceDeps& deps, RetrieverService& retrievers)
      : deps_(deps), enricher_(retrievers) {}

  // `t` as decoded (no id). Validates the name, the reference collections and retrievers
  // (ids or names, resolved to ids) and, for hierarchical taxonomies, the tree (parents
  // among the nodes, no cycle, at least one root, a retriever and input mappings for every
  // node), appending located issues (InvalidArgument when any). AlreadyExists when the
  // name is taken.
  Result<model::Taxonomy> Create(const NamespaceHandle& h, model::Taxonomy t,
                                 model::ValidationIssues* issues);
  // `ident` is an id or a name; `version`, when set, must be the current one. NotFound.
  Result<model::Taxonomy> Get(const NamespaceHandle& h, const std::string& ident,
                              std::optional<int64_t> version = std::nullopt) const;
  // In creation order; `search` keeps taxonomies whose id, name or description contains
  // it (case-insensitively unless `case_sensitive`).
  Result<model::ListResult<model::Taxonomy>> List(const NamespaceHandle& h, const model::Page& page,
                                                  const std::optional<std::string>& search,
                                                  bool case_sensitive) const;
  // Name, description and metadata only; bumps version.
  Result<model::Taxonomy> Patch(const NamespaceHandle& h, const std::string& ident,
                                const model::TaxonomyPatch& patch, model::ValidationIssues* issues);
  // FailedPrecondition while a collection applies it.
  Status Delete(const NamespaceHandle& h, const std::string& ident);

  Result<TaxonomyExecution> Execute(const NamespaceHandle& h, const std::string& ident,
                                    std::optional<int64_t> version,
                                    const model::TaxonomyExecute& req);

  // CollectionPostProcessor: runs the collection's taxonomies, in InRunOrder, on its
  // documents derived from `root_object_ids`. A taxonomy deleted since is skipped.
  Status AfterBatch(const NamespaceHandle& h, const model::Collection& collection,
                    const std::vector<std::string>& root_object_ids) override;

 private:
  void ValidateReferences(const NamespaceHandle& h, model::Taxonomy* t,
                          model::ValidationIssues* issues) const;
  RetrieverLookup StoredRetrievers(const NamespaceHandle& h) const;

  const ServiceDeps& deps_;
  TaxonomyEnricher enricher_;
};

}  // namespace ferry::service
