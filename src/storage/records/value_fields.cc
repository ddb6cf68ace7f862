#include "storage/records/value_fields.h"

#include <limits>

namespace ferry::storage::records {

using model::Value;

Value StringsToValue(const std::vector<std::string>& strings) {
  model::ValueArray array;
  array.reserve(strings.size());
  for (const auto& s : strings) array.emplace_back(s);
  return array;
}

void PutOptional(model::ValueObject* obj, std::string key, const std::optional<std::string>& v) {
  if (v.has_value()) obj->Set(std::move(key), *v);
}

void PutOptional(model::ValueObject* obj, std::string key, const std::optional<int64_t>& v) {
  if (v.has_value()) obj->Set(std::move(key), *v);
}

void PutOptionalStrings(model::ValueObject* obj, std::string key,
                        const std::optional<std::vector<std::string>>& v) {
  if (v.has_value()) obj->Set(std::move(key), StringsToValue(*v));
}

const Value* FieldReader::Field(std::string_view key) {
  if (!ok_) return nullptr;
  const Value* v = v_.Get(key);
  if (v == nullptr) ok_ = false;
  return v;
}

void FieldReader::String(std::string_view key, std::string* out) {
  const Value* v = Field(key);
  if (v == nullptr) return;
  if (!v->is_string()) {
    ok_ = false;
    return;
  }
  *out = v->as_string();
}

void FieldReader::OptionalString(std::string_view key, std::optional<std::string>* out) {
  out->reset();
  if (!ok_ || v_.Get(key) == nullptr) return;
  out->emplace();
  String(key, &**out);
}

void FieldReader::Bool(std::string_view key, bool* out) {
  const Value* v = Field(key);
  if (v == nullptr) return;
  if (!v->is_bool()) {
    ok_ = false;
    return;
  }
  *out = v->as_bool();
}

void FieldReader::Int(std::string_view key, int64_t* out) {
  const Value* v = Field(key);
  if (v == nullptr) return;
  if (!v->is_int()) {
    ok_ = false;
    return;
  }
  *out = v->as_int();
}

void FieldReader::Int(std::string_view key, int* out) {
  int64_t wide = 0;
  Int(key, &wide);
  if (!ok_) return;
  if (wide < std::numeric_limits<int>::min() || wide > std::numeric_limits<int>::max()) {
    ok_ = false;
    return;
  }
  *out = static_cast<int>(wide);
}

void FieldReader::OptionalInt(std::string_view key, std::optional<int64_t>* out) {
  out->reset();
  if (!ok_ || v_.Get(key) == nullptr) return;
  out->emplace();
  Int(key, &**out);
}

void FieldReader::Double(std::string_view key, double* out) {
  const Value* v = Field(key);
  if (v == nullptr) return;
  if (!v->is_double()) {  // written as a double, so an int here is corruption
    ok_ = false;
    return;
  }
  *out = v->as_double();
}

void FieldReader::Any(std::string_view key, Value* out) {
  if (!ok_) return;
  const Value* v = v_.Get(key);
  *out = v == nullptr ? Value() : *v;
}

void FieldReader::Array(std::string_view key, model::ValueArray* out) {
  const Value* v = Field(key);
  if (v == nullptr) return;
  if (!v->is_array()) {
    ok_ = false;
    return;
  }
  *out = v->as_array();
}

void FieldReader::Strings(std::string_view key, std::vector<std::string>* out) {
  List(key, out, [](const Value& item, std::string* s) {
    if (!item.is_string()) return false;
    *s = item.as_string();
    return true;
  });
}

void FieldReader::OptionalStrings(std::string_view key,
                                  std::optional<std::vector<std::string>>* out) {
  out->reset();
  if (!ok_ || v_.Get(key) == nullptr) return;
  out->emplace();
  Strings(key, &**out);
}

void FieldReader::Counts(std::string_view key, std::map<std::string, int64_t>* out) {
  out->clear();
  const Value* v = Field(key);
  if (v == nullptr) return;
  if (!v->is_object()) {
    ok_ = false;
    return;
  }
  for (const auto& [name, count] : v->as_object()) {
    if (!count.is_int()) {
      ok_ = false;
      return;
    }
    (*out)[name] = count.as_int();
  }
}

}  // namespace ferry::storage::records
