#pragma once
// Helpers for encoding structs as model::Value objects field by field (used by the record
// codecs). Writers leave an optional that is nullopt out of the object; readers treat an
// absent key as nullopt, so "unset" and "set to the default" stay distinct.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/value.h"

namespace ferry::storage::records {

model::Value StringsToValue(const std::vector<std::string>& strings);

void PutOptional(model::ValueObject* obj, std::string key, const std::optional<std::string>& v);
void PutOptional(model::ValueObject* obj, std::string key, const std::optional<int64_t>& v);
void PutOptionalStrings(model::ValueObject* obj, std::string key,
                        const std::optional<std::vector<std::string>>& v);

// An array of to(item) for each item.
template <typename T, typename To>
model::Value ListToValue(const std::vector<T>& items, To to) {
  model::ValueArray array;
  array.reserve(items.size());
  for (const T& item : items) array.push_back(to(item));
  return array;
}

template <typename T, typename To>
void PutOptionalList(model::ValueObject* obj, std::string key,
                     const std::optional<std::vector<T>>& items, To to) {
  if (items.has_value()) obj->Set(std::move(key), ListToValue(*items, to));
}

template <typename T, typename To>
void PutOptionalBlock(model::ValueObject* obj, std::string key, const std::optional<T>& block,
                      To to) {
  if (block.has_value()) obj->Set(std::move(key), to(*block));
}

// Reads the fields of one object into a struct. The first field that is missing (when
// required) or of the wrong kind makes ok() false; later reads are then no-ops.
class FieldReader {
 public:
  explicit FieldReader(const model::Value& v) : v_(v), ok_(v.is_object()) {}
  bool ok() const { return ok_; }

  void String(std::string_view key, std::string* out);
  void OptionalString(std::string_view key, std::optional<std::string>* out);
  void Bool(std::string_view key, bool* out);
  void Int(std::string_view key, int64_t* out);
  void Int(std::string_view key, int* out);  // fails when out of int's range
  void OptionalInt(std::string_view key, std::optional<int64_t>* out);
  void Double(std::string_view key, double* out);
  void Any(std::string_view key, model::Value* out);  // null when absent
  void Array(std::string_view key, model::ValueArray* out);
  void Strings(std::string_view key, std::vector<std::string>* out);
  void OptionalStrings(std::string_view key, std::optional<std::vector<std::string>>* out);
  void Counts(std::string_view key, std::map<std::string, int64_t>* out);

  template <typename E>
  void Enum(std::string_view key, std::optional<E> (*parse)(std::string_view), E* out) {
    std::string name;
    String(key, &name);
    if (!ok_) return;
    std::optional<E> parsed = parse(name);
    if (!parsed.has_value()) ok_ = false;
    if (ok_) *out = *parsed;
  }

  template <typename E>
  void OptionalEnum(std::string_view key, std::optional<E> (*parse)(std::string_view),
                    std::optional<E>* out) {
    out->reset();
    if (!ok_ || v_.Get(key) == nullptr) return;
    out->emplace();
    Enum(key, parse, &**out);
  }

  // from(element, &item) -> bool for each element of an array field.
  template <typename T, typename From>
  void List(std::string_view key, std::vector<T>* out, From from) {
    out->clear();
    const model::Value* v = Field(key);
    if (v == nullptr) return;
    if (!v->is_array()) {
      ok_ = false;
      return;
    }
    for (const model::Value& element : v->as_array()) {
      T item{};
      if (!from(element, &item)) {
        ok_ = false;
        return;
      }
      out->push_back(std::move(item));
    }
  }

  template <typename T, typename From>
  void OptionalList(std::string_view key, std::optional<std::vector<T>>* out, From from) {
    out->reset();
    if (!ok_ || v_.Get(key) == nullptr) return;
    out->emplace();
    List(key, &**out, from);
  }

  // from(object, &block) -> bool for an optional object field.
  template <typename T, typename From>
  void OptionalBlock(std::string_view key, std::optional<T>* out, From from) {
    out->reset();
    if (!ok_ || v_.Get(key) == nullptr) return;
    T block{};
    if (!from(*v_.Get(key), &block)) {
      ok_ = false;
      return;
    }
    *out = std::move(block);
  }

 private:
  // The field, or nullptr (and ok() false) when it is absent or an earlier read failed.
  const model::Value* Field(std::string_view key);

  const model::Value& v_;
  bool ok_;
};

}  // namespace ferry::storage::records
