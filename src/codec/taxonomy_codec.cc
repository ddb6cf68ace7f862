#include "codec/taxonomy_codec.h"

#include "codec/json_value.h"
#include "codec/list_codec.h"

namespace ferry::codec {

namespace json = boost::json;

namespace {

const std::vector<std::string> kMergeModes = {"replace", "append"};
const std::vector<std::string> kSourceTypes = {"payload", "literal", "vector"};
const std::vector<std::string> kStyles = {"full_chain", "best_match", "combined"};

std::vector<model::InputMapping> DecodeInputMappings(JsonReader& r, bool required) {
  std::vector<model::InputMapping> out;
  for (auto& e : r.Elements("input_mappings", required)) {
    if (!e.ExpectObject()) continue;
    e.RejectNull({"input_key"});
    model::InputMapping m;
    m.input_key = e.String("input_key", true).value_or("");
    m.source_type = e.Enum("source_type", false, kSourceTypes).value_or("payload");
    m.path = e.String("path", false);
    m.override_value = e.Any("override");
    if (m.source_type == "vector") {
      e.AddIssue("source_type", "source_type 'vector' is not supported by this server",
                 "value_error");
    } else if (m.source_type == "payload" && !m.path) {
      e.AddIssue("path", "path is required when source_type is 'payload'", "missing");
    } else if (m.source_type == "literal" && m.override_value.is_null()) {
      e.AddIssue("override", "override is required when source_type is 'literal'", "missing");
    }
    out.push_back(std::move(m));
  }
  return out;
}

std::optional<std::vector<model::InputMapping>> OptionalInputMappings(JsonReader& r) {
  if (r.Member("input_mappings") == nullptr) return std::nullopt;
  return DecodeInputMappings(r, false);
}

std::optional<std::vector<model::EnrichmentField>> DecodeEnrichmentFields(JsonReader& r) {
  if (r.Member("enrichment_fields") == nullptr) return std::nullopt;
  std::vector<model::EnrichmentField> out;
  for (auto& e : r.Elements("enrichment_fields", false)) {
    if (!e.ExpectObject()) continue;
    e.RejectNull({"field_path", "merge_mode"});
    model::EnrichmentField f;
    f.field_path = e.String("field_path", true).value_or("");
    if (e.Member("field_path") != nullptr && f.field_path.empty()) {
      e.AddIssue("field_path", "String should have at least 1 character", "string_too_short");
    }
    f.target_field = e.String("target_field", false);
    f.merge_mode = e.Enum("merge_mode", false, kMergeModes).value_or("replace");
    out.push_back(std::move(f));
  }
  return out;
}

void DecodeFlat(JsonReader& c, model::Taxonomy* t) {
  c.RejectNull({"retriever_id", "input_mappings", "source_collection"});
  t->retriever_id = c.String("retriever_id", true);
  t->input_mappings = DecodeInputMappings(c, true);
  if (c.Member("source_collection") == nullptr) {
    c.AddIssue("source_collection", "Field required", "missing");
    return;
  }
  JsonReader src = c.Child("source_collection");
  if (!src.ExpectObject()) return;
  src.RejectNull({"collection_id"});
  t->source_collection_id = src.String("collection_id", true).value_or("");
  t->enrichment_fields = DecodeEnrichmentFields(src);
}

model::TaxonomyNode DecodeNode(JsonReader& n) {
  model::TaxonomyNode node;
  n.RejectNull({"collection_id"});
  node.collection_id = n.String("collection_id", true).value_or("");
  node.parent_collection_id = n.String("parent_collection_id", false);
  node.label = n.String("label", false);
  node.summary = n.String("summary", false);
  node.keywords = n.StringList("keywords", false);
  node.retriever_id = n.String("retriever_id", false);
  node.enrichment_fields = DecodeEnrichmentFields(n);
  node.input_mappings = OptionalInputMappings(n);
  return node;
}

void DecodeHierarchical(JsonReader& c, model::Taxonomy* t) {
  t->retriever_id = c.String("retriever_id", false);
  t->input_mappings = OptionalInputMappings(c);
  if (c.Member("inference_strategy") != nullptr) {
    c.AddIssue("inference_strategy",
               "hierarchy inference is not supported by this server; define hierarchical_nodes",
               "value_error");
  }
  if (c.Member("hierarchical_nodes") == nullptr) {
    c.AddIssue("hierarchical_nodes", "hierarchical_nodes is required", "missing");
    return;
  }
  for (auto& n : c.Elements("hierarchical_nodes", true)) {
    if (n.ExpectObject()) t->nodes.push_back(DecodeNode(n));
  }
}

json::value EncodeInputMappings(const std::optional<std::vector<model::InputMapping>>& ms) {
  if (!ms) return nullptr;
  json::array out;
  for (const auto& m : *ms) {
    out.push_back(json::object{{"input_key", m.input_key},
                               {"source_type", m.source_type},
                               {"path", OptString(m.path)},
                               {"override", ToJson(m.override_value)}});
  }
  return out;
}

json::value EncodeEnrichmentFields(const std::optional<std::vector<model::EnrichmentField>>& fs) {
  if (!fs) return nullptr;
  json::array out;
  for (const auto& f : *fs) {
    out.push_back(json::object{{"field_path", f.field_path},
                               {"target_field", OptString(f.target_field)},
                               {"merge_mode", f.merge_mode}});
  }
  return out;
}

json::value OptStrings(const std::optional<std::vector<std::string>>& v) {
  if (!v) return nullptr;
  return json::array(v->begin(), v->end());
}

json::object EncodeConfig(const model::Taxonomy& t) {
  if (t.taxonomy_type == "flat") {
    return json::object{
        {"taxonomy_type", "flat"},
        {"retriever_id", t.retriever_id.value_or("")},
        {"input_mappings",
         EncodeInputMappings(t.input_mappings.value_or(std::vector<model::InputMapping>{}))},
        {"source_collection",
         json::object{{"collection_id", t.source_collection_id},
                      {"enrichment_fields", EncodeEnrichmentFields(t.enrichment_fields)}}},
        {"step_analytics", ToJson(t.step_analytics)}};
  }
  json::array nodes;
  for (const auto& n : t.nodes) {
    nodes.push_back(json::object{{"collection_id", n.collection_id},
                                 {"parent_collection_id", OptString(n.parent_collection_id)},
                                 {"label", OptString(n.label)},
                                 {"summary", OptString(n.summary)},
                                 {"keywords", OptStrings(n.keywords)},
                                 {"retriever_id", OptString(n.retriever_id)},
                                 {"enrichment_fields", EncodeEnrichmentFields(n.enrichment_fields)},
                                 {"input_mappings", EncodeInputMappings(n.input_mappings)}});
  }
  return json::object{{"taxonomy_type", "hierarchical"},
                      {"retriever_id", OptString(t.retriever_id)},
                      {"input_mappings", EncodeInputMappings(t.input_mappings)},
                      {"inference_strategy", nullptr},
                      {"inference_collections", nullptr},
                      {"llm_provider", nullptr},
                      {"llm_model", nullptr},
                      {"llm_prompt_template", nullptr},
                      {"llm_sample_size", 0},
                      {"cluster_ids", nullptr},
                      {"cluster_overlap_threshold", 0.7},
                      {"hierarchical_nodes", std::move(nodes)},
                      {"step_analytics", ToJson(t.step_analytics)}};
}

}  // namespace

model::Taxonomy DecodeTaxonomyCreate(JsonReader body) {
  model::Taxonomy t;
  if (!body.ExpectObject()) return t;
  body.RejectNull({"taxonomy_name", "config"});
  t.taxonomy_name = body.String("taxonomy_name", true, limits::kName).value_or("");
  t.description = body.String("description", false);
  t.metadata = body.ObjectValue("metadata", limits::kMetadataBytes);
  if (body.Member("config") == nullptr) {
    body.AddIssue("config", "Field required", "missing");
    return t;
  }
  JsonReader c = body.Child("config");
  if (!c.ExpectObject()) return t;
  c.RejectNull({"taxonomy_type"});
  t.taxonomy_type = c.Enum("taxonomy_type", false, {"flat", "hierarchical"}).value_or("flat");
  if (c.Member("step_analytics") != nullptr) t.step_analytics = c.ObjectValue("step_analytics");
  if (t.taxonomy_type == "flat") {
    DecodeFlat(c, &t);
  } else {
    DecodeHierarchical(c, &t);
  }
  return t;
}

model::TaxonomyPatch DecodeTaxonomyPatch(JsonReader body) {
  model::TaxonomyPatch p;
  if (!body.ExpectObject()) return p;
  for (const char* immutable : {"config", "taxonomy_type", "retriever_id", "input_mappings"}) {
    if (body.Member(immutable) != nullptr) {
      body.AddIssue(immutable, std::string(immutable) + " cannot be changed; create a new taxonomy",
                    "value_error");
    }
  }
  p.taxonomy_name = body.String("taxonomy_name", false, limits::kName);
  p.description = body.String("description", false);
  if (body.Member("metadata") != nullptr)
    p.metadata = body.ObjectValue("metadata", limits::kMetadataBytes);
  return p;
}

TaxonomyListQuery DecodeTaxonomyList(JsonReader body) {
  TaxonomyListQuery q;
  if (!body.ExpectObject()) return q;
  body.RejectNull({"case_sensitive"});
  q.search = body.String("search", false);
  q.case_sensitive = body.Bool("case_sensitive", false).value_or(false);
  RejectUnsupported(body, {"filters", "sort"});
  return q;
}

model::TaxonomyExecute DecodeTaxonomyExecute(JsonReader body) {
  model::TaxonomyExecute e;
  if (!body.ExpectObject()) return e;
  body.Enum("join_mode", false, {"on_demand"});
  e.batch_size = body.Int("batch_size", false, 1, 10000).value_or(1000);
  e.target_collection_id = body.String("target_collection_id", false);
  if (!e.target_collection_id) e.target_collection_id = body.String("collection_id", false);
  if (body.Member("source_documents") != nullptr) {
    std::vector<model::Value> docs;
    for (auto& d : body.Elements("source_documents", false)) {
      if (d.ExpectObject()) docs.push_back(FromJson(*d.value()));
    }
    e.source_documents = std::move(docs);
  }
  if (!e.source_documents && !e.target_collection_id) {
    body.AddIssue("source_documents", "give source_documents or target_collection_id", "missing");
  }
  return e;
}

std::vector<model::TaxonomyApplication> DecodeTaxonomyApplications(JsonReader& parent,
                                                                   std::string_view key) {
  std::vector<model::TaxonomyApplication> out;
  for (auto& a : parent.Elements(key, false)) {
    if (!a.ExpectObject()) continue;
    a.RejectNull({"taxonomy_id", "execution_mode", "execution_phase", "priority",
                  "hierarchical_enrichment_style"});
    model::TaxonomyApplication app;
    app.taxonomy_id = a.String("taxonomy_id", true).value_or("");
    app.execution_mode = a.Enum("execution_mode", false, {"materialize"}).value_or("materialize");
    app.target_collection_id = a.String("target_collection_id", false);
    app.scroll_filters = a.ObjectValue("scroll_filters");
    app.execution_phase = a.Int("execution_phase", false, 1, 3).value_or(1);
    app.priority = a.Int("priority", false, 0, 1000).value_or(0);
    app.hierarchical_enrichment_style =
        a.Enum("hierarchical_enrichment_style", false, kStyles).value_or("combined");
    out.push_back(std::move(app));
  }
  return out;
}

json::value EncodeTaxonomyApplications(const std::vector<model::TaxonomyApplication>& apps) {
  if (apps.empty()) return nullptr;
  json::array out;
  for (const auto& a : apps) {
    out.push_back(json::object{{"taxonomy_id", a.taxonomy_id},
                               {"execution_mode", a.execution_mode},
                               {"target_collection_id", OptString(a.target_collection_id)},
                               {"scroll_filters", ToJson(a.scroll_filters)},
                               {"execution_phase", a.execution_phase},
                               {"priority", a.priority},
                               {"hierarchical_enrichment_style", a.hierarchical_enrichment_style}});
  }
  return out;
}

json::object EncodeTaxonomy(const model::Taxonomy& t) {
  return json::object{{"taxonomy_id", t.taxonomy_id},
                      {"version", t.version},
                      {"taxonomy_name", t.taxonomy_name},
                      {"description", OptString(t.description)},
                      {"retriever_id", OptString(t.retriever_id)},
                      {"input_mappings", EncodeInputMappings(t.input_mappings)},
                      {"config", EncodeConfig(t)},
                      {"ready", true},
                      {"created_at", Time(t.created_at)},
                      {"metadata", t.metadata.is_object() ? ToJson(t.metadata) : json::object{}}};
}

json::object EncodeTaxonomyStats(const std::vector<model::Taxonomy>& all) {
  int64_t flat = 0, with_retrievers = 0;
  for (const auto& t : all) {
    if (t.taxonomy_type == "flat") ++flat;
    if (!t.RetrieverIds().empty()) ++with_retrievers;
  }
  const auto total = static_cast<int64_t>(all.size());
  return json::object{{"total_taxonomies", total},
                      {"flat_taxonomies", flat},
                      {"hierarchical_taxonomies", total - flat},
                      {"taxonomies_with_retrievers", with_retrievers}};
}

}  // namespace ferry::codec
