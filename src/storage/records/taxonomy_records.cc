#include "storage/records/taxonomy_records.h"

#include <optional>

namespace ferry::storage::records {
namespace {

using model::Value;
using model::ValueArray;
using model::ValueObject;

Value Opt(const std::optional<std::string>& s) { return s ? Value(*s) : Value(); }

std::optional<std::string> OptOf(const Value* v) {
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return v->as_string();
}

std::string Str(const Value& o, const char* key) {
  const Value* v = o.Get(key);
  return v != nullptr && v->is_string() ? v->as_string() : std::string();
}

int64_t Int(const Value& o, const char* key, int64_t fallback = 0) {
  const Value* v = o.Get(key);
  return v != nullptr && v->is_int() ? v->as_int() : fallback;
}

const Value& Or(const Value* v) {
  static const Value kNull;
  return v != nullptr ? *v : kNull;
}

Value Strings(const std::vector<std::string>& v) {
  ValueArray out;
  for (const auto& s : v) out.emplace_back(s);
  return Value(std::move(out));
}

std::vector<std::string> ToStrings(const Value& v) {
  std::vector<std::string> out;
  if (!v.is_array()) return out;
  for (const auto& e : v.as_array()) {
    if (e.is_string()) out.push_back(e.as_string());
  }
  return out;
}

Value MappingsValue(const std::optional<std::vector<model::InputMapping>>& ms) {
  if (!ms) return Value();
  ValueArray out;
  for (const auto& m : *ms) {
    ValueObject o;
    o.Set("input_key", m.input_key);
    o.Set("source_type", m.source_type);
    o.Set("path", Opt(m.path));
    o.Set("override", m.override_value);
    out.emplace_back(std::move(o));
  }
  return Value(std::move(out));
}

std::optional<std::vector<model::InputMapping>> MappingsOf(const Value& v) {
  if (!v.is_array()) return std::nullopt;
  std::vector<model::InputMapping> out;
  for (const auto& e : v.as_array()) {
    model::InputMapping m;
    m.input_key = Str(e, "input_key");
    m.source_type = Str(e, "source_type");
    m.path = OptOf(e.Get("path"));
    m.override_value = Or(e.Get("override"));
    out.push_back(std::move(m));
  }
  return out;
}

Value FieldsValue(const std::optional<std::vector<model::EnrichmentField>>& fs) {
  if (!fs) return Value();
  ValueArray out;
  for (const auto& f : *fs) {
    ValueObject o;
    o.Set("field_path", f.field_path);
    o.Set("target_field", Opt(f.target_field));
    o.Set("merge_mode", f.merge_mode);
    out.emplace_back(std::move(o));
  }
  return Value(std::move(out));
}

std::optional<std::vector<model::EnrichmentField>> FieldsOf(const Value& v) {
  if (!v.is_array()) return std::nullopt;
  std::vector<model::EnrichmentField> out;
  for (const auto& e : v.as_array()) {
    model::EnrichmentField f;
    f.field_path = Str(e, "field_path");
    f.target_field = OptOf(e.Get("target_field"));
    f.merge_mode = Str(e, "merge_mode");
    out.push_back(std::move(f));
  }
  return out;
}

Value NodeValue(const model::TaxonomyNode& n) {
  ValueObject o;
  o.Set("collection_id", n.collection_id);
  o.Set("parent_collection_id", Opt(n.parent_collection_id));
  o.Set("label", Opt(n.label));
  o.Set("summary", Opt(n.summary));
  o.Set("keywords", n.keywords ? Strings(*n.keywords) : Value());
  o.Set("retriever_id", Opt(n.retriever_id));
  o.Set("enrichment_fields", FieldsValue(n.enrichment_fields));
  o.Set("input_mappings", MappingsValue(n.input_mappings));
  return Value(std::move(o));
}

model::TaxonomyNode NodeOf(const Value& v) {
  model::TaxonomyNode n;
  n.collection_id = Str(v, "collection_id");
  n.parent_collection_id = OptOf(v.Get("parent_collection_id"));
  n.label = OptOf(v.Get("label"));
  n.summary = OptOf(v.Get("summary"));
  if (const Value* k = v.Get("keywords"); k != nullptr && k->is_array()) n.keywords = ToStrings(*k);
  n.retriever_id = OptOf(v.Get("retriever_id"));
  n.enrichment_fields = FieldsOf(Or(v.Get("enrichment_fields")));
  n.input_mappings = MappingsOf(Or(v.Get("input_mappings")));
  return n;
}

}  // namespace

std::string EncodeTaxonomyRecord(const model::Taxonomy& t) {
  ValueArray nodes;
  for (const auto& n : t.nodes) nodes.push_back(NodeValue(n));
  ValueObject o;
  o.Set("taxonomy_id", t.taxonomy_id);
  o.Set("taxonomy_name", t.taxonomy_name);
  o.Set("description", Opt(t.description));
  o.Set("taxonomy_type", t.taxonomy_type);
  o.Set("retriever_id", Opt(t.retriever_id));
  o.Set("input_mappings", MappingsValue(t.input_mappings));
  o.Set("source_collection_id", t.source_collection_id);
  o.Set("enrichment_fields", FieldsValue(t.enrichment_fields));
  o.Set("nodes", Value(std::move(nodes)));
  o.Set("step_analytics", t.step_analytics);
  o.Set("metadata", t.metadata);
  o.Set("version", t.version);
  o.Set("created_at", t.created_at);
  o.Set("updated_at", t.updated_at);
  return model::EncodeValue(Value(std::move(o)));
}

bool DecodeTaxonomyRecord(std::string_view bytes, model::Taxonomy* t) {
  Value v;
  if (!model::DecodeValue(bytes, &v) || !v.is_object()) return false;
  t->taxonomy_id = Str(v, "taxonomy_id");
  t->taxonomy_name = Str(v, "taxonomy_name");
  t->description = OptOf(v.Get("description"));
  t->taxonomy_type = Str(v, "taxonomy_type");
  if (t->taxonomy_type != "flat" && t->taxonomy_type != "hierarchical") return false;
  t->retriever_id = OptOf(v.Get("retriever_id"));
  t->input_mappings = MappingsOf(Or(v.Get("input_mappings")));
  t->source_collection_id = Str(v, "source_collection_id");
  t->enrichment_fields = FieldsOf(Or(v.Get("enrichment_fields")));
  const Value* nodes = v.Get("nodes");
  if (nodes == nullptr || !nodes->is_array()) return false;
  for (const auto& n : nodes->as_array()) t->nodes.push_back(NodeOf(n));
  t->step_analytics = Or(v.Get("step_analytics"));
  t->metadata = Or(v.Get("metadata"));
  t->version = Int(v, "version", 1);
  t->created_at = Int(v, "created_at");
  t->updated_at = Int(v, "updated_at");
  return true;
}

std::string EncodeTaxonomyApplicationsRecord(const std::vector<model::TaxonomyApplication>& apps) {
  ValueArray out;
  for (const auto& a : apps) {
    ValueObject o;
    o.Set("taxonomy_id", a.taxonomy_id);
    o.Set("execution_mode", a.execution_mode);
    o.Set("target_collection_id", Opt(a.target_collection_id));
    o.Set("scroll_filters", a.scroll_filters);
    o.Set("execution_phase", a.execution_phase);
    o.Set("priority", a.priority);
    o.Set("hierarchical_enrichment_style", a.hierarchical_enrichment_style);
    out.emplace_back(std::move(o));
  }
  return model::EncodeValue(Value(std::move(out)));
}

bool DecodeTaxonomyApplicationsRecord(std::string_view bytes,
                                      std::vector<model::TaxonomyApplication>* apps) {
  apps->clear();
  if (bytes.empty()) return true;
  Value v;
  if (!model::DecodeValue(bytes, &v) || !v.is_array()) return false;
  for (const auto& e : v.as_array()) {
    model::TaxonomyApplication a;
    a.taxonomy_id = Str(e, "taxonomy_id");
    a.execution_mode = Str(e, "execution_mode");
    a.target_collection_id = OptOf(e.Get("target_collection_id"));
    a.scroll_filters = Or(e.Get("scroll_filters"));
    a.execution_phase = Int(e, "execution_phase", 1);
    a.priority = Int(e, "priority");
    a.hierarchical_enrichment_style = Str(e, "hierarchical_enrichment_style");
    apps->push_back(std::move(a));
  }
  return true;
}

}  // namespace ferry::storage::records
