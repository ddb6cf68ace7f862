#pragma once
// Reading and describing extractor parameters (a model::Value object supplied by the
// user). Every error is InvalidArgument and names the parameter as "parameters.<key>",
// so API clients can point at the offending field.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "model/value.h"

namespace ferry::extract {

// Read-only view of user parameters in which null (or an absent key, or a key whose
// value is null) means "use the default".
class ParameterReader {
 public:
  // InvalidArgument unless `params` is null or an object.
  static Result<ParameterReader> Create(const model::Value& params);

  // InvalidArgument naming the first key not in `known`.
  Status CheckKnownKeys(const std::vector<std::string_view>& known) const;
  // Integer in [min, max], or `fallback` when absent.
  Result<int64_t> Int(std::string_view key, int64_t min, int64_t max, int64_t fallback) const;
  Result<bool> Bool(std::string_view key, bool fallback) const;
  // String from `allowed` (any string when `allowed` is empty), or `fallback`.
  Result<std::string> String(std::string_view key, const std::vector<std::string_view>& allowed,
                             std::string fallback) const;

 private:
  explicit ParameterReader(model::ValueObject object) : object_(std::move(object)) {}
  const model::Value* Find(std::string_view key) const;

  model::ValueObject object_;
};

// JSON-Schema-like property descriptions for ExtractorInfo::parameter_schema.
model::Value IntegerProperty(int64_t min, int64_t max, int64_t fallback);
model::Value BoolProperty(bool fallback);
// `fallback` may be null for "no default".
model::Value StringProperty(const std::vector<std::string_view>& allowed, model::Value fallback);
// {"type": "object", "additionalProperties": false, "properties": properties}.
model::Value ObjectSchema(model::ValueObject properties);

}  // namespace ferry::extract
