#pragma once
// Namespaces: create, resolve (by id or name), list, patch, delete with their data.

#include <memory>
#include <string>

#include "common/result.h"
#include "model/requests.h"
#include "service/service_deps.h"

namespace ferry::service {

// A resolved namespace and its open data.
struct NamespaceHandle {
  model::Namespace ns;
  std::shared_ptr<storage::NamespaceStore> store;
};

class NamespaceService {
 public:
  explicit NamespaceService(const ServiceDeps& deps) : deps_(deps) {}

  // Semantic checks of a create request (names, extractors); appends to `issues`.
  void Validate(const model::NamespaceCreate& req, model::ValidationIssues* issues) const;
  // REQUIRES: Validate left no issues. AlreadyExists when the name is taken.
  Result<model::Namespace> Create(const Caller& caller, const model::NamespaceCreate& req);
  // `ident` is an id or a name. NotFound when absent or another organization's.
  Result<NamespaceHandle> Resolve(const Caller& caller, const std::string& ident) const;
  Result<model::NamespaceStats> Stats(const NamespaceHandle& h) const;
  Result<model::ListResult<model::Namespace>> List(const Caller& caller,
                                                   const model::Page& page) const;
  Result<model::Namespace> Patch(const Caller& caller, const std::string& ident,
                                 const model::NamespacePatch& patch,
                                 model::ValidationIssues* issues);
  Status Delete(const Caller& caller, const std::string& ident);

 private:
  const ServiceDeps& deps_;
};

// Shared name rule for namespaces, buckets and collections: 1–100 characters, no '/'
// or control characters. Appends an issue at `loc` when broken.
void ValidateName(const std::string& name, const model::ValueArray& loc,
                  model::ValidationIssues* issues);

}  // namespace ferry::service
