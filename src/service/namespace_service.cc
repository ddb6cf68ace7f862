#include "service/namespace_service.h"

#include "common/ids.h"

namespace ferry::service {

namespace {
// Characters (code points) of valid UTF-8 `text`, as the schema's maxLength counts them.
size_t CharacterCount(const std::string& text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}
}  // namespace

void ValidateName(const std::string& name, const model::ValueArray& loc,
                  model::ValidationIssues* issues) {
  if (name.empty() || CharacterCount(name) > 100) {
    issues->push_back({loc, "String should have between 1 and 100 characters", "string_length"});
    return;
  }
  for (unsigned char c : name) {
    if (c < 0x20 || c == '/' || c == 0x7f) {
      issues->push_back({loc, "name must not contain '/' or control characters", "value_error"});
      return;
    }
  }
}

void NamespaceService::Validate(const model::NamespaceCreate& req,
                                model::ValidationIssues* issues) const {
  ValidateName(req.namespace_name, {model::Value("body"), model::Value("namespace_name")}, issues);
  if (req.feature_extractors.empty()) {
    issues->push_back({{model::Value("body"), model::Value("feature_extractors")},
                       "At least one feature extractor must be provided",
                       "too_short"});
  }
  for (size_t i = 0; i < req.feature_extractors.size(); ++i) {
    const auto& e = req.feature_extractors[i];
    model::ValueArray loc{model::Value("body"), model::Value("feature_extractors"),
                          model::Value(static_cast<int64_t>(i))};
    if (e.name.empty() || e.version.empty()) continue;  // already reported as missing
    if (!deps_.extractors.HasName(e.name)) {
      loc.emplace_back("feature_extractor_name");
      issues->push_back({loc, "unknown feature extractor '" + e.name + "'", "value_error"});
    } else if (deps_.extractors.Find(e.name, e.version) == nullptr) {
      loc.emplace_back("version");
      issues->push_back({loc, "unknown version '" + e.version + "' of " + e.name, "value_error"});
    }
  }
}

Result<model::Namespace> NamespaceService::Create(const Caller& caller,
                                                  const model::NamespaceCreate& req) {
  model::Namespace ns;
  ns.namespace_id = NewId("ns");
  ns.org_id = caller.org_id;
  ns.namespace_name = req.namespace_name;
  ns.namespace_type = req.namespace_type;
  ns.description = req.description;
  ns.feature_extractors = req.feature_extractors;
  ns.payload_indexes = req.payload_indexes;
  ns.auto_create_indexes = req.auto_create_indexes;
  ns.created_at = ns.updated_at = deps_.clock.NowMs();
  // A name a starting migration claimed for its target is taken too.
  FERRY_ASSIGN_OR_RETURN(
      bool free, deps_.storage.catalog().NamespaceNameAvailable(caller.org_id, req.namespace_name));
  if (!free) return Status::AlreadyExists("namespace '" + req.namespace_name + "' already exists");
  // Data first: a catalog row must never point at missing data.
  FERRY_RETURN_IF_ERROR(deps_.storage.CreateNamespaceData(ns.namespace_id));
  Status st = deps_.storage.catalog().InsertNamespace(ns);
  if (!st.ok()) {
    deps_.storage.DropNamespaceData(ns.namespace_id);
    if (st.code() == StatusCode::kAlreadyExists) {
      return Status::AlreadyExists("namespace '" + req.namespace_name + "' already exists");
    }
    return st;
  }
  return ns;
}

Result<NamespaceHandle> NamespaceService::Resolve(const Caller& caller,
                                                  const std::string& ident) const {
  auto& catalog = deps_.storage.catalog();
  auto ns = catalog.GetNamespace(caller.org_id, ident);
  if (!ns.ok() && ns.status().code() == StatusCode::kNotFound) {
    ns = catalog.GetNamespaceByName(caller.org_id, ident);
  }
  if (!ns.ok()) {
    if (ns.status().code() == StatusCode::kNotFound) {
      return Status::NotFound("namespace '" + ident + "' not found");
    }
    return ns.status();
  }
  FERRY_ASSIGN_OR_RETURN(auto store, deps_.storage.OpenNamespace(ns->namespace_id));
  return NamespaceHandle{std::move(ns).value(), std::move(store)};
}

Result<model::NamespaceStats> NamespaceService::Stats(const NamespaceHandle& h) const {
  model::NamespaceStats st;
  FERRY_ASSIGN_OR_RETURN(st.document_count, h.store->CountAllDocuments());
  FERRY_ASSIGN_OR_RETURN(st.bucket_count, h.store->CountBuckets());
  FERRY_ASSIGN_OR_RETURN(st.collection_count, h.store->CountCollections());
  FERRY_ASSIGN_OR_RETURN(st.object_count, h.store->CountAllObjects());
  return st;
}

Result<model::ListResult<model::Namespace>> NamespaceService::List(const Caller& caller,
                                                                   const model::Page& page) const {
  model::ListResult<model::Namespace> out;
  FERRY_ASSIGN_OR_RETURN(out.items, deps_.storage.catalog().ListNamespaces(caller.org_id, page));
  FERRY_ASSIGN_OR_RETURN(out.total, deps_.storage.catalog().CountNamespaces(caller.org_id));
  return out;
}

Result<model::Namespace> NamespaceService::Patch(const Caller& caller, const std::string& ident,
                                                 const model::NamespacePatch& patch,
                                                 model::ValidationIssues* issues) {
  if (patch.namespace_name) {
    ValidateName(*patch.namespace_name, {model::Value("body"), model::Value("namespace_name")},
                 issues);
  }
  if (!issues->empty()) return Status::InvalidArgument("invalid request");
  FERRY_ASSIGN_OR_RETURN(NamespaceHandle h, Resolve(caller, ident));
  model::Namespace ns = h.ns;
  if (patch.namespace_name) ns.namespace_name = *patch.namespace_name;
  if (patch.description) ns.description = patch.description;
  if (patch.payload_indexes) ns.payload_indexes = *patch.payload_indexes;
  if (patch.auto_create_indexes) ns.auto_create_indexes = *patch.auto_create_indexes;
  ns.updated_at = deps_.clock.NowMs();
  Status st = deps_.storage.catalog().UpdateNamespace(ns);
  if (st.code() == StatusCode::kAlreadyExists) {
    return Status::AlreadyExists("namespace '" + ns.namespace_name + "' already exists");
  }
  FERRY_RETURN_IF_ERROR(st);
  return ns;
}

Status NamespaceService::Delete(const Caller& caller, const std::string& ident) {
  FERRY_ASSIGN_OR_RETURN(NamespaceHandle h, Resolve(caller, ident));
  FERRY_RETURN_IF_ERROR(deps_.storage.catalog().DeleteNamespace(caller.org_id, h.ns.namespace_id));
  h.store.reset();
  return deps_.storage.DropNamespaceData(h.ns.namespace_id);
}

}  // namespace ferry::service
