#include "service/taxonomy_service.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "common/ids.h"

namespace ferry::service {
namespace {

using model::Value;
using model::ValueArray;

constexpr int64_t kScanLimit = 100'000;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

ValueArray Loc(std::initializer_list<Value> parts) { return ValueArray(parts); }

// Resolves a collection id or name in place; an issue at `loc` when absent.
Status ResolveCollection(const NamespaceHandle& h, std::string* ident, const ValueArray& loc,
                         model::ValidationIssues* issues) {
  auto c = h.store->GetCollection(*ident);
  if (!c.ok() && c.status().code() == StatusCode::kNotFound)
    c = h.store->GetCollectionByName(*ident);
  if (c.ok()) {
    *ident = c->collection_id;
    return Status::Ok();
  }
  if (c.status().code() != StatusCode::kNotFound) return c.status();
  issues->push_back({loc, "collection '" + *ident + "' not found", "value_error"});
  return Status::Ok();
}

Status ResolveRetriever(const NamespaceHandle& h, std::string* ident, const ValueArray& loc,
                        model::ValidationIssues* issues) {
  auto r = h.store->GetRetriever(*ident);
  if (!r.ok() && r.status().code() == StatusCode::kNotFound)
    r = h.store->GetRetrieverByName(*ident);
  if (r.ok()) {
    *ident = r->retriever_id;
    return Status::Ok();
  }
  if (r.status().code() != StatusCode::kNotFound) return r.status();
  issues->push_back({loc, "retriever '" + *ident + "' not found", "value_error"});
  return Status::Ok();
}

// Parents among the nodes, unique collections, at least one root, no cycle.
void ValidateTree(const model::Taxonomy& t, model::ValidationIssues* issues) {
  const ValueArray base{Value("body"), Value("config"), Value("hierarchical_nodes")};
  if (t.nodes.empty()) {
    issues->push_back(
        {base, "List should have at least 1 item after validation, not 0", "too_short"});
    return;
  }
  std::map<std::string, std::optional<std::string>> parent_of;
  for (size_t i = 0; i < t.nodes.size(); ++i) {
    const auto& n = t.nodes[i];
    ValueArray loc = base;
    loc.emplace_back(static_cast<int64_t>(i));
    if (!parent_of.emplace(n.collection_id, n.parent_collection_id).second) {
      loc.emplace_back("collection_id");
      issues->push_back(
          {loc, "collection '" + n.collection_id + "' is listed twice", "value_error"});
    }
  }
  bool has_root = false;
  for (size_t i = 0; i < t.nodes.size(); ++i) {
    const auto& n = t.nodes[i];
    ValueArray loc = base;
    loc.emplace_back(static_cast<int64_t>(i));
    loc.emplace_back("parent_collection_id");
    if (!n.parent_collection_id) {
      has_root = true;
      continue;
    }
    if (parent_of.count(*n.parent_collection_id) == 0) {
      issues->push_back(
          {loc, "parent '" + *n.parent_collection_id + "' is not a node", "value_error"});
      continue;
    }
    std::set<std::string> seen{n.collection_id};
    for (auto p = n.parent_collection_id; p && parent_of.count(*p) > 0; p = parent_of[*p]) {
      if (!seen.insert(*p).second) {
        issues->push_back(
            {loc, "the hierarchy has a cycle through '" + n.collection_id + "'", "value_error"});
        break;
      }
    }
  }
  if (!has_root) issues->push_back({base, "the hierarchy has no root node", "value_error"});
}

}  // namespace

void TaxonomyService::ValidateReferences(const NamespaceHandle& h, model::Taxonomy* t,
                                         model::ValidationIssues* issues) const {
  const Value body("body"), config("config");
  auto check = [&](Status st) {
    if (!st.ok()) issues->push_back({Loc({body}), st.message(), "value_error"});
  };
  if (t->retriever_id) {
    check(
        ResolveRetriever(h, &*t->retriever_id, Loc({body, config, Value("retriever_id")}), issues));
  }
  if (t->taxonomy_type == "flat") {
    check(ResolveCollection(h, &t->source_collection_id,
                            Loc({body, config, Value("source_collection"), Value("collection_id")}),
                            issues));
    return;
  }
  ValidateTree(*t, issues);
  for (size_t i = 0; i < t->nodes.size(); ++i) {
    auto& n = t->nodes[i];
    const Value node_loc[] = {body, config, Value("hierarchical_nodes"),
                              Value(static_cast<int64_t>(i))};
    auto at = [&](const char* field) {
      ValueArray loc(std::begin(node_loc), std::end(node_loc));
      loc.emplace_back(field);
      return loc;
    };
    if (n.retriever_id) {
      check(ResolveRetriever(h, &*n.retriever_id, at("retriever_id"), issues));
    } else if (!t->retriever_id) {
      issues->push_back({at("retriever_id"),
                         "a node needs a retriever_id when the taxonomy has none", "missing"});
    }
    if (!n.input_mappings && !t->input_mappings) {
      issues->push_back({at("input_mappings"),
                         "a node needs input_mappings when the taxonomy has none", "missing"});
    }
  }
  // Collections are resolved after the tree check so that parents keep matching names.
  std::map<std::string, std::string> resolved;
  for (size_t i = 0; i < t->nodes.size(); ++i) {
    std::string id = t->nodes[i].collection_id;
    check(ResolveCollection(h, &id,
                            Loc({body, config, Value("hierarchical_nodes"),
                                 Value(static_cast<int64_t>(i)), Value("collection_id")}),
                            issues));
    resolved[t->nodes[i].collection_id] = id;
  }
  for (auto& n : t->nodes) {
    n.collection_id = resolved[n.collection_id];
    if (n.parent_collection_id && resolved.count(*n.parent_collection_id) > 0) {
      n.parent_collection_id = resolved[*n.parent_collection_id];
    }
  }
}

Result<model::Taxonomy> TaxonomyService::Create(const NamespaceHandle& h, model::Taxonomy t,
                                                model::ValidationIssues* issues) {
  ValidateName(t.taxonomy_name, {Value("body"), Value("taxonomy_name")}, issues);
  ValidateReferences(h, &t, issues);
  if (!issues->empty()) return Status::InvalidArgument("invalid request");
  t.taxonomy_id = NewId("tax");
  if (!t.metadata.is_object()) t.metadata = Value(model::ValueObject{});
  t.version = 1;
  t.created_at = t.updated_at = deps_.clock.NowMs();
  Status st = h.store->InsertTaxonomy(t);
  if (st.code() == StatusCode::kAlreadyExists) {
    return Status::AlreadyExists("taxonomy '" + t.taxonomy_name + "' already exists");
  }
  FERRY_RETURN_IF_ERROR(st);
  return t;
}

Result<model::Taxonomy> TaxonomyService::Get(const NamespaceHandle& h, const std::string& ident,
                                             std::optional<int64_t> version) const {
  auto t = h.store->GetTaxonomy(ident);
  if (!t.ok() && t.status().code() == StatusCode::kNotFound) t = h.store->GetTaxonomyByName(ident);
  if (!t.ok() && t.status().code() == StatusCode::kNotFound) {
    return Status::NotFound("taxonomy '" + ident + "' not found");
  }
  if (t.ok() && version && *version != t->version) {
    return Status::NotFound("taxonomy '" + ident + "' has no version " + std::to_string(*version));
  }
  return t;
}

Result<model::ListResult<model::Taxonomy>> TaxonomyService::List(
    const NamespaceHandle& h, const model::Page& page, const std::optional<std::string>& search,
    bool case_sensitive) const {
  model::ListResult<model::Taxonomy> out;
  if (!search) {
    FERRY_ASSIGN_OR_RETURN(out.items, h.store->ListTaxonomies(page));
    FERRY_ASSIGN_OR_RETURN(out.total, h.store->CountTaxonomies());
    return out;
  }
  FERRY_ASSIGN_OR_RETURN(auto all, h.store->ListTaxonomies({0, kScanLimit}));
  const std::string needle = case_sensitive ? *search : Lower(*search);
  auto contains = [&](const std::string& s) {
    return (case_sensitive ? s : Lower(s)).find(needle) != std::string::npos;
  };
  std::vector<model::Taxonomy> matched;
  for (auto& t : all) {
    if (contains(t.taxonomy_id) || contains(t.taxonomy_name) ||
        contains(t.description.value_or(""))) {
      matched.push_back(std::move(t));
    }
  }
  out.total = static_cast<int64_t>(matched.size());
  for (int64_t i = page.offset; i < out.total && i < page.offset + page.limit; ++i) {
    out.items.push_back(std::move(matched[static_cast<size_t>(i)]));
  }
  return out;
}

Result<model::Taxonomy> TaxonomyService::Patch(const NamespaceHandle& h, const std::string& ident,
                                               const model::TaxonomyPatch& patch,
                                               model::ValidationIssues* issues) {
  if (patch.taxonomy_name) {
    ValidateName(*patch.taxonomy_name, {Value("body"), Value("taxonomy_name")}, issues);
  }
  if (!issues->empty()) return Status::InvalidArgument("invalid request");
  FERRY_ASSIGN_OR_RETURN(model::Taxonomy t, Get(h, ident));
  if (patch.taxonomy_name) t.taxonomy_name = *patch.taxonomy_name;
  if (patch.description) t.description = *patch.description;
  if (patch.metadata && patch.metadata->is_object()) t.metadata = *patch.metadata;
  t.version += 1;
  t.updated_at = deps_.clock.NowMs();
  Status st = h.store->UpdateTaxonomy(t);
  if (st.code() == StatusCode::kAlreadyExists) {
    return Status::AlreadyExists("taxonomy '" + t.taxonomy_name + "' already exists");
  }
  FERRY_RETURN_IF_ERROR(st);
  return t;
}

Status TaxonomyService::Delete(const NamespaceHandle& h, const std::string& ident) {
  FERRY_ASSIGN_OR_RETURN(model::Taxonomy t, Get(h, ident));
  FERRY_ASSIGN_OR_RETURN(auto collections, h.store->ListCollections({0, kScanLimit}));
  for (const auto& c : collections) {
    for (const auto& a : c.taxonomy_applications) {
      if (a.taxonomy_id == t.taxonomy_id) {
        return Status::FailedPrecondition("taxonomy '" + t.taxonomy_id +
                                          "' is applied by collection '" + c.collection_id + "'");
      }
    }
  }
  return h.store->DeleteTaxonomy(t.taxonomy_id);
}

RetrieverLookup TaxonomyService::StoredRetrievers(const NamespaceHandle& h) const {
  return [&h](const std::string& id) -> Result<model::Retriever> {
    auto r = h.store->GetRetriever(id);
    if (!r.ok() && r.status().code() == StatusCode::kNotFound) {
      return Status::FailedPrecondition("retriever '" + id + "' of the taxonomy no longer exists");
    }
    return r;
  };
}

Result<TaxonomyExecution> TaxonomyService::Execute(const NamespaceHandle& h,
                                                   const std::string& ident,
                                                   std::optional<int64_t> version,
                                                   const model::TaxonomyExecute& req) {
  FERRY_ASSIGN_OR_RETURN(model::Taxonomy t, Get(h, ident, version));
  FERRY_ASSIGN_OR_RETURN(TaxonomyPlan plan, PlanTaxonomy(t, StoredRetrievers(h)));
  TaxonomyExecution out;
  if (req.source_documents) {
    out.results.emplace();
    for (Value fields : *req.source_documents) {
      ++out.stats.processed;
      auto matched = enricher_.EnrichFields(h, plan, &fields);
      if (!matched.ok()) {
        if (matched.status().code() != StatusCode::kInvalidArgument) return matched.status();
        ++out.stats.errors;
      } else if (*matched) {
        ++out.stats.enriched;
      }
      out.results->push_back(std::move(fields));
    }
    out.stats.batches = 1;
  }
  if (req.target_collection_id) {
    auto c = h.store->GetCollection(*req.target_collection_id);
    if (!c.ok() && c.status().code() == StatusCode::kNotFound) {
      c = h.store->GetCollectionByName(*req.target_collection_id);
    }
    if (!c.ok() && c.status().code() == StatusCode::kNotFound) {
      return Status::NotFound("collection '" + *req.target_collection_id + "' not found");
    }
    FERRY_RETURN_IF_ERROR(c.status());
    FERRY_ASSIGN_OR_RETURN(EnrichStats stats,
                           enricher_.EnrichCollection(h, plan, c->collection_id, req.batch_size));
    out.stats.processed += stats.processed;
    out.stats.enriched += stats.enriched;
    out.stats.batches += stats.batches;
    out.stats.errors += stats.errors;
  }
  return out;
}

Status TaxonomyService::AfterBatch(const NamespaceHandle& h, const model::Collection& collection,
                                   const std::vector<std::string>& root_object_ids) {
  for (const auto& app : model::InRunOrder(collection.taxonomy_applications)) {
    auto t = h.store->GetTaxonomy(app.taxonomy_id);
    if (!t.ok()) {
      if (t.status().code() != StatusCode::kNotFound) return t.status();
      deps_.logger.Warn(
          "applied taxonomy no longer exists",
          {{"collection_id", collection.collection_id}, {"taxonomy_id", app.taxonomy_id}});
      continue;
    }
    auto plan = PlanTaxonomy(*t, StoredRetrievers(h));
    if (!plan.ok()) {
      deps_.logger.Warn("cannot apply taxonomy",
                        {{"taxonomy_id", app.taxonomy_id}, {"error", plan.status().ToString()}});
      continue;
    }
    FERRY_ASSIGN_OR_RETURN(
        auto docs, h.store->ListDocumentsByRootObjects(collection.collection_id, root_object_ids));
    EnrichStats stats;
    FERRY_RETURN_IF_ERROR(enricher_.EnrichDocuments(h, *plan, std::move(docs), &stats));
    if (stats.errors > 0) {
      deps_.logger.Warn("taxonomy enrichment failed for some documents",
                        {{"taxonomy_id", app.taxonomy_id},
                         {"errors", std::to_string(stats.errors)},
                         {"first_error", stats.first_error.value_or("")}});
    }
  }
  return Status::Ok();
}

}  // namespace ferry::service
