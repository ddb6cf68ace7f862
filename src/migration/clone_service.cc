#include "migration/clone_service.h"

#include "migration/collection_copy.h"
#include "service/namespace_service.h"

namespace ferry::migration {

namespace {

using model::Value;
using model::ValueArray;

template <typename T, typename IdOf>
std::vector<std::string> IdsOf(const std::vector<T>& resources, IdOf id_of) {
  std::vector<std::string> out;
  for (const auto& r : resources) out.push_back(id_of(r));
  return out;
}

}  // namespace

Result<std::optional<model::ResourceFilter>> CloneFilters(const model::NamespaceCloneRequest& req,
                                                          const SourceSnapshot& source) {
  bool excluded = (!req.collections && (!source.collections.empty() || !source.clusters.empty())) ||
                  (!req.retrievers && !source.retrievers.empty()) ||
                  (!req.taxonomies && !source.taxonomies.empty());
  if (!excluded) return std::optional<model::ResourceFilter>();
  model::ResourceFilter f;
  if (req.collections) {
    f.collection_ids = IdsOf(source.collections, [](const auto& c) { return c.collection_id; });
    f.cluster_ids = IdsOf(source.clusters, [](const auto& c) { return c.cluster_id; });
  }
  if (req.retrievers) {
    f.retriever_ids = IdsOf(source.retrievers, [](const auto& r) { return r.retriever_id; });
  }
  if (req.taxonomies) {
    f.taxonomy_ids = IdsOf(source.taxonomies, [](const auto& t) { return t.taxonomy_id; });
  }
  auto empty = [](const auto& ids) { return !ids || ids->empty(); };
  if (empty(f.collection_ids) && empty(f.cluster_ids) && empty(f.retriever_ids) &&
      empty(f.taxonomy_ids)) {
    return Status::InvalidArgument(
        "include_resources leaves only buckets to clone; a clone of buckets alone is not "
        "supported (include collections, retrievers or taxonomies)");
  }
  return std::optional<model::ResourceFilter>(std::move(f));
}

model::Namespace ClonedNamespace(const model::Namespace& source, const std::string& id,
                                 const std::string& name,
                                 const std::optional<std::string>& description, TimestampMs now) {
  model::Namespace ns = source;
  ns.namespace_id = id;
  ns.namespace_name = name;
  if (description) ns.description = description;
  ns.created_at = ns.updated_at = now;
  return ns;
}

bool SameDerivation(const model::Collection& a, const model::Collection& b) {
  const auto& x = a.extractor;
  const auto& y = b.extractor;
  if (a.source.type != b.source.type || a.source.bucket_ids != b.source.bucket_ids ||
      a.source.collection_id != b.source.collection_id || x.name != y.name ||
      x.version != y.version || !(x.parameters == y.parameters) ||
      !(x.input_mappings == y.input_mappings) ||
      x.include_all_source_fields != y.include_all_source_fields ||
      x.field_passthrough.size() != y.field_passthrough.size()) {
    return false;
  }
  for (size_t i = 0; i < x.field_passthrough.size(); ++i) {
    const auto& p = x.field_passthrough[i];
    const auto& q = y.field_passthrough[i];
    if (p.source_path != q.source_path || p.target_path != q.target_path ||
        !(p.default_value == q.default_value) || p.required != q.required) {
      return false;
    }
  }
  return true;
}

Result<model::CollectionClone> CloneService::CloneCollection(
    const service::NamespaceHandle& h, const std::string& ident,
    const model::CollectionCloneRequest& req, model::ValidationIssues* issues) {
  service::ValidateName(req.collection_name, ValueArray{Value("body"), Value("collection_name")},
                        issues);
  if (!issues->empty()) return Status::InvalidArgument("invalid clone request");
  FERRY_ASSIGN_OR_RETURN(model::Collection source, collections_.Get(h, ident));
  model::CollectionCreate create;
  create.collection_name = req.collection_name;
  create.description = req.description ? req.description : source.description;
  create.source = req.source.value_or(source.source);
  create.extractor = req.extractor.value_or(source.extractor);
  create.enabled = req.enabled.value_or(source.enabled);
  create.metadata = req.metadata.value_or(source.metadata);
  create.taxonomy_applications = req.taxonomy_applications.value_or(source.taxonomy_applications);
  model::CollectionClone out;
  out.source_collection_id = source.collection_id;
  FERRY_ASSIGN_OR_RETURN(out.collection, collections_.Create(h, create, issues));
  if (SameDerivation(source, out.collection)) {
    FERRY_ASSIGN_OR_RETURN(out.documents_copied,
                           CopyCollectionDocuments(*h.store, source, out.collection));
  }
  return out;
}

Result<model::Namespace> CloneService::ResolveSource(const service::Caller& caller,
                                                     const std::string& ident) const {
  auto& catalog = deps_.storage.catalog();
  auto ns = catalog.GetNamespace(caller.org_id, ident);
  if (!ns.ok() && ns.status().code() == StatusCode::kNotFound) {
    ns = catalog.GetNamespaceByName(caller.org_id, ident);
  }
  if (!ns.ok() && ns.status().code() == StatusCode::kNotFound) {
    return Status::NotFound("namespace '" + ident + "' not found");
  }
  return ns;
}

Result<model::Migration> CloneService::StartCopy(const service::Caller& caller,
                                                 const model::MigrationConfig& config,
                                                 const model::Value& clone_data) {
  std::string message;
  FERRY_ASSIGN_OR_RETURN(model::Migration m,
                         migrations_.Create(caller, config, /*start_immediately=*/false, &message));
  Status refused;
  if (m.validation_result && !m.validation_result->valid) {
    const auto& first = m.validation_result->errors.front();
    refused = first.type == "already_exists" ? Status::AlreadyExists(first.msg)
                                             : Status::FailedPrecondition(first.msg);
  } else {
    model::ValueObject data = m.additional_data.as_object();
    data.Set("clone", clone_data);
    m.additional_data = Value(std::move(data));
    refused = deps_.storage.catalog().UpdateMigration(m);
    if (refused.ok()) {
      auto started = migrations_.Start(caller, m.migration_id, /*force=*/true);
      if (started.ok()) return started;
      refused = started.status();
    }
  }
  // A clone that does not run leaves no draft behind.
  (void)migrations_.Delete(caller, m.migration_id);
  return refused;
}

Result<model::NamespaceClone> CloneService::CloneNamespace(const service::Caller& caller,
                                                           const std::string& ident,
                                                           const model::NamespaceCloneRequest& req,
                                                           model::ValidationIssues* issues) {
  service::ValidateName(req.namespace_name, ValueArray{Value("body"), Value("namespace_name")},
                        issues);
  if (!issues->empty()) return Status::InvalidArgument("invalid clone request");
  if (req.source_organization_id && *req.source_organization_id != caller.org_id) {
    return Status::PermissionDenied("cloning a namespace of another organization is not allowed");
  }
  FERRY_ASSIGN_OR_RETURN(model::Namespace source, ResolveSource(caller, ident));
  FERRY_ASSIGN_OR_RETURN(
      bool free, deps_.storage.catalog().NamespaceNameAvailable(caller.org_id, req.namespace_name));
  if (!free) return Status::AlreadyExists("namespace '" + req.namespace_name + "' already exists");

  model::MigrationConfig config;
  config.migration_type = model::MigrationType::kCopy;
  config.source_namespace_id = source.namespace_id;
  config.target_namespace_name = req.namespace_name;
  FERRY_ASSIGN_OR_RETURN(ValidationOutcome outcome, migrations_.Validate(caller, config));
  auto filters = CloneFilters(req, outcome.snapshot);
  if (!filters.ok() && filters.status().code() == StatusCode::kInvalidArgument) {
    issues->push_back({ValueArray{Value("body"), Value("include_resources")},
                       filters.status().message(), "value_error"});
    return filters.status();
  }
  FERRY_ASSIGN_OR_RETURN(config.filters, std::move(filters));

  model::ValueObject clone;
  clone.Set("kind", Value("namespace"));
  if (req.description) clone.Set("description", Value(*req.description));
  FERRY_ASSIGN_OR_RETURN(model::Migration m, StartCopy(caller, config, Value(std::move(clone))));
  model::NamespaceClone out;
  out.source_namespace_id = source.namespace_id;
  out.target = ClonedNamespace(source, *m.config.target_namespace_id, req.namespace_name,
                               req.description, m.created_at);
  out.migration = std::move(m);
  return out;
}

}  // namespace ferry::migration
