#include "codec/codecs.h"
#include "codec/json_value.h"

namespace ferry::codec {

namespace json = boost::json;

namespace {
const std::vector<std::string>& FieldTypeNames() {
  static const std::vector<std::string> kNames = {
      "string",   "number", "integer", "float", "boolean", "object", "array", "date",
      "datetime", "text",   "image",   "audio", "video",   "pdf",    "excel"};
  return kNames;
}
}  // namespace

model::BucketSchema DecodeBucketSchema(JsonReader schema) {
  model::BucketSchema out;
  if (!schema.ExpectObject()) return out;
  schema.RejectNull({"properties"});
  const json::value* props = schema.Member("properties");
  if (props == nullptr) {
    schema.AddIssue("properties", "Field required", "missing");
    return out;
  }
  if (!props->is_object()) {
    schema.AddIssue("properties", "Input should be a valid dictionary", "dict_type");
    return out;
  }
  if (!schema.CheckItems("properties", props->get_object().size(), limits::kSchemaFields,
                         "Dictionary")) {
    return out;
  }
  for (const auto& [name, def] : props->get_object()) {
    model::ValueArray loc = schema.loc();
    loc.emplace_back("properties");
    loc.emplace_back(std::string(name));
    JsonReader field(&def, std::move(loc), schema.issues());  // null here is a null model
    if (!field.ExpectObject()) continue;
    field.RejectNull({"type"});
    model::SchemaField f;
    f.name = std::string(name);
    auto type = field.Enum("type", true, FieldTypeNames());
    if (!type) continue;
    f.type = *model::ParseFieldType(*type);
    f.required = field.Bool("required", false).value_or(false);
    f.spec = FromJson(def);
    out.properties.push_back(std::move(f));
  }
  return out;
}

json::object EncodeBucketSchema(const model::BucketSchema& schema) {
  json::object props;
  for (const auto& f : schema.properties) {
    json::value spec = ToJson(f.spec);
    if (!spec.is_object()) spec = json::object{};
    auto& o = spec.as_object();
    o["type"] = model::FieldTypeName(f.type);
    if (!o.contains("required")) o["required"] = f.required;
    props[f.name] = std::move(spec);
  }
  return json::object{{"properties", std::move(props)}};
}

model::BucketCreate DecodeBucketCreate(JsonReader body) {
  model::BucketCreate req;
  if (!body.ExpectObject()) return req;
  body.RejectNull({"bucket_name", "bucket_schema", "metadata"});
  req.bucket_name = body.String("bucket_name", true, limits::kName).value_or("");
  req.description = body.String("description", false);
  if (body.Member("bucket_schema") == nullptr) {
    body.AddIssue("bucket_schema", "Field required", "missing");
  } else {
    req.schema = DecodeBucketSchema(body.Child("bucket_schema"));
  }
  req.unique_key = body.ObjectValue("unique_key");
  req.metadata = body.ObjectValue("metadata", limits::kMetadataBytes);
  if (req.metadata.is_null()) req.metadata = model::Value(model::ValueObject{});
  return req;
}

json::object EncodeBucket(const model::Bucket& b, const model::BucketStats& st,
                          const std::string& org_id) {
  return json::object{
      {"bucket_id", b.bucket_id},
      {"bucket_name", b.bucket_name},
      {"description", OptString(b.description)},
      {"bucket_schema", EncodeBucketSchema(b.schema)},
      {"unique_key", ToJson(b.unique_key)},
      {"metadata", ToJson(b.metadata)},
      {"object_count", st.object_count},
      {"total_size_bytes", st.total_size_bytes},
      {"created_at", Time(b.created_at)},
      {"updated_at", Time(b.updated_at)},
      {"last_upload_at", OptTime(st.last_upload_at)},
      {"stats_updated_at", nullptr},
      {"status", "ACTIVE"},
      {"is_locked", false},
      {"batch_stats", nullptr},
      {"storage_stats", nullptr},
      {"internal_id", org_id},
  };
}

model::BatchCreate DecodeBatchCreate(JsonReader body) {
  model::BatchCreate req;
  if (!body.ExpectObject()) return req;
  body.RejectNull({"object_ids"});
  req.object_ids = body.StringList("object_ids", true, limits::kBatchObjects)
                       .value_or(std::vector<std::string>{});
  req.metadata = body.ObjectValue("metadata", limits::kMetadataBytes);
  if (req.metadata.is_null()) req.metadata = model::Value(model::ValueObject{});
  return req;
}

json::object EncodeBatch(const model::Batch& b, const std::string& org_id) {
  json::array object_ids(b.object_ids.begin(), b.object_ids.end());
  json::array collection_ids(b.collection_ids.begin(), b.collection_ids.end());
  json::array tiers;
  json::array tier_tasks;
  for (size_t i = 0; i < b.dag_tiers.size(); ++i) {
    tiers.push_back(json::array(b.dag_tiers[i].begin(), b.dag_tiers[i].end()));
  }
  json::value error_summary = nullptr;
  if (!b.error_summary.empty()) {
    json::object es;
    for (const auto& [k, v] : b.error_summary) es[k] = v;
    error_summary = std::move(es);
  }
  return json::object{
      {"batch_id", b.batch_id},
      {"bucket_id", b.bucket_id},
      {"status", model::TaskStatusName(b.status)},
      {"object_ids", std::move(object_ids)},
      {"collection_ids",
       b.collection_ids.empty() ? json::value(nullptr) : json::value(std::move(collection_ids))},
      {"error", OptString(b.error)},
      {"error_summary", std::move(error_summary)},
      {"type", "BUCKET"},
      {"manifest_key", nullptr},
      {"task_id", OptString(b.task_id)},
      {"loaded_object_ids", json::array(b.object_ids.begin(), b.object_ids.end())},
      {"internal_metadata", nullptr},
      {"metadata", ToJson(b.metadata)},
      {"tier_tasks", std::move(tier_tasks)},
      {"current_tier", b.current_tier ? json::value(*b.current_tier) : json::value(nullptr)},
      {"total_tiers", b.dag_tiers.empty() ? int64_t{1} : static_cast<int64_t>(b.dag_tiers.size())},
      {"dag_tiers", b.dag_tiers.empty() ? json::value(nullptr) : json::value(std::move(tiers))},
      {"created_at", Time(b.created_at)},
      {"updated_at", Time(b.updated_at)},
      {"internal_id", org_id},
  };
}

json::object EncodeTask(const model::Task& t) {
  return json::object{
      {"task_id", t.task_id},
      {"task_type", t.task_type},
      {"status", model::TaskStatusName(t.status)},
      {"inputs", ToJson(t.inputs)},
      {"outputs", ToJson(t.outputs)},
      {"additional_data", ToJson(t.additional_data)},
      {"error", OptString(t.error)},
      {"namespace_id", t.namespace_id},
      {"internal_id", t.org_id},
      {"created_at", Time(t.created_at)},
      {"updated_at", Time(t.updated_at)},
  };
}

}  // namespace ferry::codec
