#include "codec/codecs.h"
#include "codec/json_value.h"
#include "common/crypto.h"

namespace ferry::codec {

namespace json = boost::json;

namespace {

const std::vector<std::string>& BlobTypeNames() {
  static const std::vector<std::string> kNames = {
      "string",   "number", "integer", "float", "boolean", "object", "array", "date",
      "datetime", "text",   "image",   "audio", "video",   "pdf",    "excel"};
  return kNames;
}

// Splits "data:image/png;base64,AAAA" into mime type and payload; plain base64 passes.
std::string_view StripDataUri(std::string_view s, std::optional<std::string>* mime) {
  if (s.substr(0, 5) != "data:") return s;
  size_t comma = s.find(',');
  if (comma == std::string_view::npos) return s;
  std::string_view header = s.substr(5, comma - 5);
  size_t semi = header.find(';');
  if (semi != std::string_view::npos && semi > 0) *mime = std::string(header.substr(0, semi));
  return s.substr(comma + 1);
}

// Checks the JSON type of `data` against the blob type and fills the decoded payload;
// issues are located at `key` of `r`.
void DecodeBlobData(JsonReader& r, std::string_view key, const json::value& data,
                    model::BlobCreate* blob) {
  using model::FieldType;
  auto bad = [&](const char* msg, const char* type) { r.AddIssue(key, msg, type); };
  switch (blob->type) {
    case FieldType::kString:
    case FieldType::kDate:
    case FieldType::kDatetime:
    case FieldType::kText:
      if (!data.is_string()) return bad("Input should be a valid string", "string_type");
      blob->data = FromJson(data);
      return;
    case FieldType::kNumber:
    case FieldType::kFloat:
      if (!data.is_number()) return bad("Input should be a valid number", "float_type");
      blob->data = FromJson(data);
      return;
    case FieldType::kInteger:
      if (!data.is_int64() && !data.is_uint64()) {
        return bad("Input should be a valid integer", "int_type");
      }
      blob->data = FromJson(data);
      return;
    case FieldType::kBoolean:
      if (!data.is_bool()) return bad("Input should be a valid boolean", "bool_type");
      blob->data = FromJson(data);
      return;
    case FieldType::kObject:
      if (!data.is_object()) return bad("Input should be a valid dictionary", "dict_type");
      blob->data = FromJson(data);
      return;
    case FieldType::kArray:
      if (!data.is_array()) return bad("Input should be a valid list", "list_type");
      blob->data = FromJson(data);
      return;
    case FieldType::kImage:
    case FieldType::kAudio:
    case FieldType::kVideo:
    case FieldType::kPdf:
    case FieldType::kExcel: {
      if (!data.is_string()) {
        return bad("Input should be a base64-encoded string", "string_type");
      }
      std::string_view payload = StripDataUri(data.get_string(), &blob->mime_type);
      if (payload.empty() || !Base64Decode(payload, &blob->bytes)) {
        return bad("Input should be valid base64-encoded data", "value_error");
      }
      return;
    }
  }
}

model::BlobCreate DecodeBlob(JsonReader r) {
  model::BlobCreate blob;
  if (!r.ExpectObject()) return blob;
  r.RejectNull({"property", "type"});  // `data` is nullable: upload_id may stand for it
  auto property = r.String("property", true, limits::kBlobProperty);
  if (property) {
    if (property->empty()) {
      r.AddIssue("property", "String should have at least 1 character", "string_too_short");
    }
    blob.property = *property;
  }
  blob.key_prefix = r.String("key_prefix", false);
  blob.metadata = r.ObjectValue("metadata", limits::kMetadataBytes);
  auto type = r.Enum("type", true, BlobTypeNames());
  if (!type) return blob;
  blob.type = *model::ParseFieldType(*type);
  const json::value* data = r.Member("data");
  if (r.Member("upload_id") != nullptr) {
    r.AddIssue("upload_id", "upload_id is not supported by this server; send data inline",
               "value_error");
    return blob;
  }
  if (data == nullptr) {
    r.AddIssue("data", "Field required", "missing");
    return blob;
  }
  DecodeBlobData(r, "data", *data, &blob);
  return blob;
}

}  // namespace

model::ObjectCreate DecodeObjectCreate(JsonReader body) {
  model::ObjectCreate req;
  if (!body.ExpectObject()) return req;
  body.RejectNull({"blobs", "skip_duplicates", "canonicalize_source", "force_remirror"});
  req.key_prefix = body.String("key_prefix", false);
  // Read for their types only: blobs are content-addressed anyway, and data comes inline
  // (no source URL to canonicalize or mirror).
  body.Bool("skip_duplicates", false);
  body.Bool("canonicalize_source", false);
  body.Bool("force_remirror", false);
  for (auto& b : body.Elements("blobs", false, limits::kBlobs)) req.blobs.push_back(DecodeBlob(b));
  return req;
}

model::ObjectUpdate DecodeObjectUpdate(JsonReader body) {
  model::ObjectUpdate req;
  if (!body.ExpectObject()) return req;
  req.key_prefix = body.String("key_prefix", false);
  body.Bool("skip_duplicates", false);
  if (body.Member("metadata") != nullptr) {
    body.AddIssue("metadata",
                  "object metadata is not supported by this server; put values in blobs",
                  "value_error");
  }
  for (auto& b : body.Elements("blobs", false, limits::kBlobs)) req.blobs.push_back(DecodeBlob(b));
  return req;
}

model::ObjectUpdate DecodeObjectPatch(JsonReader body, const model::BucketSchema& schema) {
  model::ObjectUpdate req;
  if (!body.ExpectObject()) return req;
  req.key_prefix = body.String("key_prefix", false);
  body.Bool("skip_duplicates", false);
  const json::object& fields = body.value()->as_object();
  if (fields.size() > limits::kBlobs + 2) {
    body.AddIssueHere("Object should have at most " + std::to_string(limits::kBlobs + 2) +
                          " fields, not " + std::to_string(fields.size()),
                      "too_long");
    return req;
  }
  for (const auto& [key, value] : fields) {
    if (key == "key_prefix" || key == "skip_duplicates") continue;
    const model::SchemaField* field = schema.Find(std::string(key));
    if (field == nullptr) {
      body.AddIssue(key, "property '" + std::string(key) + "' is not defined in the bucket schema",
                    "value_error");
      continue;
    }
    if (value.is_null()) {
      req.removed.emplace_back(key);
      continue;
    }
    model::BlobCreate blob;
    blob.property = key;
    blob.type = field->type;
    DecodeBlobData(body, key, value, &blob);
    req.blobs.push_back(std::move(blob));
  }
  return req;
}

json::object EncodeObject(const model::Object& o, const std::string& org_id) {
  json::array blobs;
  for (const auto& b : o.blobs) {
    json::object props;
    if (!b.data.is_null()) props["data"] = ToJson(b.data);
    if (b.content_hash) props["content_hash"] = *b.content_hash;
    if (b.metadata.is_object()) {
      for (const auto& [k, v] : b.metadata.as_object()) props[k] = ToJson(v);
    }
    blobs.push_back(json::object{
        {"blob_id", b.blob_id},
        {"property", b.property},
        {"key_prefix", OptString(b.key_prefix)},
        {"type", model::FieldTypeName(b.type)},
        {"properties", std::move(props)},
        {"details", json::object{{"filename", OptString(b.filename)},
                                 {"size_bytes", b.size_bytes},
                                 {"mime_type", OptString(b.mime_type)},
                                 {"hash", OptString(b.content_hash)}}},
    });
  }
  return json::object{
      {"object_id", o.object_id},
      {"bucket_id", o.bucket_id},
      {"key_prefix", OptString(o.key_prefix)},
      {"blobs", std::move(blobs)},
      {"source_details", json::array{json::object{{"type", "bucket"}, {"source_id", o.bucket_id}}}},
      {"status", model::TaskStatusName(o.status)},
      {"error", OptString(o.error)},
      {"created_at", Time(o.created_at)},
      {"updated_at", Time(o.updated_at)},
      {"internal_id", org_id},
  };
}

}  // namespace ferry::codec
