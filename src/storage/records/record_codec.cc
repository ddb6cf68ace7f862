#include "storage/records/record_codec.h"

#include <bit>
#include <cstring>
#include <optional>
#include <utility>

namespace ferry::storage::records {
namespace {

using model::Value;
using model::ValueArray;
using model::ValueObject;

// ---- writing ----

void SetOptional(ValueObject* obj, std::string key, const std::optional<std::string>& s) {
  if (s.has_value()) obj->Set(std::move(key), *s);  // absent key means nullopt
}

Value StringArray(const std::vector<std::string>& strings) {
  ValueArray array;
  array.reserve(strings.size());
  for (const auto& s : strings) array.emplace_back(s);
  return array;
}

// ---- reading: each returns false when the field is missing or of the wrong kind ----

bool ReadString(const Value& obj, std::string_view key, std::string* out) {
  const Value* v = obj.Get(key);
  if (v == nullptr || !v->is_string()) return false;
  *out = v->as_string();
  return true;
}

bool ReadOptional(const Value& obj, std::string_view key, std::optional<std::string>* out) {
  const Value* v = obj.Get(key);
  if (v == nullptr) {
    out->reset();
    return true;
  }
  if (!v->is_string()) return false;
  *out = v->as_string();
  return true;
}

bool ReadBool(const Value& obj, std::string_view key, bool* out) {
  const Value* v = obj.Get(key);
  if (v == nullptr || !v->is_bool()) return false;
  *out = v->as_bool();
  return true;
}

bool ReadInt(const Value& obj, std::string_view key, int64_t* out) {
  const Value* v = obj.Get(key);
  if (v == nullptr || !v->is_int()) return false;
  *out = v->as_int();
  return true;
}

// Any value, null when absent.
Value ReadAny(const Value& obj, std::string_view key) {
  const Value* v = obj.Get(key);
  return v == nullptr ? Value() : *v;
}

bool ReadFieldType(const Value& obj, std::string_view key, model::FieldType* out) {
  std::string name;
  if (!ReadString(obj, key, &name)) return false;
  auto type = model::ParseFieldType(name);
  if (!type.has_value()) return false;
  *out = *type;
  return true;
}

bool ToStrings(const Value& v, std::vector<std::string>* out) {
  if (!v.is_array()) return false;
  out->clear();
  for (const Value& item : v.as_array()) {
    if (!item.is_string()) return false;
    out->push_back(item.as_string());
  }
  return true;
}

// Decodes bytes into an array and calls item(element) for each; false on any failure.
template <typename Fn>
bool DecodeArray(std::string_view bytes, Fn&& item) {
  Value v;
  if (!model::DecodeValue(bytes, &v) || !v.is_array()) return false;
  for (const Value& element : v.as_array()) {
    if (!element.is_object() || !item(element)) return false;
  }
  return true;
}

Value SchemaToValue(const model::BucketSchema& schema) {
  ValueArray fields;
  for (const auto& f : schema.properties) {
    ValueObject obj;
    obj.Set("name", f.name);
    obj.Set("type", model::FieldTypeName(f.type));
    obj.Set("required", f.required);
    obj.Set("spec", f.spec);
    fields.emplace_back(std::move(obj));
  }
  return fields;
}

Value PassthroughToValue(const std::vector<model::FieldPassthrough>& list) {
  ValueArray array;
  for (const auto& p : list) {
    ValueObject obj;
    obj.Set("source_path", p.source_path);
    SetOptional(&obj, "target_path", p.target_path);
    obj.Set("default_value", p.default_value);
    obj.Set("required", p.required);
    array.emplace_back(std::move(obj));
  }
  return array;
}

bool ValueToPassthrough(const Value& v, std::vector<model::FieldPassthrough>* out) {
  if (!v.is_array()) return false;
  out->clear();
  for (const Value& item : v.as_array()) {
    model::FieldPassthrough p;
    if (!ReadString(item, "source_path", &p.source_path) ||
        !ReadOptional(item, "target_path", &p.target_path) ||
        !ReadBool(item, "required", &p.required)) {
      return false;
    }
    p.default_value = ReadAny(item, "default_value");
    out->push_back(std::move(p));
  }
  return true;
}

}  // namespace

Status CorruptField(std::string_view field) {
  return Status::DataLoss("stored field does not decode: " + std::string(field));
}

std::string EncodeValueBlob(const Value& value) { return model::EncodeValue(value); }

bool DecodeValueBlob(std::string_view bytes, Value* out) { return model::DecodeValue(bytes, out); }

std::string EncodeExtractorRefs(const std::vector<model::ExtractorRef>& refs) {
  ValueArray array;
  for (const auto& r : refs) {
    ValueObject obj;
    obj.Set("name", r.name);
    obj.Set("version", r.version);
    obj.Set("params", r.params);
    array.emplace_back(std::move(obj));
  }
  return model::EncodeValue(array);
}

bool DecodeExtractorRefs(std::string_view bytes, std::vector<model::ExtractorRef>* out) {
  out->clear();
  return DecodeArray(bytes, [&](const Value& item) {
    model::ExtractorRef r;
    if (!ReadString(item, "name", &r.name) || !ReadString(item, "version", &r.version)) {
      return false;
    }
    r.params = ReadAny(item, "params");
    out->push_back(std::move(r));
    return true;
  });
}

std::string EncodeSchema(const model::BucketSchema& schema) {
  return model::EncodeValue(SchemaToValue(schema));
}

bool DecodeSchema(std::string_view bytes, model::BucketSchema* out) {
  out->properties.clear();
  return DecodeArray(bytes, [&](const Value& item) {
    model::SchemaField f;
    if (!ReadString(item, "name", &f.name) || !ReadFieldType(item, "type", &f.type) ||
        !ReadBool(item, "required", &f.required)) {
      return false;
    }
    f.spec = ReadAny(item, "spec");
    out->properties.push_back(std::move(f));
    return true;
  });
}

std::string EncodeBlobs(const std::vector<model::Blob>& blobs) {
  ValueArray array;
  for (const auto& b : blobs) {
    ValueObject obj;
    obj.Set("blob_id", b.blob_id);
    obj.Set("property", b.property);
    obj.Set("type", model::FieldTypeName(b.type));
    SetOptional(&obj, "key_prefix", b.key_prefix);
    obj.Set("data", b.data);
    SetOptional(&obj, "content_hash", b.content_hash);
    obj.Set("size_bytes", b.size_bytes);
    SetOptional(&obj, "mime_type", b.mime_type);
    SetOptional(&obj, "filename", b.filename);
    obj.Set("metadata", b.metadata);
    array.emplace_back(std::move(obj));
  }
  return model::EncodeValue(array);
}

bool DecodeBlobs(std::string_view bytes, std::vector<model::Blob>* out) {
  out->clear();
  return DecodeArray(bytes, [&](const Value& item) {
    model::Blob b;
    if (!ReadString(item, "blob_id", &b.blob_id) || !ReadString(item, "property", &b.property) ||
        !ReadFieldType(item, "type", &b.type) || !ReadOptional(item, "key_prefix", &b.key_prefix) ||
        !ReadOptional(item, "content_hash", &b.content_hash) ||
        !ReadInt(item, "size_bytes", &b.size_bytes) ||
        !ReadOptional(item, "mime_type", &b.mime_type) ||
        !ReadOptional(item, "filename", &b.filename)) {
      return false;
    }
    b.data = ReadAny(item, "data");
    b.metadata = ReadAny(item, "metadata");
    out->push_back(std::move(b));
    return true;
  });
}

std::string EncodeSource(const model::CollectionSource& source) {
  ValueObject obj;
  obj.Set("type", model::SourceTypeName(source.type));
  obj.Set("bucket_ids", StringArray(source.bucket_ids));
  obj.Set("collection_id", source.collection_id);
  return model::EncodeValue(obj);
}

bool DecodeSource(std::string_view bytes, model::CollectionSource* out) {
  Value v;
  std::string type;
  if (!model::DecodeValue(bytes, &v) || !ReadString(v, "type", &type) ||
      !ReadString(v, "collection_id", &out->collection_id)) {
    return false;
  }
  auto parsed = model::ParseSourceType(type);
  if (!parsed.has_value()) return false;
  out->type = *parsed;
  return ToStrings(ReadAny(v, "bucket_ids"), &out->bucket_ids);
}

std::string EncodeExtractor(const model::CollectionExtractor& extractor) {
  ValueObject obj;
  obj.Set("name", extractor.name);
  obj.Set("version", extractor.version);
  obj.Set("parameters", extractor.parameters);
  obj.Set("input_mappings", extractor.input_mappings);
  obj.Set("field_passthrough", PassthroughToValue(extractor.field_passthrough));
  obj.Set("include_all_source_fields", extractor.include_all_source_fields);
  return model::EncodeValue(obj);
}

bool DecodeExtractor(std::string_view bytes, model::CollectionExtractor* out) {
  Value v;
  if (!model::DecodeValue(bytes, &v) || !ReadString(v, "name", &out->name) ||
      !ReadString(v, "version", &out->version) ||
      !ReadBool(v, "include_all_source_fields", &out->include_all_source_fields)) {
    return false;
  }
  out->parameters = ReadAny(v, "parameters");
  out->input_mappings = ReadAny(v, "input_mappings");
  return ValueToPassthrough(ReadAny(v, "field_passthrough"), &out->field_passthrough);
}

std::string EncodeStrings(const std::vector<std::string>& strings) {
  return model::EncodeValue(StringArray(strings));
}

bool DecodeStrings(std::string_view bytes, std::vector<std::string>* out) {
  Value v;
  return model::DecodeValue(bytes, &v) && ToStrings(v, out);
}

std::string EncodeTiers(const std::vector<std::vector<std::string>>& tiers) {
  ValueArray array;
  for (const auto& tier : tiers) array.push_back(StringArray(tier));
  return model::EncodeValue(array);
}

bool DecodeTiers(std::string_view bytes, std::vector<std::vector<std::string>>* out) {
  Value v;
  if (!model::DecodeValue(bytes, &v) || !v.is_array()) return false;
  out->clear();
  for (const Value& tier : v.as_array()) {
    out->emplace_back();
    if (!ToStrings(tier, &out->back())) return false;
  }
  return true;
}

std::string EncodeCounts(const std::map<std::string, int64_t>& counts) {
  ValueObject obj;
  for (const auto& [key, count] : counts) obj.Set(key, count);
  return model::EncodeValue(obj);
}

bool DecodeCounts(std::string_view bytes, std::map<std::string, int64_t>* out) {
  Value v;
  if (!model::DecodeValue(bytes, &v) || !v.is_object()) return false;
  out->clear();
  for (const auto& [key, count] : v.as_object()) {
    if (!count.is_int()) return false;
    (*out)[key] = count.as_int();
  }
  return true;
}

void AppendFloats(std::span<const float> values, std::string* out) {
  const size_t at = out->size();
  out->resize(at + values.size() * 4);
  char* p = out->data() + at;
  if constexpr (std::endian::native == std::endian::little) {
    if (!values.empty()) std::memcpy(p, values.data(), values.size() * 4);
  } else {
    for (float f : values) {
      const auto bits = std::bit_cast<uint32_t>(f);
      for (int shift = 0; shift < 32; shift += 8) *p++ = static_cast<char>((bits >> shift) & 0xff);
    }
  }
}

std::string EncodeFloats(const std::vector<float>& values) {
  std::string bytes;
  AppendFloats(values, &bytes);
  return bytes;
}

bool DecodeFloats(std::string_view bytes, int64_t dims, std::vector<float>* out) {
  if (dims < 0 || bytes.size() != static_cast<size_t>(dims) * 4) return false;
  out->resize(static_cast<size_t>(dims));
  if constexpr (std::endian::native == std::endian::little) {
    if (!bytes.empty()) std::memcpy(out->data(), bytes.data(), bytes.size());
  } else {
    for (size_t i = 0; i < out->size(); ++i) {
      uint32_t bits = 0;
      for (int b = 0; b < 4; ++b) {
        bits |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[i * 4 + b])) << (8 * b);
      }
      (*out)[i] = std::bit_cast<float>(bits);
    }
  }
  return true;
}

}  // namespace ferry::storage::records
