#include <algorithm>
#include <optional>

#include "codec/codecs.h"
#include "codec/json_value.h"

namespace ferry::codec {

namespace json = boost::json;

namespace {
model::ExtractorRef DecodeExtractorRef(JsonReader r) {
  model::ExtractorRef ref;
  if (!r.ExpectObject()) return ref;
  r.RejectNull({"feature_extractor_name", "version"});
  ref.name = r.String("feature_extractor_name", true).value_or("");
  ref.version = r.String("version", true).value_or("");
  ref.params = r.ObjectValue("params");
  return ref;
}

const std::vector<std::string> kPayloadSchemaTypes = {"keyword", "integer",  "float", "bool",
                                                      "geo",     "datetime", "text",  "uuid"};

// PayloadIndexConfig-Input: field_name (1–255 characters, unique in the list), type (a
// PayloadSchemaType), field_schema (an object or null), is_protected (a boolean).
void CheckPayloadIndex(JsonReader e, std::vector<std::string>* seen) {
  if (!e.ExpectObject()) return;
  e.RejectNull({"field_name", "type", "is_protected"});
  if (auto name = e.String("field_name", true, 255)) {
    if (name->empty()) {
      e.AddIssue("field_name", "String should have at least 1 character", "string_too_short");
    } else if (std::find(seen->begin(), seen->end(), *name) != seen->end()) {
      e.AddIssue("field_name", "field_name '" + *name + "' is indexed twice", "value_error");
    } else {
      seen->push_back(*name);
    }
  }
  e.Enum("type", true, kPayloadSchemaTypes);
  e.ObjectValue("field_schema");
  e.Bool("is_protected", false);
}

// The payload_indexes list as given (nullopt when absent or null, or with an issue).
std::optional<model::Value> DecodePayloadIndexes(JsonReader& body) {
  const json::value* m = body.Member("payload_indexes");
  if (m == nullptr) return std::nullopt;
  size_t before = body.issues()->size();
  std::vector<std::string> seen;
  for (auto& e : body.Elements("payload_indexes", false, limits::kPayloadIndexes)) {
    CheckPayloadIndex(e, &seen);
  }
  if (body.issues()->size() != before) return std::nullopt;
  return FromJson(*m);
}
}  // namespace

model::NamespaceCreate DecodeNamespaceCreate(JsonReader body) {
  model::NamespaceCreate req;
  if (!body.ExpectObject()) return req;
  body.RejectNull({"namespace_name", "feature_extractors"});
  req.namespace_name = body.String("namespace_name", true, limits::kName).value_or("");
  req.namespace_type =
      body.Enum("namespace_type", false, {"standard", "marketplace"}).value_or("standard");
  req.description = body.String("description", false);
  for (auto& e : body.Elements("feature_extractors", true, limits::kFeatureExtractors)) {
    req.feature_extractors.push_back(DecodeExtractorRef(e));
  }
  req.payload_indexes = DecodePayloadIndexes(body).value_or(model::Value());
  req.auto_create_indexes = body.Bool("auto_create_indexes", false).value_or(false);
  return req;
}

model::NamespacePatch DecodeNamespacePatch(JsonReader body) {
  model::NamespacePatch req;
  if (!body.ExpectObject()) return req;
  req.namespace_name = body.String("namespace_name", false, limits::kName);
  req.description = body.String("description", false);
  req.payload_indexes = DecodePayloadIndexes(body);
  req.auto_create_indexes = body.Bool("auto_create_indexes", false);
  return req;
}

json::object EncodeNamespace(const model::Namespace& ns, const model::NamespaceStats& st) {
  json::array extractors;
  for (const auto& e : ns.feature_extractors) {
    extractors.push_back(json::object{{"feature_extractor_name", e.name},
                                      {"version", e.version},
                                      {"params", ToJson(e.params)},
                                      {"feature_extractor_id", e.name + "_" + e.version}});
  }
  return json::object{
      {"namespace_id", ns.namespace_id},
      {"namespace_name", ns.namespace_name},
      {"namespace_type", ns.namespace_type},
      {"internal_id", ns.org_id},
      {"infrastructure", nullptr},
      {"cluster_id", nullptr},
      {"description", OptString(ns.description)},
      {"feature_extractors", std::move(extractors)},
      {"payload_indexes", ToJson(ns.payload_indexes)},
      {"document_count", st.document_count},
      {"bucket_count", st.bucket_count},
      {"collection_count", st.collection_count},
      {"object_count", st.object_count},
      {"auto_create_indexes", ns.auto_create_indexes},
      {"vector_inference_map", nullptr},
      {"created_at", Time(ns.created_at)},
      {"updated_at", Time(ns.updated_at)},
  };
}

json::object EncodePagination(const model::Page& page, int64_t total, int64_t returned) {
  int64_t page_size = page.limit;
  int64_t page_no = page_size > 0 ? page.offset / page_size + 1 : 1;
  int64_t total_pages = page_size > 0 ? (total + page_size - 1) / page_size : 0;
  json::value next = nullptr;
  json::value prev = nullptr;
  json::value next_cursor = nullptr;
  if (page.offset + returned < total) {
    int64_t next_offset = page.offset + returned;
    next = json::string("offset=" + std::to_string(next_offset) +
                        "&limit=" + std::to_string(page_size));
    next_cursor = json::string(std::to_string(next_offset));
  }
  if (page.offset > 0) {
    int64_t prev_offset = page.offset > page_size ? page.offset - page_size : 0;
    prev = json::string("offset=" + std::to_string(prev_offset) +
                        "&limit=" + std::to_string(page_size));
  }
  return json::object{{"total", total},
                      {"page", page_no},
                      {"page_size", page_size},
                      {"total_pages", total_pages},
                      {"next_page", next},
                      {"previous_page", prev},
                      {"next_cursor", next_cursor}};
}

json::object EncodeError(int status, const std::string& type, const std::string& message,
                         const json::value& details) {
  return json::object{
      {"success", false},
      {"status", status},
      {"error", json::object{{"message", message}, {"type", type}, {"details", details}}}};
}

json::object EncodeValidationIssues(const model::ValidationIssues& issues) {
  json::array detail;
  for (const auto& i : issues) {
    detail.push_back(
        json::object{{"loc", ToJson(model::Value(i.loc))}, {"msg", i.msg}, {"type", i.type}});
  }
  return json::object{{"detail", std::move(detail)}};
}

}  // namespace ferry::codec
