#pragma once
// CloneService: POST /v1/namespaces/{id}/clone (issue 13 §1) on the migration engine. A
// namespace clone is a copy migration into a new namespace of the requested name, created
// and started at once (force: a copy has nothing a warning could protect). Its progress
// is the migration's, and its task's (`task_id`); the new namespace appears when the
// migration's namespace_setup runs, and is complete when the migration completes.

#include <string>

#include "common/result.h"
#include "migration/migration_service.h"
#include "model/clone.h"
#include "service/collection_service.h"

namespace ferry::migration {

// Which resources of `source` a namespace clone selects, as migration filters; nullopt
// when it selects everything (no resource of an excluded kind exists). Collections bring
// their clusters; what a selected resource depends on comes along whatever the flags say
// (auto_include_dependencies), and so do the buckets the selected collections read —
// other buckets only when nothing is excluded. InvalidArgument when the flags leave
// nothing but buckets to clone while the source has other resources.
Result<std::optional<model::ResourceFilter>> CloneFilters(const model::NamespaceCloneRequest& req,
                                                          const SourceSnapshot& source);

// The namespace a copy of `source` creates (stage_setup.cc's CreateTargetNamespace), with
// `description` when given.
model::Namespace ClonedNamespace(const model::Namespace& source, const std::string& id,
                                 const std::string& name,
                                 const std::optional<std::string>& description, TimestampMs now);

// True when documents made for `a` are valid documents of `b`: the same source and the
// same extractor (name, version, parameters, input mappings, passthrough fields).
bool SameDerivation(const model::Collection& a, const model::Collection& b);

class CloneService {
 public:
  CloneService(const service::ServiceDeps& deps, MigrationService& migrations,
               service::CollectionService& collections)
      : deps_(deps), migrations_(migrations), collections_(collections) {}

  // Starts a clone of the caller's namespace `ident` (id or name). Bad input is appended
  // to `issues` (then InvalidArgument). NotFound for an unknown source (or another
  // organization's), AlreadyExists when the name is taken, PermissionDenied for another
  // source_organization_id.
  Result<model::NamespaceClone> CloneNamespace(const service::Caller& caller,
                                               const std::string& ident,
                                               const model::NamespaceCloneRequest& req,
                                               model::ValidationIssues* issues);

  // POST /v1/collections/{id}/clone: a new collection in the same namespace, named
  // req.collection_name, with the source's settings where the request does not override
  // them, validated as a create is (issues appended, InvalidArgument; AlreadyExists for a
  // taken name; NotFound for an unknown source). When its source and extractor are the
  // source collection's, the documents are copied into it before this returns
  // (collection_copy.h); otherwise it starts empty, and processing its source fills it
  // as for any new collection.
  Result<model::CollectionClone> CloneCollection(const service::NamespaceHandle& h,
                                                 const std::string& ident,
                                                 const model::CollectionCloneRequest& req,
                                                 model::ValidationIssues* issues);

 private:
  Result<model::Namespace> ResolveSource(const service::Caller& caller,
                                         const std::string& ident) const;
  // Create + start; a draft that could not start is deleted again.
  Result<model::Migration> StartCopy(const service::Caller& caller,
                                     const model::MigrationConfig& config,
                                     const model::Value& clone_data);

  const service::ServiceDeps& deps_;
  MigrationService& migrations_;
  service::CollectionService& collections_;
};

}  // namespace ferry::migration
