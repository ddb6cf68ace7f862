#include "codec/json_reader.h"

#include <algorithm>
#include <cmath>

#include "codec/json_value.h"

namespace ferry::codec {

namespace json = boost::json;

namespace {

// Unicode code points of UTF-8 text (the parser has checked it is valid UTF-8).
size_t Characters(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// Length of `v` as compact JSON, give or take escapes and number spelling; stops counting
// once past `limit`.
size_t JsonLength(const json::value& v, size_t limit) {
  switch (v.kind()) {
    case json::kind::string:
      return v.get_string().size() + 2;
    case json::kind::array: {
      size_t n = 2;
      for (const auto& e : v.get_array()) {
        if (n > limit) break;
        n += JsonLength(e, limit - n) + 1;
      }
      return n;
    }
    case json::kind::object: {
      size_t n = 2;
      for (const auto& [k, e] : v.get_object()) {
        if (n > limit) break;
        n += k.size() + 4 + JsonLength(e, limit - n);
      }
      return n;
    }
    default:
      return 8;  // a number, bool or null
  }
}

}  // namespace

JsonReader::JsonReader(const json::value* value, model::ValueArray loc,
                       model::ValidationIssues* issues)
    : value_(value), loc_(std::move(loc)), issues_(issues) {}

JsonReader BodyReader(const json::value& body, model::ValidationIssues* issues) {
  // A null body is the handler's to answer (absent: its default, or "Field required"), not
  // a null nested model's model_attributes_type.
  return JsonReader(body.is_null() ? nullptr : &body, model::ValueArray{model::Value("body")},
                    issues);
}

model::ValidationIssue QueryIssue(std::string name, std::string msg, std::string type) {
  return {model::ValueArray{model::Value("query"), model::Value(std::move(name))}, std::move(msg),
          std::move(type)};
}

model::ValueArray JsonReader::LocOf(std::string_view key) const {
  model::ValueArray loc = loc_;
  loc.emplace_back(std::string(key));
  return loc;
}

void JsonReader::AddIssue(std::string_view key, std::string msg, std::string type) const {
  issues_->push_back({LocOf(key), std::move(msg), std::move(type)});
}

void JsonReader::AddIssueHere(std::string msg, std::string type) const {
  issues_->push_back({loc_, std::move(msg), std::move(type)});
}

void JsonReader::Missing(std::string_view key) const { AddIssue(key, "Field required", "missing"); }

bool JsonReader::ExpectObject() {
  if (is_object()) return true;
  if (value_ != nullptr && value_->is_null()) {
    AddIssueHere("Input should be a valid dictionary or object to extract fields from",
                 "model_attributes_type");
  } else {
    AddIssueHere("Input should be a valid dictionary", "dict_type");
  }
  return false;
}

void JsonReader::RejectNull(std::initializer_list<std::string_view> keys) {
  null_refused_.insert(null_refused_.end(), keys.begin(), keys.end());
}

const json::value* JsonReader::Member(std::string_view key) const {
  if (!is_object()) return nullptr;
  const json::value* m = value_->get_object().if_contains(key);
  if (m != nullptr && m->is_null() &&
      std::find(null_refused_.begin(), null_refused_.end(), key) == null_refused_.end()) {
    return nullptr;
  }
  return m;
}

const json::value* JsonReader::Field(std::string_view key, bool required) const {
  const json::value* m = Member(key);
  if (m == nullptr && required && is_object()) Missing(key);
  return m;
}

bool JsonReader::CheckItems(std::string_view key, size_t count, size_t max_items,
                            std::string_view kind) const {
  if (count <= max_items) return true;
  AddIssue(key,
           std::string(kind) + " should have at most " + std::to_string(max_items) +
               " items after validation, not " + std::to_string(count),
           "too_long");
  return false;
}

namespace {

// Names, ids, descriptions and the like are text in every backend; PostgreSQL's text cannot
// hold U+0000 (and a text parameter would end at it). Free-form values (fields, metadata)
// are stored as bytes and may hold it.
constexpr char kNulMessage[] = "String should not contain the character U+0000";

bool HasNul(std::string_view s) { return s.find('\0') != std::string_view::npos; }

}  // namespace

std::optional<std::string> JsonReader::String(std::string_view key, bool required,
                                              size_t max_length) {
  const json::value* m = Field(key, required);
  if (m == nullptr) return std::nullopt;
  if (!m->is_string()) {
    AddIssue(key, "Input should be a valid string", "string_type");
    return std::nullopt;
  }
  if (m->get_string().size() > max_length && Characters(m->get_string()) > max_length) {
    AddIssue(key, "String should have at most " + std::to_string(max_length) + " characters",
             "string_too_long");
    return std::nullopt;
  }
  if (HasNul(m->get_string())) {
    AddIssue(key, kNulMessage, "string_pattern_mismatch");
    return std::nullopt;
  }
  return std::string(m->get_string());
}

std::optional<bool> JsonReader::Bool(std::string_view key, bool required) {
  const json::value* m = Field(key, required);
  if (m == nullptr) return std::nullopt;
  if (!m->is_bool()) {
    AddIssue(key, "Input should be a valid boolean", "bool_type");
    return std::nullopt;
  }
  return m->get_bool();
}

std::optional<int64_t> JsonReader::Int(std::string_view key, bool required, int64_t min,
                                       int64_t max) {
  const json::value* m = Field(key, required);
  if (m == nullptr) return std::nullopt;
  int64_t v;
  if (m->is_int64()) {
    v = m->get_int64();
  } else if (m->is_uint64()) {
    v = m->get_uint64() > static_cast<uint64_t>(INT64_MAX) ? INT64_MAX
                                                           : static_cast<int64_t>(m->get_uint64());
  } else if (m->is_double() && std::isfinite(m->get_double()) &&
             std::trunc(m->get_double()) == m->get_double()) {
    // An integral float outside int64 is clamped so the range check below
    // reports it; casting it directly is undefined behaviour.
    const double d = m->get_double();
    constexpr double kTwo63 = 9223372036854775808.0;
    v = d >= kTwo63 ? INT64_MAX : d < -kTwo63 ? INT64_MIN : static_cast<int64_t>(d);
  } else {
    AddIssue(key, "Input should be a valid integer", "int_type");
    return std::nullopt;
  }
  if (v < min) {
    AddIssue(key, "Input should be greater than or equal to " + std::to_string(min),
             "greater_than_equal");
    return std::nullopt;
  }
  if (v > max) {
    AddIssue(key, "Input should be less than or equal to " + std::to_string(max),
             "less_than_equal");
    return std::nullopt;
  }
  return v;
}

std::optional<std::string> JsonReader::Enum(std::string_view key, bool required,
                                            const std::vector<std::string>& allowed) {
  // Pydantic answers null, as any value not among them, with the allowed values.
  const json::value* m = Member(key);
  if (m == nullptr || !m->is_null()) {
    auto s = String(key, required);
    if (!s) return std::nullopt;
    if (std::find(allowed.begin(), allowed.end(), *s) != allowed.end()) return s;
  }
  std::string msg = "Input should be ";
  for (size_t i = 0; i < allowed.size(); ++i) {
    if (i > 0) msg += (i + 1 == allowed.size()) ? " or " : ", ";
    msg += "'" + allowed[i] + "'";
  }
  AddIssue(key, msg, "enum");
  return std::nullopt;
}

std::optional<std::vector<std::string>> JsonReader::StringList(std::string_view key, bool required,
                                                               size_t max_items) {
  const json::value* m = Field(key, required);
  if (m == nullptr) return std::nullopt;
  if (!m->is_array()) {
    AddIssue(key, "Input should be a valid list", "list_type");
    return std::nullopt;
  }
  if (!CheckItems(key, m->get_array().size(), max_items)) return std::nullopt;
  std::vector<std::string> out;
  bool ok = true;
  int64_t i = 0;
  for (const auto& e : m->get_array()) {
    if (!e.is_string()) {
      model::ValueArray loc = LocOf(key);
      loc.emplace_back(i);
      issues_->push_back({loc, "Input should be a valid string", "string_type"});
      ok = false;
    } else if (e.get_string().size() > limits::kString &&
               Characters(e.get_string()) > limits::kString) {
      model::ValueArray loc = LocOf(key);
      loc.emplace_back(i);
      issues_->push_back(
          {loc, "String should have at most " + std::to_string(limits::kString) + " characters",
           "string_too_long"});
      ok = false;
    } else if (HasNul(e.get_string())) {
      model::ValueArray loc = LocOf(key);
      loc.emplace_back(i);
      issues_->push_back({loc, kNulMessage, "string_pattern_mismatch"});
      ok = false;
    } else {
      out.emplace_back(e.get_string());
    }
    ++i;
  }
  if (!ok) return std::nullopt;
  return out;
}

model::Value JsonReader::Any(std::string_view key) {
  const json::value* m = Member(key);
  return m == nullptr ? model::Value() : FromJson(*m);
}

model::Value JsonReader::ObjectValue(std::string_view key, size_t max_json_bytes) {
  const json::value* m = Member(key);
  if (m == nullptr) return model::Value();
  if (!m->is_object()) {
    AddIssue(key, "Input should be a valid dictionary", "dict_type");
    return model::Value();
  }
  if (max_json_bytes != SIZE_MAX && JsonLength(*m, max_json_bytes) > max_json_bytes) {
    AddIssue(key,
             "Dictionary should have at most " + std::to_string(max_json_bytes) + " bytes as JSON",
             "too_long");
    return model::Value();
  }
  return FromJson(*m);
}

JsonReader JsonReader::Child(std::string_view key) const {
  return JsonReader(Member(key), LocOf(key), issues_);
}

std::vector<JsonReader> JsonReader::Elements(std::string_view key, bool required,
                                             size_t max_items) {
  std::vector<JsonReader> out;
  const json::value* m = Field(key, required);
  if (m == nullptr) return out;
  if (!m->is_array()) {
    AddIssue(key, "Input should be a valid list", "list_type");
    return out;
  }
  if (!CheckItems(key, m->get_array().size(), max_items)) return out;
  int64_t i = 0;
  for (const auto& e : m->get_array()) {
    model::ValueArray loc = LocOf(key);
    loc.emplace_back(i++);
    out.emplace_back(&e, std::move(loc), issues_);
  }
  return out;
}

}  // namespace ferry::codec
