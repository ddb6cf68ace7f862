#pragma once
// JsonReader: walks a request body, pulling typed fields and recording every problem as
// a ValidationIssue with its location (FastAPI's {loc,msg,type} vocabulary), so one
// response can report all of a request's mistakes at once.

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/requests.h"

namespace ferry::codec {

class JsonReader {
 public:
  // `value` may be null (an absent optional object). `loc` is this value's location.
  JsonReader(const boost::json::value* value, model::ValueArray loc,
             model::ValidationIssues* issues);

  // True when the value is an object (an issue is recorded otherwise, unless absent
  // and allowed).
  bool ExpectObject();
  bool is_object() const { return value_ != nullptr && value_->is_object(); }
  // The raw member, nullptr when absent or JSON null.
  const boost::json::value* Member(std::string_view key) const;

  std::optional<std::string> String(std::string_view key, bool required);
  std::optional<bool> Bool(std::string_view key, bool required);
  // Integer within [min, max].
  std::optional<int64_t> Int(std::string_view key, bool required, int64_t min, int64_t max);
  // A string that must be one of `allowed`.
  std::optional<std::string> Enum(std::string_view key, bool required,
                                  const std::vector<std::string>& allowed);
  std::optional<std::vector<std::string>> StringList(std::string_view key, bool required);
  // Any JSON value converted to model::Value; null when absent.
  model::Value Any(std::string_view key);
  // An object member converted to model::Value (null when absent).
  model::Value ObjectValue(std::string_view key);

  // A reader positioned on a member (for nested objects).
  JsonReader Child(std::string_view key) const;
  // Readers for each element of an array member; records list_type when not an array.
  std::vector<JsonReader> Elements(std::string_view key, bool required);

  void AddIssue(std::string_view key, std::string msg, std::string type) const;
  void AddIssueHere(std::string msg, std::string type) const;
  const model::ValueArray& loc() const { return loc_; }
  const boost::json::value* value() const { return value_; }
  model::ValidationIssues* issues() const { return issues_; }

 private:
  model::ValueArray LocOf(std::string_view key) const;
  void Missing(std::string_view key) const;

  const boost::json::value* value_;
  model::ValueArray loc_;
  model::ValidationIssues* issues_;
};

// A reader for a request body: loc starts at ["body"].
JsonReader BodyReader(const boost::json::value& body, model::ValidationIssues* issues);

// An issue for a query parameter, loc ["query", name].
model::ValidationIssue QueryIssue(std::string name, std::string msg, std::string type);

}  // namespace ferry::codec
