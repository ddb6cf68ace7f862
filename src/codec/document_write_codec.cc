#include "codec/document_write_codec.h"

#include <cmath>
#include <set>
#include <string>
#include <string_view>

#include "codec/json_value.h"

namespace ferry::codec {

namespace json = boost::json;

namespace {

constexpr size_t kMaxDimensions = 65'536;
constexpr size_t kMaxFilterDepth = 8;
constexpr size_t kMaxBatch = 1'000;

// Lineage properties of DocumentCreateRequest: set at creation only.
const std::set<std::string_view> kLineageKeys = {
    "root_object_id",     "root_bucket_id",   "source_type",  "source_collection_id",
    "source_document_id", "source_object_id", "lineage_path", "lineage_chain"};

// Response-only properties a client may send back from a GET (ignored).
const std::set<std::string_view> kOutputOnlyKeys = {"_internal", "document_blobs"};

const std::vector<std::string> kOperators = {
    "eq",       "ne",          "gt",        "lt",    "gte",    "lte",     "in",  "nin",
    "contains", "starts_with", "ends_with", "regex", "exists", "is_null", "text"};

model::ValueArray Loc(const JsonReader& r, std::string_view key) {
  model::ValueArray loc = r.loc();
  loc.emplace_back(std::string(key));
  return loc;
}

// The first characters of a long name, for a message that must not echo all of it.
std::string Prefix(std::string_view s, size_t bytes) {
  if (s.size() <= bytes) return std::string(s);
  while (bytes > 0 && (static_cast<unsigned char>(s[bytes]) & 0xC0) == 0x80) --bytes;
  return std::string(s.substr(0, bytes)) + "...";
}

// Whether `key`, a property name a client gives for a document field, is usable: at most
// limits::kString characters, and as a dotted path ("a.b.c", which an update turns into
// one nested object per segment) at most limits::kJsonDepth segments, the nesting a body
// may have. Otherwise records an issue: at the object holding an over-long name (which is
// not echoed back whole), at the name itself for too many segments.
bool CheckFieldName(const JsonReader& r, std::string_view key) {
  size_t characters = 0;
  size_t segments = 1;
  for (char c : key) {
    characters += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    segments += c == '.';
  }
  if (characters > limits::kString) {
    r.AddIssueHere("field name '" + Prefix(key, 32) + "' has " + std::to_string(characters) +
                       " characters; field names have at most " + std::to_string(limits::kString),
                   "string_too_long");
    return false;
  }
  if (segments > limits::kJsonDepth) {
    r.AddIssue(key,
               "a dotted field name addresses at most " + std::to_string(limits::kJsonDepth) +
                   " levels, not " + std::to_string(segments),
               "value_error");
    return false;
  }
  return true;
}

// One FeatureModel: its dense vectors (DenseVector / NamedDenseVectors).
void DecodeFeature(JsonReader f, std::vector<model::DocumentVectorInput>* out) {
  if (!f.ExpectObject()) return;
  f.RejectNull({"feature_extractor_id"});
  std::string extractor = f.String("feature_extractor_id", true, limits::kName).value_or("");
  const json::value* vectors = f.Member("vectors");
  if (vectors == nullptr) return;  // a feature without vectors adds none
  if (!vectors->is_object()) {
    f.AddIssue("vectors", "Input should be a valid dictionary of dense vectors", "dict_type");
    return;
  }
  JsonReader vr = f.Child("vectors");
  for (const auto& [name, values] : vectors->get_object()) {
    model::DocumentVectorInput v{extractor, std::string(name), {}, Loc(vr, name)};
    if (!values.is_array()) {
      vr.AddIssue(name, "Input should be a valid list of numbers (dense vector)", "list_type");
      continue;
    }
    if (!vr.CheckItems(name, values.get_array().size(), kMaxDimensions)) continue;
    for (const auto& x : values.get_array()) {
      double d = x.is_double()   ? x.get_double()
                 : x.is_int64()  ? static_cast<double>(x.get_int64())
                 : x.is_uint64() ? static_cast<double>(x.get_uint64())
                                 : NAN;
      if (!std::isfinite(d)) {
        vr.AddIssue(name, "Input should be a list of finite numbers", "float_type");
        break;
      }
      v.values.push_back(static_cast<float>(d));
    }
    out->push_back(std::move(v));
  }
}

std::vector<model::DocumentVectorInput> DecodeFeatures(JsonReader& body) {
  std::vector<model::DocumentVectorInput> out;
  for (JsonReader f : body.Elements("features", false, limits::kFeatureExtractors)) {
    DecodeFeature(f, &out);
  }
  return out;
}

// The user fields of a PUT/PATCH body: every property but the reserved ones.
model::Value UserFields(JsonReader& body) {
  model::ValueObject fields;
  for (const auto& [key, value] : body.value()->get_object()) {
    if (key == "features" || kOutputOnlyKeys.contains(key)) continue;
    if (!CheckFieldName(body, key)) continue;
    if (key == "document_id" || key == "collection_id") {
      if (!value.is_string()) body.AddIssue(key, "Input should be a valid string", "string_type");
      continue;  // the path names the document
    }
    if (kLineageKeys.contains(key)) {
      body.AddIssue(key, "lineage is set when a document is created and cannot be changed",
                    "value_error");
      continue;
    }
    fields.Set(std::string(key), FromJson(value));
  }
  return model::Value(std::move(fields));
}

// An update_data object: user fields to merge; vectors and ids are not updatable.
model::Value UpdateData(JsonReader& r, bool required) {
  const json::value* m = r.Member("update_data");
  if (m == nullptr) {
    if (required && r.is_object()) r.AddIssue("update_data", "Field required", "missing");
    return model::Value();
  }
  if (!m->is_object()) {
    r.AddIssue("update_data", "Input should be a valid dictionary", "dict_type");
    return model::Value();
  }
  JsonReader data = r.Child("update_data");
  for (const auto& [key, value] : m->get_object()) {
    if (!CheckFieldName(data, key)) continue;
    std::string_view root = std::string_view(key).substr(0, std::string_view(key).find('.'));
    if (root == "features" || root == "document_id" || root == "collection_id" ||
        root == "_internal" || kLineageKeys.contains(root)) {
      std::string msg(root);
      msg.append(" cannot be changed by update_data");
      data.AddIssue(key, std::move(msg), "value_error");
    }
  }
  return FromJson(*m);
}

std::optional<model::DocumentFilter> OptionalFilter(JsonReader& r) {
  if (r.Member("filters") == nullptr) return std::nullopt;
  return DecodeDocumentFilter(r.Child("filters"));
}

model::DocumentFilter DecodeFilterAt(JsonReader node, size_t depth);

model::DocumentFilter DecodeCondition(JsonReader c, bool case_sensitive) {
  model::DocumentFilter f;
  f.kind = model::DocumentFilter::Kind::kCondition;
  f.case_sensitive = case_sensitive;
  c.RejectNull({"field", "operator"});  // `value` is Any: null is a value
  f.field = c.String("field", true, limits::kName).value_or("");
  f.op = c.Enum("operator", false, kOperators).value_or("eq");
  if (c.is_object() && !c.value()->get_object().contains("value")) {
    c.AddIssue("value", "Field required", "missing");
  }
  f.value = c.Any("value");
  if ((f.op == "in" || f.op == "nin") && !f.value.is_array()) {
    c.AddIssue("value", "Input should be a valid list for operator " + f.op, "list_type");
  }
  if ((f.op == "starts_with" || f.op == "ends_with") && !f.value.is_string()) {
    c.AddIssue("value", "Input should be a valid string for operator " + f.op, "string_type");
  }
  if (f.op == "regex" || f.op == "text") {
    // std::regex recurses per character (a long field could exhaust the stack), and there
    // is no full-text index: refused rather than half-supported.
    std::string msg = "operator ";
    msg.append(f.op).append(" is not supported by Ferry");
    c.AddIssue("operator", std::move(msg), "value_error");
  }
  return f;
}

model::DocumentFilter DecodeFilterAt(JsonReader node, size_t depth) {
  model::DocumentFilter f;
  if (!node.ExpectObject()) return f;
  if (depth > kMaxFilterDepth) {
    std::string msg = "filters nest at most ";
    msg.append(std::to_string(kMaxFilterDepth)).append(" levels");
    node.AddIssueHere(std::move(msg), "value_error");
    return f;
  }
  const bool sensitive = node.Bool("case_sensitive", false).value_or(false);
  for (const auto& [key, value] : node.value()->get_object()) {
    if (key == "case_sensitive") continue;
    if (key == "AND" || key == "OR" || key == "NOT") {
      model::DocumentFilter group;
      group.kind = key == "AND"  ? model::DocumentFilter::Kind::kAnd
                   : key == "OR" ? model::DocumentFilter::Kind::kOr
                                 : model::DocumentFilter::Kind::kNot;
      if (value.is_null()) continue;
      for (JsonReader item : node.Elements(key, false)) {
        const json::value* v = item.value();
        const bool condition = v->is_object() && v->get_object().contains("field");
        group.children.push_back(condition ? DecodeCondition(item, sensitive)
                                           : DecodeFilterAt(item, depth + 1));
      }
      f.children.push_back(std::move(group));
    } else {  // shorthand: "field": value is equality
      model::DocumentFilter eq;
      eq.kind = model::DocumentFilter::Kind::kCondition;
      eq.field = std::string(key);
      eq.value = FromJson(value);
      eq.case_sensitive = sensitive;
      f.children.push_back(std::move(eq));
    }
  }
  return f;
}

// "List should have at least 1 item after validation, not 0".
void CheckNotEmpty(JsonReader& r, std::string_view key, size_t n) {
  if (n == 0) {
    r.AddIssue(key, "List should have at least 1 item after validation, not 0", "too_short");
  }
}

json::array EncodeResults(const model::DocumentBatchResult& r) {
  json::array out;
  for (const auto& item : r.results) {
    out.push_back(json::object{{"document_id", item.document_id},
                               {"success", item.success},
                               {"error", OptString(item.error)}});
  }
  return out;
}

}  // namespace

model::DocumentFilter DecodeDocumentFilter(JsonReader node) { return DecodeFilterAt(node, 0); }

model::DocumentCreate DecodeDocumentCreate(JsonReader body) {
  model::DocumentCreate req;
  if (!body.ExpectObject()) return req;
  body.RejectNull({"collection_id", "features", "lineage_chain", "metadata"});
  req.collection_id = body.String("collection_id", true, limits::kName).value_or("");
  if (auto t = body.Enum("source_type", false, {"bucket", "collection"})) {
    req.source_type = model::ParseSourceType(*t);
  }
  req.root_object_id = body.String("root_object_id", false, limits::kName);
  req.root_bucket_id = body.String("root_bucket_id", false, limits::kName);
  req.source_object_id = body.String("source_object_id", false, limits::kName);
  req.source_collection_id = body.String("source_collection_id", false, limits::kName);
  req.source_document_id = body.String("source_document_id", false, limits::kName);
  req.lineage_path = body.String("lineage_path", false);
  if (body.Member("lineage_chain") != nullptr && !body.Member("lineage_chain")->is_array()) {
    body.AddIssue("lineage_chain", "Input should be a valid list", "list_type");
  }
  body.String("document_schema_version", false, limits::kName);
  if (body.Member("document_id") != nullptr) {
    body.AddIssue("document_id", "document ids are assigned by the server", "value_error");
  }
  model::ValueObject fields;
  model::Value metadata = body.ObjectValue("metadata");
  if (metadata.is_object()) fields.Set("metadata", std::move(metadata));
  for (const auto& [key, value] : body.value()->get_object()) {
    if (key == "collection_id" || key == "metadata" || key == "features" || key == "document_id" ||
        key == "document_schema_version" || kLineageKeys.contains(key) ||
        kOutputOnlyKeys.contains(key) || !CheckFieldName(body, key)) {
      continue;
    }
    fields.Set(std::string(key), FromJson(value));
  }
  req.fields = model::Value(std::move(fields));
  req.vectors = DecodeFeatures(body);
  return req;
}

model::DocumentUpdate DecodeDocumentUpdate(JsonReader body, bool patch) {
  (void)patch;  // the same shape; the service replaces or merges
  model::DocumentUpdate req;
  if (!body.ExpectObject()) return req;
  req.fields = UserFields(body);
  if (body.Member("features") != nullptr) req.vectors = DecodeFeatures(body);
  return req;
}

model::DocumentBatchUpdate DecodeDocumentBatchUpdate(JsonReader body) {
  model::DocumentBatchUpdate req;
  if (!body.ExpectObject()) return req;
  const bool has_updates = body.Member("updates") != nullptr;
  const bool has_filters = body.Member("filters") != nullptr;
  if (has_updates == has_filters) {
    body.AddIssueHere("give either 'updates', or 'filters' with 'update_data'", "value_error");
    return req;
  }
  if (has_filters) {
    req.filter = OptionalFilter(body);
    req.update_data = UpdateData(body, true);
    return req;
  }
  if (body.Member("update_data") != nullptr) {
    body.AddIssue("update_data", "'update_data' goes with 'filters', not with 'updates'",
                  "value_error");
  }
  auto items = body.Elements("updates", true, kMaxBatch);
  if (body.Member("updates")->is_array()) CheckNotEmpty(body, "updates", items.size());
  for (JsonReader item : items) {
    if (!item.ExpectObject()) continue;
    item.RejectNull({"document_id", "update_data"});
    model::DocumentFieldPatch p;
    p.document_id = item.String("document_id", true, limits::kName).value_or("");
    p.patch = UpdateData(item, true);
    req.updates.push_back(std::move(p));
  }
  return req;
}

model::DocumentBatchDelete DecodeDocumentBatchDelete(JsonReader body) {
  model::DocumentBatchDelete req;
  if (!body.ExpectObject()) return req;
  const bool has_ids = body.Member("document_ids") != nullptr;
  if (has_ids == (body.Member("filters") != nullptr)) {
    body.AddIssueHere("give either 'document_ids' or 'filters'", "value_error");
    return req;
  }
  req.filter = OptionalFilter(body);
  if (has_ids) {
    auto ids = body.StringList("document_ids", true, kMaxBatch);
    if (ids) CheckNotEmpty(body, "document_ids", ids->size());
    req.document_ids = ids.value_or(std::vector<std::string>{});
  }
  return req;
}

model::DocumentBulkUpdate DecodeDocumentBulkUpdate(JsonReader body) {
  model::DocumentBulkUpdate req;
  if (!body.ExpectObject()) return req;
  body.RejectNull({"update_data"});
  req.filter = OptionalFilter(body);
  req.update_data = UpdateData(body, true);
  return req;
}

json::object EncodeDocumentBatchUpdate(const model::DocumentBatchResult& r) {
  return json::object{{"updated_count", r.done_count},
                      {"failed_count", r.failed_count},
                      {"results", EncodeResults(r)},
                      {"message", "Batch update completed"}};
}

json::object EncodeDocumentBatchDelete(const model::DocumentBatchResult& r) {
  return json::object{{"deleted_count", r.done_count},
                      {"failed_count", r.failed_count},
                      {"results", EncodeResults(r)},
                      {"message", "Batch delete completed"}};
}

json::object EncodeDocumentBulkUpdate(int64_t updated_count) {
  return json::object{{"updated_count", updated_count},
                      {"message", "Documents updated successfully"}};
}

}  // namespace ferry::codec
