#include "service/collection_service.h"

#include "common/ids.h"
#include "service/document_filter.h"

namespace ferry::service {

namespace {

model::ValueArray ExtractorLoc(const char* field) {
  model::ValueArray loc{model::Value("body"), model::Value("feature_extractor")};
  if (field != nullptr) loc.emplace_back(field);
  return loc;
}

void AddField(model::BucketSchema* schema, const std::string& name, model::FieldType type) {
  if (schema->Find(name) != nullptr) return;
  model::SchemaField f;
  f.name = name;
  f.type = type;
  model::ValueObject spec;
  spec.Set("type", model::FieldTypeName(type));
  f.spec = model::Value(std::move(spec));
  schema->properties.push_back(std::move(f));
}

std::string LastSegment(const std::string& path) {
  size_t dot = path.rfind('.');
  return dot == std::string::npos ? path : path.substr(dot + 1);
}

// Mixpeek's rule for collection names: 3–100 letters, digits, '_' or '-'.
void ValidateCollectionName(const std::string& name, model::ValidationIssues* issues) {
  model::ValueArray loc{model::Value("body"), model::Value("collection_name")};
  if (name.size() < 3 || name.size() > 100) {
    issues->push_back({loc, "String should have between 3 and 100 characters", "string_length"});
    return;
  }
  for (char ch : name) {
    bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
              ch == '_' || ch == '-';
    if (!ok) {
      issues->push_back({loc, "collection_name may contain only letters, digits, '_' and '-'",
                         "string_pattern_mismatch"});
      return;
    }
  }
}

// Resolves each application's taxonomy (id or name) to its id; only in-place
// materialization is supported.
Status ResolveTaxonomyApplications(const NamespaceHandle& h,
                                   std::vector<model::TaxonomyApplication>* apps,
                                   model::ValidationIssues* issues) {
  for (size_t i = 0; i < apps->size(); ++i) {
    auto& app = (*apps)[i];
    model::ValueArray loc{model::Value("body"), model::Value("taxonomy_applications"),
                          model::Value(static_cast<int64_t>(i))};
    if (app.target_collection_id) {
      loc.emplace_back("target_collection_id");
      issues->push_back(
          {loc, "only in-place enrichment is supported; leave it null", "value_error"});
      continue;
    }
    auto t = h.store->GetTaxonomy(app.taxonomy_id);
    if (!t.ok() && t.status().code() == StatusCode::kNotFound) {
      t = h.store->GetTaxonomyByName(app.taxonomy_id);
    }
    if (t.ok()) {
      app.taxonomy_id = t->taxonomy_id;
      continue;
    }
    if (t.status().code() != StatusCode::kNotFound) return t.status();
    loc.emplace_back("taxonomy_id");
    issues->push_back({loc, "taxonomy '" + app.taxonomy_id + "' not found", "value_error"});
  }
  return Status::Ok();
}

}  // namespace

bool IsCompatibleInput(model::FieldType field, const std::string& input_type) {
  if (input_type == "text") {
    return field == model::FieldType::kText || field == model::FieldType::kString;
  }
  if (input_type == "image") return field == model::FieldType::kImage;
  return false;
}

Status CollectionService::ResolveSource(const NamespaceHandle& h, model::Collection* c) const {
  if (c->source.type == model::SourceType::kBucket) {
    for (const auto& id : c->source.bucket_ids) {
      auto b = h.store->GetBucket(id);
      if (!b.ok()) {
        if (b.status().code() == StatusCode::kNotFound) {
          return Status::NotFound("source bucket '" + id + "' not found");
        }
        return b.status();
      }
      for (const auto& f : b->schema.properties) {
        if (c->input_schema.Find(f.name) == nullptr) c->input_schema.properties.push_back(f);
      }
      c->root_bucket_ids.push_back(id);
    }
    return Status::Ok();
  }
  auto src = h.store->GetCollection(c->source.collection_id);
  if (!src.ok()) {
    if (src.status().code() == StatusCode::kNotFound) {
      return Status::NotFound("source collection '" + c->source.collection_id + "' not found");
    }
    return src.status();
  }
  c->input_schema = src->output_schema;
  c->root_bucket_ids = src->root_bucket_ids;
  return Status::Ok();
}

void CollectionService::ValidateExtractor(model::Collection* c,
                                          model::ValidationIssues* issues) const {
  auto& ex = c->extractor;
  if (ex.name.empty() || ex.version.empty()) return;  // reported by the codec
  if (!deps_.extractors.HasName(ex.name)) {
    issues->push_back({ExtractorLoc("feature_extractor_name"),
                       "unknown feature extractor '" + ex.name + "'", "value_error"});
    return;
  }
  const extract::FeatureExtractor* fx = deps_.extractors.Find(ex.name, ex.version);
  if (fx == nullptr) {
    issues->push_back({ExtractorLoc("version"),
                       "unknown version '" + ex.version + "' of " + ex.name, "value_error"});
    return;
  }
  if (Status st = fx->ValidateParameters(ex.parameters); !st.ok()) {
    issues->push_back({ExtractorLoc("parameters"), st.message(), "value_error"});
  }
  const auto& info = fx->info();
  model::ValueObject mappings =
      ex.input_mappings.is_object() ? ex.input_mappings.as_object() : model::ValueObject{};
  for (const auto& [key, path] : mappings) {
    if (key != info.input_name) {
      issues->push_back(
          {ExtractorLoc("input_mappings"),
           "unknown input '" + key + "' for " + info.id() + "; expected '" + info.input_name + "'",
           "value_error"});
    }
  }
  const model::Value* mapped = mappings.Find(info.input_name);
  if (mapped == nullptr) {
    // No mapping given: use the only compatible field of the source, if exactly one.
    std::vector<std::string> candidates;
    for (const auto& f : c->input_schema.properties) {
      if (IsCompatibleInput(f.type, info.input_type)) candidates.push_back(f.name);
    }
    if (candidates.size() != 1) {
      issues->push_back({ExtractorLoc("input_mappings"),
                         "input_mappings must map '" + info.input_name +
                             "' to a source field of "
                             "type " +
                             info.input_type + " (" + std::to_string(candidates.size()) +
                             " candidates found)",
                         "missing"});
      return;
    }
    mappings.Set(info.input_name, model::Value(candidates[0]));
  } else {
    const model::SchemaField* f = c->input_schema.Find(mapped->as_string());
    if (f == nullptr || !IsCompatibleInput(f->type, info.input_type)) {
      issues->push_back({ExtractorLoc("input_mappings"),
                         "input '" + info.input_name + "' must map to a source field of type " +
                             info.input_type + "; '" + mapped->as_string() + "' is not one",
                         "value_error"});
    }
  }
  ex.input_mappings = model::Value(std::move(mappings));
  if (ex.parameters.is_null()) ex.parameters = info.default_parameters;
  for (size_t i = 0; i < ex.field_passthrough.size(); ++i) {
    const auto& fp = ex.field_passthrough[i];
    std::string root = fp.source_path.substr(0, fp.source_path.find('.'));
    if (fp.required && c->input_schema.Find(root) == nullptr) {
      model::ValueArray loc = ExtractorLoc("field_passthrough");
      loc.emplace_back(static_cast<int64_t>(i));
      loc.emplace_back("source_path");
      issues->push_back({loc, "required field '" + fp.source_path + "' is not in the source schema",
                         "value_error"});
    }
  }
}

void BuildOutputSchema(const extract::ExtractorRegistry& registry, model::Collection* c) {
  c->output_schema = model::BucketSchema{};
  const auto& ex = c->extractor;
  if (ex.include_all_source_fields) c->output_schema = c->input_schema;
  for (const auto& fp : ex.field_passthrough) {
    std::string root = fp.source_path.substr(0, fp.source_path.find('.'));
    const model::SchemaField* src = c->input_schema.Find(root);
    AddField(&c->output_schema, fp.target_path.value_or(LastSegment(fp.source_path)),
             src != nullptr && root == fp.source_path ? src->type : model::FieldType::kString);
  }
  const extract::FeatureExtractor* fx = registry.Find(ex.name, ex.version);
  if (fx->info().input_type == "text") {
    AddField(&c->output_schema, "text", model::FieldType::kText);
    const model::Value* split = ex.parameters.Get("split_by");
    if (split != nullptr && split->is_string() && split->as_string() != "none") {
      AddField(&c->output_schema, "chunk_index", model::FieldType::kInteger);
      AddField(&c->output_schema, "chunk_count", model::FieldType::kInteger);
    }
  } else {
    AddField(&c->output_schema, "width", model::FieldType::kInteger);
    AddField(&c->output_schema, "height", model::FieldType::kInteger);
  }
}

Result<model::Collection> CollectionService::Create(const NamespaceHandle& h,
                                                    const model::CollectionCreate& req,
                                                    model::ValidationIssues* issues) {
  ValidateCollectionName(req.collection_name, issues);
  if (!issues->empty()) return Status::InvalidArgument("invalid request");
  model::Collection c;
  c.collection_id = NewId("col");
  c.collection_name = req.collection_name;
  c.description = req.description;
  c.source = req.source;
  c.extractor = req.extractor;
  c.enabled = req.enabled;
  c.metadata = req.metadata;
  c.taxonomy_applications = req.taxonomy_applications;
  FERRY_RETURN_IF_ERROR(ResolveTaxonomyApplications(h, &c.taxonomy_applications, issues));
  FERRY_RETURN_IF_ERROR(ResolveSource(h, &c));
  ValidateExtractor(&c, issues);
  if (!issues->empty()) return Status::InvalidArgument("invalid request");
  BuildOutputSchema(deps_.extractors, &c);
  c.created_at = c.updated_at = deps_.clock.NowMs();
  Status st = h.store->InsertCollection(c);
  if (st.code() == StatusCode::kAlreadyExists) {
    return Status::AlreadyExists("collection '" + req.collection_name + "' already exists");
  }
  FERRY_RETURN_IF_ERROR(st);
  return c;
}

Result<model::Collection> CollectionService::Get(const NamespaceHandle& h,
                                                 const std::string& ident) const {
  auto c = h.store->GetCollection(ident);
  if (!c.ok() && c.status().code() == StatusCode::kNotFound) {
    c = h.store->GetCollectionByName(ident);
  }
  if (!c.ok() && c.status().code() == StatusCode::kNotFound) {
    return Status::NotFound("collection '" + ident + "' not found");
  }
  return c;
}

Result<model::ListResult<model::Collection>> CollectionService::List(
    const NamespaceHandle& h, const model::Page& page) const {
  model::ListResult<model::Collection> out;
  FERRY_ASSIGN_OR_RETURN(out.items, h.store->ListCollections(page));
  FERRY_ASSIGN_OR_RETURN(out.total, h.store->CountCollections());
  return out;
}

Status CollectionService::Delete(const NamespaceHandle& h, const std::string& ident) {
  FERRY_ASSIGN_OR_RETURN(model::Collection c, Get(h, ident));
  return h.store->DeleteCollection(c.collection_id);
}

Result<model::Document> CollectionService::GetDocument(const NamespaceHandle& h,
                                                       const std::string& collection,
                                                       const std::string& document_id) const {
  FERRY_ASSIGN_OR_RETURN(model::Collection c, Get(h, collection));
  auto d = h.store->GetDocument(c.collection_id, document_id, /*with_vectors=*/true);
  if (!d.ok() && d.status().code() == StatusCode::kNotFound) {
    return Status::NotFound("document '" + document_id + "' not found");
  }
  return d;
}

Result<model::ListResult<model::Document>> CollectionService::ListDocuments(
    const NamespaceHandle& h, const std::string& collection, const model::Page& page,
    const std::optional<model::DocumentFilter>& filter) const {
  FERRY_ASSIGN_OR_RETURN(model::Collection c, Get(h, collection));
  if (filter) return ListMatchingDocuments(*h.store, c.collection_id, *filter, page);
  model::ListResult<model::Document> out;
  FERRY_ASSIGN_OR_RETURN(out.items, h.store->ListDocuments(c.collection_id, page,
                                                           /*with_vectors=*/true));
  FERRY_ASSIGN_OR_RETURN(out.total, h.store->CountDocuments(c.collection_id));
  return out;
}

}  // namespace ferry::service
