#include "extract/parameters.h"

#include <utility>

namespace ferry::extract {
namespace {

// Built by appending: GCC 12 at -O3 reports a false -Wrestrict for "literal" + string&&.
std::string Name(std::string_view key) {
  std::string name = "parameters.";
  return name.append(key);
}

std::string JoinQuoted(const std::vector<std::string_view>& items) {
  std::string out;
  for (std::string_view item : items) {
    if (!out.empty()) out += ", ";
    out.append("\"").append(item).append("\"");
  }
  return out;
}

model::Value Strings(const std::vector<std::string_view>& items) {
  model::ValueArray out;
  for (std::string_view item : items) out.emplace_back(std::string(item));
  return out;
}

}  // namespace

Result<ParameterReader> ParameterReader::Create(const model::Value& params) {
  if (params.is_null()) return ParameterReader(model::ValueObject());
  if (!params.is_object()) return Status::InvalidArgument("parameters must be an object");
  return ParameterReader(params.as_object());
}

const model::Value* ParameterReader::Find(std::string_view key) const {
  const model::Value* v = object_.Find(key);
  return (v == nullptr || v->is_null()) ? nullptr : v;
}

Status ParameterReader::CheckKnownKeys(const std::vector<std::string_view>& known) const {
  for (const auto& [key, value] : object_) {
    bool found = false;
    for (std::string_view k : known) found = found || key == k;
    if (!found) {
      return Status::InvalidArgument(Name(key) + " is not a recognised parameter; expected " +
                                     JoinQuoted(known));
    }
  }
  return Status::Ok();
}

Result<int64_t> ParameterReader::Int(std::string_view key, int64_t min, int64_t max,
                                     int64_t fallback) const {
  const model::Value* v = Find(key);
  if (v == nullptr) return fallback;
  if (!v->is_int()) return Status::InvalidArgument(Name(key) + " must be an integer");
  if (v->as_int() < min || v->as_int() > max) {
    std::string message = Name(key);
    message.append(" must be between ").append(std::to_string(min));
    return Status::InvalidArgument(message.append(" and ").append(std::to_string(max)));
  }
  return v->as_int();
}

Result<bool> ParameterReader::Bool(std::string_view key, bool fallback) const {
  const model::Value* v = Find(key);
  if (v == nullptr) return fallback;
  if (!v->is_bool()) return Status::InvalidArgument(Name(key) + " must be a boolean");
  return v->as_bool();
}

Result<std::string> ParameterReader::String(std::string_view key,
                                            const std::vector<std::string_view>& allowed,
                                            std::string fallback) const {
  const model::Value* v = Find(key);
  if (v == nullptr) return fallback;
  if (!v->is_string()) return Status::InvalidArgument(Name(key) + " must be a string");
  if (allowed.empty()) return v->as_string();
  for (std::string_view a : allowed) {
    if (v->as_string() == a) return v->as_string();
  }
  return Status::InvalidArgument(Name(key) + " must be one of " + JoinQuoted(allowed));
}

model::Value IntegerProperty(int64_t min, int64_t max, int64_t fallback) {
  model::ValueObject p;
  p.Set("type", "integer");
  p.Set("minimum", min);
  p.Set("maximum", max);
  p.Set("default", fallback);
  return p;
}

model::Value BoolProperty(bool fallback) {
  model::ValueObject p;
  p.Set("type", "boolean");
  p.Set("default", fallback);
  return p;
}

model::Value StringProperty(const std::vector<std::string_view>& allowed, model::Value fallback) {
  model::ValueObject p;
  p.Set("type", "string");
  if (!allowed.empty()) p.Set("enum", Strings(allowed));
  if (!fallback.is_null()) p.Set("default", std::move(fallback));
  return p;
}

model::Value ObjectSchema(model::ValueObject properties) {
  model::ValueObject schema;
  schema.Set("type", "object");
  schema.Set("additionalProperties", false);
  schema.Set("properties", std::move(properties));
  return schema;
}

}  // namespace ferry::extract
