#include "service/taxonomy_enricher.h"

#include <algorithm>

namespace ferry::service {

namespace {

using model::Value;
using model::ValueArray;
using model::ValueObject;

constexpr char kTaxonomyPrefix[] = "_taxonomy_";

Result<TaxonomyLevel> MakeLevel(const std::string& collection_id,
                                const std::optional<std::string>& retriever_id,
                                const RetrieverLookup& lookup) {
  if (!retriever_id) {
    return Status::InvalidArgument("taxonomy level " + collection_id + " has no retriever");
  }
  TaxonomyLevel level;
  level.collection_id = collection_id;
  FERRY_ASSIGN_OR_RETURN(level.retriever, lookup(*retriever_id));
  level.retriever.collection_ids = {collection_id};
  return level;
}

void Append(Value* target, const Value& value) {
  ValueArray items;
  if (target->is_array()) {
    items = target->as_array();
  } else if (!target->is_null()) {
    items.push_back(*target);
  }
  auto add = [&items](const Value& v) {
    if (std::find(items.begin(), items.end(), v) == items.end()) items.push_back(v);
  };
  if (value.is_array()) {
    for (const auto& v : value.as_array()) add(v);
  } else {
    add(value);
  }
  *target = Value(std::move(items));
}

void Write(ValueObject* out, const std::string& target, const Value& value,
           const std::string& merge_mode) {
  if (merge_mode != "append") {
    out->Set(target, value);
    return;
  }
  Value current;
  if (const Value* v = out->Find(target); v != nullptr) current = *v;
  Append(&current, value);
  out->Set(target, std::move(current));
}

}  // namespace

Result<TaxonomyPlan> PlanTaxonomy(const model::Taxonomy& t, const RetrieverLookup& lookup) {
  TaxonomyPlan plan;
  if (t.taxonomy_type == "flat") {
    FERRY_ASSIGN_OR_RETURN(TaxonomyLevel level,
                           MakeLevel(t.source_collection_id, t.retriever_id, lookup));
    level.input_mappings = t.input_mappings.value_or(std::vector<model::InputMapping>{});
    level.enrichment_fields = t.enrichment_fields;
    level.copy_all = !t.enrichment_fields.has_value();
    plan.levels.push_back(std::move(level));
    return plan;
  }
  for (const auto& n : t.nodes) {
    FERRY_ASSIGN_OR_RETURN(
        TaxonomyLevel level,
        MakeLevel(n.collection_id, n.retriever_id ? n.retriever_id : t.retriever_id, lookup));
    level.parent_collection_id = n.parent_collection_id;
    level.input_mappings = n.input_mappings
                               ? *n.input_mappings
                               : t.input_mappings.value_or(std::vector<model::InputMapping>{});
    level.enrichment_fields = n.enrichment_fields;
    plan.levels.push_back(std::move(level));
  }
  return plan;
}

Value BuildInputs(const std::vector<model::InputMapping>& mappings, const Value& fields) {
  ValueObject inputs;
  for (const auto& m : mappings) {
    if (m.source_type == "literal") {
      inputs.Set(m.input_key, m.override_value);
      continue;
    }
    const Value* v = m.path ? fields.GetPath(*m.path) : nullptr;
    if (v != nullptr) inputs.Set(m.input_key, *v);
  }
  return Value(std::move(inputs));
}

void ApplyEnrichment(const TaxonomyLevel& level, const Value& match, Value* fields) {
  ValueObject out = fields->is_object() ? fields->as_object() : ValueObject{};
  if (level.copy_all) {
    if (match.is_object()) {
      for (const auto& [key, value] : match.as_object()) {
        if (key.rfind(kTaxonomyPrefix, 0) == 0) continue;
        out.Set(model::DefaultTargetField(key), value);
      }
    }
  } else if (level.enrichment_fields) {
    for (const auto& f : *level.enrichment_fields) {
      const Value* v = match.GetPath(f.field_path);
      if (v == nullptr) continue;
      Write(&out, f.target_field.value_or(model::DefaultTargetField(f.field_path)), *v,
            f.merge_mode);
    }
  }
  *fields = Value(std::move(out));
}

Result<bool> TaxonomyEnricher::EnrichFields(const NamespaceHandle& h, const TaxonomyPlan& plan,
                                            Value* fields) {
  bool matched = false;
  std::optional<std::string> parent;  // the level matched last; none before the roots
  // At most one match per level: a path through the tree is no longer than the tree.
  for (size_t depth = 0; depth < plan.levels.size(); ++depth) {
    const TaxonomyLevel* best = nullptr;
    std::optional<StageDocument> best_doc;
    for (const auto& level : plan.levels) {
      if (level.parent_collection_id != parent) continue;
      FERRY_ASSIGN_OR_RETURN(
          Evaluation ev,
          retrievers_.Evaluate(h, level.retriever, BuildInputs(level.input_mappings, *fields)));
      FERRY_RETURN_IF_ERROR(ev.failure);
      auto& results = ev.results;
      if (results.empty()) continue;
      if (best_doc && results.front().score <= best_doc->score) continue;
      best = &level;
      best_doc = std::move(results.front());
    }
    if (best == nullptr) return matched;
    ApplyEnrichment(*best, best_doc->doc.fields, fields);
    matched = true;
    parent = best->collection_id;
  }
  return matched;
}

Status TaxonomyEnricher::EnrichDocuments(const NamespaceHandle& h, const TaxonomyPlan& plan,
                                         std::vector<model::Document> docs, EnrichStats* stats) {
  std::vector<model::Document> changed;
  for (auto& d : docs) {
    if (d.ingestion_status != "COMPLETED") continue;
    ++stats->processed;
    Value before = d.fields;
    auto matched = EnrichFields(h, plan, &d.fields);
    if (!matched.ok()) {
      if (matched.status().code() != StatusCode::kInvalidArgument) return matched.status();
      ++stats->errors;
      if (!stats->first_error)
        stats->first_error = d.document_id + ": " + matched.status().message();
      continue;
    }
    if (*matched) ++stats->enriched;
    if (!(d.fields == before)) changed.push_back(std::move(d));
  }
  ++stats->batches;
  if (changed.empty()) return Status::Ok();
  return h.store->UpsertDocuments(changed);
}

Result<EnrichStats> TaxonomyEnricher::EnrichCollection(const NamespaceHandle& h,
                                                       const TaxonomyPlan& plan,
                                                       const std::string& collection_id,
                                                       int64_t batch_size) {
  EnrichStats stats;
  storage::IdQuery query;
  query.limit = std::max<int64_t>(1, batch_size);
  for (;;) {
    FERRY_ASSIGN_OR_RETURN(auto ids, h.store->ListDocumentIds(collection_id, query));
    if (ids.empty()) return stats;
    query.after_id = ids.back();
    FERRY_ASSIGN_OR_RETURN(auto docs, h.store->GetDocuments(collection_id, ids));
    FERRY_RETURN_IF_ERROR(EnrichDocuments(h, plan, std::move(docs), &stats));
    if (static_cast<int64_t>(ids.size()) < query.limit) return stats;
  }
}

}  // namespace ferry::service
