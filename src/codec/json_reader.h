#pragma once
// JsonReader: walks a request body, pulling typed fields and recording every problem as
// a ValidationIssue with its location (FastAPI's {loc,msg,type} vocabulary), so one
// response can report all of a request's mistakes at once.

#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/limits.h"
#include "model/requests.h"

namespace ferry::codec {

class JsonReader {
 public:
  // `value` may be null (an absent optional object). `loc` is this value's location.
  JsonReader(const boost::json::value* value, model::ValueArray loc,
             model::ValidationIssues* issues);

  // True when the value is an object. Otherwise records an issue: for JSON null, pydantic's
  // answer to null for a nested model ("Input should be a valid dictionary or object to
  // extract fields from", model_attributes_type); else dict_type.
  bool ExpectObject();
  bool is_object() const { return value_ != nullptr && value_->is_object(); }

  // JSON null is read as absent (the default applies), which is right for a member the spec
  // marks nullable (anyOf with null). Mixpeek (pydantic) refuses null for any other member,
  // so a decoder declares those, required or not, before reading them: from then on null at
  // one of `keys` is a value like any other, which the getters below refuse with pydantic's
  // type error (String: "Input should be a valid string", string_type; Enum: its values,
  // enum; a nested model, through Child() and ExpectObject(): model_attributes_type).
  // REQUIRES: every key outlives the reader (string literals do).
  void RejectNull(std::initializer_list<std::string_view> keys);
  // The member as sent; nullptr when absent, or JSON null and not declared by RejectNull.
  const boost::json::value* Member(std::string_view key) const;

  // A string of at most `max_length` characters (string_too_long beyond) without U+0000
  // (string_pattern_mismatch: it is stored as text).
  std::optional<std::string> String(std::string_view key, bool required,
                                    size_t max_length = limits::kString);
  std::optional<bool> Bool(std::string_view key, bool required);
  // Integer within [min, max].
  std::optional<int64_t> Int(std::string_view key, bool required, int64_t min, int64_t max);
  // A string that must be one of `allowed`.
  std::optional<std::string> Enum(std::string_view key, bool required,
                                  const std::vector<std::string>& allowed);
  // At most `max_items` strings (too_long beyond, and no element is read), each of at
  // most limits::kString characters.
  std::optional<std::vector<std::string>> StringList(std::string_view key, bool required,
                                                     size_t max_items = limits::kList);
  // Any JSON value converted to model::Value; null when absent.
  model::Value Any(std::string_view key);
  // An object member converted to model::Value (null when absent). With `max_json_bytes`,
  // an object longer than that as compact JSON is too_long (and null).
  model::Value ObjectValue(std::string_view key, size_t max_json_bytes = SIZE_MAX);

  // A reader positioned on a member (for nested objects); its value is Member(key).
  JsonReader Child(std::string_view key) const;
  // Readers for each element of an array member; records list_type when not an array and
  // too_long (with no readers) when it has more than `max_items` elements.
  std::vector<JsonReader> Elements(std::string_view key, bool required,
                                   size_t max_items = limits::kList);
  // Records too_long at `key` unless `count` <= `max_items` ("List should have at most N
  // items after validation, not M"); for members read by other means (Any).
  bool CheckItems(std::string_view key, size_t count, size_t max_items,
                  std::string_view kind = "List") const;

  void AddIssue(std::string_view key, std::string msg, std::string type) const;
  void AddIssueHere(std::string msg, std::string type) const;
  const model::ValueArray& loc() const { return loc_; }
  const boost::json::value* value() const { return value_; }
  model::ValidationIssues* issues() const { return issues_; }

 private:
  model::ValueArray LocOf(std::string_view key) const;
  void Missing(std::string_view key) const;
  // Member(key) for a getter: records "Field required" when it is nullptr and `required`.
  const boost::json::value* Field(std::string_view key, bool required) const;

  const boost::json::value* value_;
  model::ValueArray loc_;
  model::ValidationIssues* issues_;
  std::vector<std::string_view> null_refused_;  // declared by RejectNull
};

// A reader for a request body: loc starts at ["body"]. A JSON null body reads as absent.
JsonReader BodyReader(const boost::json::value& body, model::ValidationIssues* issues);

// An issue for a query parameter, loc ["query", name].
model::ValidationIssue QueryIssue(std::string name, std::string msg, std::string type);

}  // namespace ferry::codec
