#include <string>

#include "codec/codecs.h"
#include "codec/json_value.h"

namespace ferry::codec {

namespace json = boost::json;

namespace {

// "mixpeek://text_extractor@v1/embedding" → "text_extractor_v1_embedding".
std::string VectorIndexName(const std::string& feature_uri) {
  std::string rest = feature_uri.substr(
      feature_uri.find("://") == std::string::npos ? 0 : feature_uri.find("://") + 3);
  for (char& c : rest) {
    if (c == '@' || c == '/') c = '_';
  }
  return rest;
}

json::object EncodeLineage(const model::Document& d) {
  const auto& l = d.lineage;
  return json::object{
      {"root_object_id", l.root_object_id},
      {"root_bucket_id", l.root_bucket_id},
      {"source_type", model::SourceTypeName(l.source_type)},
      {"source_object_id", OptString(l.source_object_id)},
      {"source_document_id", OptString(l.source_document_id)},
      {"source_collection_id", OptString(l.source_collection_id)},
      {"path", l.path},
      {"chain", json::array{}},
  };
}

}  // namespace

json::object EncodeDocument(const model::Document& d, const std::string& org_id,
                            const std::string& namespace_id, bool with_vectors) {
  json::object out;
  out["document_id"] = d.document_id;
  out["collection_id"] = d.collection_id;
  if (d.fields.is_object()) {
    for (const auto& [k, v] : d.fields.as_object()) {
      if (!out.contains(k)) out[k] = ToJson(v);
    }
  }
  json::array features;
  for (const auto& fv : d.vectors) {
    features.push_back(json::object{{"feature_uri", fv.feature_uri},
                                    {"vector_index", VectorIndexName(fv.feature_uri)},
                                    {"dimensions", static_cast<int64_t>(fv.values.size())}});
    if (with_vectors) {
      json::array values;
      values.reserve(fv.values.size());
      for (float f : fv.values) values.push_back(static_cast<double>(f));
      out[VectorIndexName(fv.feature_uri)] = std::move(values);
    }
  }
  json::object metadata{{"ingestion_status", d.ingestion_status},
                        {"error", OptString(d.error)},
                        {"batch_id", d.batch_id}};
  json::object internal{
      {"internal_id", org_id},
      {"namespace_id", namespace_id},
      {"document_id", d.document_id},
      {"collection_id", d.collection_id},
      {"created_at", Time(d.created_at)},
      {"updated_at", Time(d.updated_at)},
      {"lineage", EncodeLineage(d)},
      {"processing", nullptr},
      {"source_blobs", nullptr},
      {"document_blobs", json::array{}},
      {"source_details", nullptr},
      {"modality", d.modality},
      {"metadata", std::move(metadata)},
      {"mime_type", nullptr},
      {"size_bytes", nullptr},
      {"content_hash", nullptr},
      {"features", std::move(features)},
  };
  out["document_blobs"] = json::array{};
  out["_internal"] = std::move(internal);
  return out;
}

json::object EncodeExtractorInfo(const model::ExtractorInfo& info) {
  json::object input_schema{
      {"type", "object"},
      {"properties", json::object{{info.input_name, json::object{{"type", info.input_type}}}}},
      {"required", json::array{json::string(info.input_name)}}};
  json::object output_schema{
      {"type", "object"},
      {"properties",
       json::object{{"embedding", json::object{{"type", "array"},
                                               {"items", json::object{{"type", "number"}}},
                                               {"minItems", info.dimensions},
                                               {"maxItems", info.dimensions}}}}}};
  std::string vector_description = "Unit-length " + std::to_string(info.dimensions) +
                                   "-dimensional embedding of the " + info.input_type + " input";
  json::array vector_indexes{json::object{
      {"feature_uri", info.feature_uri()},
      {"name", "embedding"},
      {"description", vector_description},
      {"type", "single"},
      {"index", json::object{{"name", info.vector_index_name()},
                             {"description", vector_description},
                             {"dimensions", info.dimensions},
                             {"type", "dense"},
                             {"distance", info.distance},
                             {"datatype", "float32"},
                             {"supported_inputs", json::array{json::string(info.input_type)}}}}}};
  json::array position_fields;
  if (info.input_type == "text") position_fields.push_back("chunk_index");
  return json::object{
      {"feature_extractor_name", info.name},
      {"version", info.version},
      {"feature_extractor_id", info.id()},
      {"description", info.description},
      {"icon", info.input_type == "text" ? "file-text" : "image"},
      {"source", "builtin"},
      {"input_schema", std::move(input_schema)},
      {"output_schema", std::move(output_schema)},
      {"parameter_schema", ToJson(info.parameter_schema)},
      {"supported_input_types", json::array{json::string(info.input_type)}},
      {"max_inputs", json::object{{info.input_type, 1}}},
      {"default_parameters", ToJson(info.default_parameters)},
      {"costs", nullptr},
      {"required_vector_indexes", std::move(vector_indexes)},
      {"required_payload_indexes", json::array{}},
      {"position_fields", std::move(position_fields)},
  };
}

}  // namespace ferry::codec
