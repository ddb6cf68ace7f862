#include "codec/clone_codec.h"
#include "codec/codecs.h"
#include "codec/json_value.h"
#include "codec/taxonomy_codec.h"

namespace ferry::codec {

namespace json = boost::json;

namespace {

model::CollectionSource DecodeSource(JsonReader r) {
  model::CollectionSource src;
  if (!r.ExpectObject()) return src;
  r.RejectNull({"type"});
  auto type = r.Enum("type", true, {"bucket", "collection", "taxonomy", "cluster"});
  if (!type) return src;
  if (*type == "taxonomy" || *type == "cluster") {
    r.AddIssue("type", "source type '" + *type + "' is not supported by this server",
               "value_error");
    return src;
  }
  src.type = *model::ParseSourceType(*type);
  if (src.type == model::SourceType::kBucket) {
    auto ids = r.StringList("bucket_ids", false);
    if (!ids || ids->empty()) {
      r.AddIssue("bucket_ids", "bucket_ids is required when type='bucket'", "missing");
    } else {
      src.bucket_ids = *ids;
    }
  } else {
    auto id = r.String("collection_id", false);
    auto ids = r.StringList("collection_ids", false);
    if (id) {
      src.collection_id = *id;
    } else if (ids && ids->size() == 1) {
      src.collection_id = (*ids)[0];
    } else {
      r.AddIssue("collection_id", "collection_id is required when type='collection'", "missing");
    }
  }
  return src;
}

// input_mappings: {"text": "content"} or [{"input_key": "text", "path": "content"}].
model::Value DecodeInputMappings(JsonReader& r) {
  const json::value* m = r.Member("input_mappings");
  model::ValueObject out;
  if (m == nullptr) return model::Value(out);
  if (m->is_object()) {
    JsonReader mr = r.Child("input_mappings");
    for (const auto& [k, v] : m->get_object()) {
      if (!v.is_string()) {
        mr.AddIssue(k, "Input should be a valid string", "string_type");
        continue;
      }
      out.Set(std::string(k), model::Value(std::string(v.get_string())));
    }
    return model::Value(out);
  }
  if (!m->is_array()) {
    r.AddIssue("input_mappings", "Input should be a valid dictionary or list", "dict_type");
    return model::Value(out);
  }
  for (auto& e : r.Elements("input_mappings", false)) {
    if (!e.ExpectObject()) continue;
    e.RejectNull({"input_key"});
    auto key = e.String("input_key", true);
    auto source_type = e.Enum("source_type", false, {"payload", "literal", "vector"});
    auto path = e.String("path", source_type.value_or("payload") == "payload");
    if (source_type && *source_type != "payload") {
      e.AddIssue("source_type", "only source_type 'payload' is supported", "value_error");
      continue;
    }
    if (key && path) out.Set(*key, model::Value(*path));
  }
  return model::Value(out);
}

model::CollectionExtractor DecodeExtractor(JsonReader r) {
  model::CollectionExtractor ex;
  if (!r.ExpectObject()) return ex;
  r.RejectNull({"feature_extractor_name", "version", "input_mappings", "field_passthrough",
                "include_all_source_fields"});
  ex.name = r.String("feature_extractor_name", true).value_or("");
  ex.version = r.String("version", true).value_or("");
  ex.parameters = r.ObjectValue("parameters");
  if (ex.parameters.is_null()) ex.parameters = r.ObjectValue("params");
  ex.input_mappings = DecodeInputMappings(r);
  for (auto& e : r.Elements("field_passthrough", false)) {
    if (!e.ExpectObject()) continue;
    e.RejectNull({"source_path", "required"});
    model::FieldPassthrough fp;
    fp.source_path = e.String("source_path", true).value_or("");
    fp.target_path = e.String("target_path", false);
    fp.default_value = e.Any("default");
    fp.required = e.Bool("required", false).value_or(false);
    ex.field_passthrough.push_back(std::move(fp));
  }
  ex.include_all_source_fields = r.Bool("include_all_source_fields", false).value_or(false);
  return ex;
}

json::object EncodeExtractor(const model::CollectionExtractor& ex) {
  json::array passthrough;
  for (const auto& fp : ex.field_passthrough) {
    passthrough.push_back(json::object{{"source_path", fp.source_path},
                                       {"target_path", OptString(fp.target_path)},
                                       {"default", ToJson(fp.default_value)},
                                       {"required", fp.required}});
  }
  return json::object{{"feature_extractor_name", ex.name},
                      {"version", ex.version},
                      {"params", nullptr},
                      {"parameters", ToJson(ex.parameters)},
                      {"input_mappings", ToJson(ex.input_mappings)},
                      {"field_passthrough", std::move(passthrough)},
                      {"include_all_source_fields", ex.include_all_source_fields},
                      {"feature_extractor_id", ex.id()}};
}

json::object EncodeSource(const model::CollectionSource& s,
                          const std::vector<std::string>& root_buckets) {
  bool bucket = s.type == model::SourceType::kBucket;
  return json::object{
      {"type", model::SourceTypeName(s.type)},
      {"bucket_ids",
       bucket ? json::value(json::array(s.bucket_ids.begin(), s.bucket_ids.end())) : nullptr},
      {"collection_id", bucket ? json::value(nullptr) : json::value(s.collection_id)},
      {"collection_ids", nullptr},
      {"inherited_bucket_ids",
       bucket ? json::value(nullptr)
              : json::value(json::array(root_buckets.begin(), root_buckets.end()))},
      {"source_filters", nullptr}};
}

}  // namespace

model::CollectionCreate DecodeCollectionCreate(JsonReader body) {
  model::CollectionCreate req;
  if (!body.ExpectObject()) return req;
  body.RejectNull({"collection_name", "source", "feature_extractor", "enabled"});
  req.collection_name = body.String("collection_name", true, limits::kName).value_or("");
  req.description = body.String("description", false);
  if (body.Member("source") == nullptr) {
    body.AddIssue("source", "Field required", "missing");
  } else {
    req.source = DecodeSource(body.Child("source"));
  }
  if (body.Member("feature_extractor") == nullptr) {
    body.AddIssue("feature_extractor", "Field required", "missing");
  } else {
    req.extractor = DecodeExtractor(body.Child("feature_extractor"));
  }
  req.enabled = body.Bool("enabled", false).value_or(true);
  req.metadata = body.ObjectValue("metadata", limits::kMetadataBytes);
  req.taxonomy_applications = DecodeTaxonomyApplications(body, "taxonomy_applications");
  return req;
}

model::CollectionCloneRequest DecodeCollectionClone(JsonReader body) {
  model::CollectionCloneRequest req;
  if (!body.ExpectObject()) return req;
  body.RejectNull({"collection_name"});
  req.collection_name = body.String("collection_name", true, limits::kName).value_or("");
  req.description = body.String("description", false);
  if (body.Member("source") != nullptr) req.source = DecodeSource(body.Child("source"));
  if (body.Member("feature_extractor") != nullptr) {
    req.extractor = DecodeExtractor(body.Child("feature_extractor"));
  }
  req.enabled = body.Bool("enabled", false);
  if (body.Member("metadata") != nullptr) {
    req.metadata = body.ObjectValue("metadata", limits::kMetadataBytes);
  }
  if (body.Member("taxonomy_applications") != nullptr) {
    req.taxonomy_applications = DecodeTaxonomyApplications(body, "taxonomy_applications");
  }
  return req;
}

json::object EncodeCollection(const model::Collection& c, int64_t document_count,
                              const std::string& org_id) {
  json::array vector_indexes;
  vector_indexes.push_back(json::object{
      {"feature_uri", c.extractor.feature_uri()},
      {"name", "embedding"},
      {"description", "Dense embedding produced by " + c.extractor.id()},
      {"type", "single"},
      {"index", json::object{{"name", c.extractor.id() + "_embedding"},
                             {"description", "Dense embedding produced by " + c.extractor.id()},
                             {"type", "dense"},
                             {"distance", "cosine"},
                             {"datatype", "float32"}}}});
  return json::object{
      {"collection_id", c.collection_id},
      {"collection_name", c.collection_name},
      {"description", OptString(c.description)},
      {"input_schema", EncodeBucketSchema(c.input_schema)},
      {"output_schema", EncodeBucketSchema(c.output_schema)},
      {"feature_extractor", EncodeExtractor(c.extractor)},
      {"source", EncodeSource(c.source, c.root_bucket_ids)},
      {"source_bucket_schemas", nullptr},
      {"source_lineage", json::array{}},
      {"vector_indexes", std::move(vector_indexes)},
      {"payload_indexes", json::array{}},
      {"enabled", c.enabled},
      {"metadata", ToJson(c.metadata)},
      {"schedule", nullptr},
      {"trigger_id", nullptr},
      {"created_at", Time(c.created_at)},
      {"updated_at", Time(c.updated_at)},
      {"document_count", document_count},
      {"schema_version", 1},
      {"last_schema_sync", nullptr},
      {"schema_sync_enabled", true},
      {"taxonomy_applications", EncodeTaxonomyApplications(c.taxonomy_applications)},
      {"cluster_applications", nullptr},
      {"alert_applications", nullptr},
      {"retriever_enrichments", nullptr},
      {"taxonomy_count", static_cast<int64_t>(c.taxonomy_applications.size())},
      {"retriever_count", 0},
      {"internal_id", org_id},
  };
}

}  // namespace ferry::codec
