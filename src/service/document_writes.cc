// CollectionService: the client document writes (create, replace, patch, delete, batch and
// bulk). Each goes through one DocumentStore write call: UpsertDocuments, EditDocuments or
// DeleteDocuments.

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/ids.h"
#include "service/collection_service.h"
#include "service/document_filter.h"

namespace ferry::service {
namespace {

using model::Value;

// The merge patch of one top-level patch entry: "a.b": 1 → {"a": {"b": 1}}.
Value NestedPatch(const std::string& key, const Value& value) {
  Value out = value;
  std::string path = key;
  for (size_t dot; (dot = path.rfind('.')) != std::string::npos; path.resize(dot)) {
    model::ValueObject wrap;
    wrap.Set(path.substr(dot + 1), std::move(out));
    out = Value(std::move(wrap));
  }
  model::ValueObject top;
  top.Set(path, std::move(out));
  return Value(std::move(top));
}

// RFC 7396 JSON merge patch: objects merge recursively, null removes, anything else replaces.
void ApplyMergePatch(Value* target, const Value& patch) {
  if (!patch.is_object()) {
    *target = patch;
    return;
  }
  if (!target->is_object()) *target = Value(model::ValueObject{});
  model::ValueObject& obj = target->mutable_object();
  for (const auto& [key, value] : patch.as_object()) {
    if (value.is_null()) {
      obj.Erase(key);
      continue;
    }
    Value* existing = obj.Find(key);
    if (existing == nullptr) {
      obj.Set(key, Value());
      existing = obj.Find(key);
    }
    ApplyMergePatch(existing, value);
  }
}

model::ValueArray Sibling(const model::ValueArray& loc, size_t up, const char* key) {
  model::ValueArray out(loc.begin(), loc.end() - static_cast<std::ptrdiff_t>(up));
  out.emplace_back(key);
  return out;
}

// An edit merging `patch` into a document's fields, one top-level entry after the other
// (a dotted key "a.b" addresses a nested field), so {"m.x": 1, "m": {"y": 2}} sets both.
storage::DocumentEdit MergeEdit(const Value& patch, TimestampMs now) {
  std::vector<Value> steps;
  if (patch.is_object()) {
    for (const auto& [key, value] : patch.as_object()) steps.push_back(NestedPatch(key, value));
  }
  return [steps = std::move(steps), now](model::Document* d) -> Result<bool> {
    for (const Value& step : steps) ApplyMergePatch(&d->fields, step);
    d->updated_at = now;
    return true;
  };
}

storage::DocumentSelection ById(const std::string& document_id, bool with_vectors) {
  storage::DocumentSelection which;
  which.ids = std::vector<std::string>{document_id};
  which.with_vectors = with_vectors;
  return which;
}

storage::DocumentSelection ByFilter(const std::optional<model::DocumentFilter>& filter) {
  storage::DocumentSelection which;
  if (filter.has_value()) {
    which.where = [f = *filter](const model::Document& d) { return MatchesFilter(f, d); };
  }
  return which;
}

// Per-id results: the ids in `done` succeeded, the others were not found.
model::DocumentBatchResult ItemResults(const std::vector<std::string>& asked,
                                       const std::set<std::string>& done) {
  model::DocumentBatchResult r;
  for (const std::string& id : asked) {
    const bool ok = done.contains(id);
    r.results.push_back(
        {id, ok, ok ? std::nullopt : std::optional<std::string>("document not found")});
    ++(ok ? r.done_count : r.failed_count);
  }
  return r;
}

}  // namespace

Result<std::vector<model::FeatureVector>> CollectionService::ResolveVectors(
    const model::Collection& c, const std::vector<model::DocumentVectorInput>& inputs,
    model::ValidationIssues* issues) const {
  const extract::FeatureExtractor* fx =
      deps_.extractors.Find(c.extractor.name, c.extractor.version);
  if (fx == nullptr) return Status::Internal("the collection's extractor is not available");
  const model::ExtractorInfo& info = fx->info();
  std::vector<model::FeatureVector> out;
  for (const auto& in : inputs) {
    if (in.feature_extractor_id != info.id()) {
      issues->push_back({Sibling(in.loc, 2, "feature_extractor_id"),
                         "the collection's feature extractor is " + info.id(), "value_error"});
    } else if (in.name != "embedding" && in.name != info.vector_index_name()) {
      issues->push_back({in.loc,
                         "unknown vector; " + info.id() + " produces 'embedding' (vector index " +
                             info.vector_index_name() + ")",
                         "value_error"});
    } else if (in.values.size() != static_cast<size_t>(info.dimensions)) {
      issues->push_back({in.loc,
                         "vector has " + std::to_string(in.values.size()) +
                             " dimensions; the collection's " + info.vector_index_name() + " has " +
                             std::to_string(info.dimensions),
                         "value_error"});
    } else if (!out.empty()) {
      issues->push_back(
          {in.loc, "a document has one " + info.vector_index_name() + " vector", "value_error"});
    } else {
      out.push_back({info.feature_uri(), in.values});
    }
  }
  return out;
}

Result<model::Document> CollectionService::CreateDocument(const NamespaceHandle& h,
                                                          const std::string& collection,
                                                          const model::DocumentCreate& req,
                                                          model::ValidationIssues* issues) {
  FERRY_ASSIGN_OR_RETURN(model::Collection c, Get(h, collection));
  if (req.collection_id != c.collection_id && req.collection_id != c.collection_name) {
    issues->push_back({{"body", "collection_id"},
                       "collection_id does not name the collection in the path",
                       "value_error"});
  }
  FERRY_ASSIGN_OR_RETURN(auto vectors, ResolveVectors(c, req.vectors, issues));
  if (!issues->empty()) return Status::InvalidArgument("invalid request");
  model::Document d;
  d.document_id = NewId("doc");
  d.collection_id = c.collection_id;
  d.fields = req.fields;
  d.vectors = std::move(vectors);
  auto& l = d.lineage;
  const bool from_collection = req.source_document_id || req.source_collection_id;
  l.source_type = req.source_type.value_or(from_collection ? model::SourceType::kCollection
                                                           : model::SourceType::kBucket);
  l.root_object_id = req.root_object_id.value_or(req.source_object_id.value_or(""));
  l.root_bucket_id = req.root_bucket_id.value_or("");
  l.source_object_id = req.source_object_id;
  l.source_collection_id = req.source_collection_id;
  l.source_document_id = req.source_document_id;
  l.path = req.lineage_path.value_or(
      l.root_bucket_id.empty() ? c.collection_id : l.root_bucket_id + "/" + c.collection_id);
  const extract::FeatureExtractor* fx =
      deps_.extractors.Find(c.extractor.name, c.extractor.version);
  d.modality = fx != nullptr ? fx->info().input_type : "text";
  d.created_at = d.updated_at = deps_.clock.NowMs();
  FERRY_RETURN_IF_ERROR(h.store->UpsertDocuments({d}));
  return d;
}

Result<model::Document> CollectionService::UpdateDocument(
    const NamespaceHandle& h, const std::string& collection, const std::string& document_id,
    const model::DocumentUpdate& req, bool replace, model::ValidationIssues* issues) {
  FERRY_ASSIGN_OR_RETURN(model::Collection c, Get(h, collection));
  std::optional<std::vector<model::FeatureVector>> vectors;
  if (req.vectors.has_value()) {
    FERRY_ASSIGN_OR_RETURN(vectors, ResolveVectors(c, *req.vectors, issues));
  }
  if (!issues->empty()) return Status::InvalidArgument("invalid request");
  const TimestampMs now = deps_.clock.NowMs();
  storage::DocumentEdit merge = MergeEdit(req.fields, now);
  auto edit = [&](model::Document* d) -> Result<bool> {
    if (replace) {
      d->fields = req.fields;
      d->updated_at = now;
    } else {
      FERRY_RETURN_IF_ERROR(merge(d).status());
    }
    if (vectors.has_value()) d->vectors = *vectors;
    return true;
  };
  FERRY_ASSIGN_OR_RETURN(auto written,
                         h.store->EditDocuments(c.collection_id, ById(document_id, true), edit));
  if (written.empty()) return Status::NotFound("document '" + document_id + "' not found");
  return std::move(written.front());
}

Status CollectionService::DeleteDocument(const NamespaceHandle& h, const std::string& collection,
                                         const std::string& document_id) {
  FERRY_ASSIGN_OR_RETURN(model::Collection c, Get(h, collection));
  FERRY_ASSIGN_OR_RETURN(auto deleted,
                         h.store->DeleteDocuments(c.collection_id, ById(document_id, false)));
  if (deleted.empty()) return Status::NotFound("document '" + document_id + "' not found");
  return Status::Ok();
}

Result<model::DocumentBatchResult> CollectionService::BatchUpdateDocuments(
    const NamespaceHandle& h, const std::string& collection,
    const model::DocumentBatchUpdate& req) {
  FERRY_ASSIGN_OR_RETURN(model::Collection c, Get(h, collection));
  const TimestampMs now = deps_.clock.NowMs();
  if (req.filter.has_value()) {
    FERRY_ASSIGN_OR_RETURN(auto written,
                           h.store->EditDocuments(c.collection_id, ByFilter(req.filter),
                                                  MergeEdit(req.update_data, now)));
    model::DocumentBatchResult r;
    r.done_count = static_cast<int64_t>(written.size());
    return r;
  }
  std::map<std::string, std::vector<storage::DocumentEdit>> edits;  // id → its patches
  storage::DocumentSelection which;
  which.ids.emplace();
  for (const auto& u : req.updates) {
    which.ids->push_back(u.document_id);
    edits[u.document_id].push_back(MergeEdit(u.patch, now));
  }
  auto edit = [&](model::Document* d) -> Result<bool> {
    for (const auto& e : edits[d->document_id]) FERRY_RETURN_IF_ERROR(e(d).status());
    return true;
  };
  FERRY_ASSIGN_OR_RETURN(auto written, h.store->EditDocuments(c.collection_id, which, edit));
  std::set<std::string> done;
  for (const auto& d : written) done.insert(d.document_id);
  return ItemResults(*which.ids, done);
}

Result<model::DocumentBatchResult> CollectionService::BatchDeleteDocuments(
    const NamespaceHandle& h, const std::string& collection,
    const model::DocumentBatchDelete& req) {
  FERRY_ASSIGN_OR_RETURN(model::Collection c, Get(h, collection));
  if (req.filter.has_value()) {
    FERRY_ASSIGN_OR_RETURN(auto deleted,
                           h.store->DeleteDocuments(c.collection_id, ByFilter(req.filter)));
    model::DocumentBatchResult r;
    r.done_count = static_cast<int64_t>(deleted.size());
    return r;
  }
  storage::DocumentSelection which;
  which.ids = req.document_ids;
  FERRY_ASSIGN_OR_RETURN(auto deleted, h.store->DeleteDocuments(c.collection_id, which));
  return ItemResults(req.document_ids, std::set<std::string>(deleted.begin(), deleted.end()));
}

Result<int64_t> CollectionService::BulkUpdateDocuments(const NamespaceHandle& h,
                                                       const std::string& collection,
                                                       const model::DocumentBulkUpdate& req) {
  FERRY_ASSIGN_OR_RETURN(model::Collection c, Get(h, collection));
  FERRY_ASSIGN_OR_RETURN(auto written,
                         h.store->EditDocuments(c.collection_id, ByFilter(req.filter),
                                                MergeEdit(req.update_data, deps_.clock.NowMs())));
  return static_cast<int64_t>(written.size());
}

}  // namespace ferry::service
