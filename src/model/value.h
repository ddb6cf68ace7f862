#pragma once
// Value: a dynamically typed tree (null, bool, int, double, string, array, object) for the
// parts of the domain whose shape the user decides: object fields, document fields,
// extractor parameters. Objects keep insertion order, so what goes in comes back out.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace ferry::model {

class Value;
class ValueObject;
using ValueArray = std::vector<Value>;

class Value {
 public:
  enum class Kind { kNull, kBool, kInt, kDouble, kString, kArray, kObject };

  Value() = default;
  Value(std::nullptr_t) {}                       // NOLINT
  Value(bool b) : v_(b) {}                       // NOLINT
  Value(int i) : v_(static_cast<int64_t>(i)) {}  // NOLINT
  Value(int64_t i) : v_(i) {}                    // NOLINT
  Value(double d) : v_(d) {}                     // NOLINT
  Value(const char* s) : v_(std::string(s)) {}   // NOLINT
  Value(std::string s) : v_(std::move(s)) {}     // NOLINT
  Value(ValueArray a);                           // NOLINT
  Value(ValueObject o);                          // NOLINT

  Kind kind() const { return static_cast<Kind>(v_.index()); }
  bool is_null() const { return kind() == Kind::kNull; }
  bool is_bool() const { return kind() == Kind::kBool; }
  bool is_int() const { return kind() == Kind::kInt; }
  bool is_double() const { return kind() == Kind::kDouble; }
  bool is_number() const { return is_int() || is_double(); }
  bool is_string() const { return kind() == Kind::kString; }
  bool is_array() const { return kind() == Kind::kArray; }
  bool is_object() const { return kind() == Kind::kObject; }

  // REQUIRES: the matching kind.
  bool as_bool() const { return std::get<bool>(v_); }
  int64_t as_int() const { return std::get<int64_t>(v_); }
  // Ints convert to double.
  double as_double() const;
  const std::string& as_string() const { return std::get<std::string>(v_); }
  const ValueArray& as_array() const { return *std::get<std::shared_ptr<ValueArray>>(v_); }
  const ValueObject& as_object() const { return *std::get<std::shared_ptr<ValueObject>>(v_); }
  // Copy-on-write mutable access.
  ValueArray& mutable_array();
  ValueObject& mutable_object();

  // Member lookup on objects; nullptr if not an object or absent.
  const Value* Get(std::string_view key) const;
  // Lookup by dotted path ("metadata.title"); nullptr when any step is missing.
  const Value* GetPath(std::string_view dotted) const;

  bool operator==(const Value& other) const;

 private:
  std::variant<std::monostate, bool, int64_t, double, std::string, std::shared_ptr<ValueArray>,
               std::shared_ptr<ValueObject>>
      v_;
};

// Insertion-ordered map with unique keys; lookups are linear (objects here are small).
// Defined after Value so that its entries hold a complete type.
class ValueObject {
 public:
  using Entry = std::pair<std::string, Value>;
  const Value* Find(std::string_view key) const;
  Value* Find(std::string_view key);
  // Inserts or replaces.
  void Set(std::string key, Value value);
  bool Erase(std::string_view key);
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  std::vector<Entry>::const_iterator begin() const { return entries_.begin(); }
  std::vector<Entry>::const_iterator end() const { return entries_.end(); }
  bool operator==(const ValueObject& other) const;

 private:
  std::vector<Entry> entries_;
};

// Compact, self-describing binary encoding (for storage); Decode returns false on
// malformed input.
std::string EncodeValue(const Value& v);
bool DecodeValue(std::string_view bytes, Value* out);

// A pull reader of EncodeValue's format, for readers that need no Value (content
// fingerprints): the head of one value — a scalar whole, an array or object its count,
// its elements following (`count` values, or `count` entries of a key then a value).
struct EncodedHead {
  Value::Kind kind = Value::Kind::kNull;
  bool boolean = false;
  int64_t integer = 0;
  double number = 0;
  std::string_view string;
  uint64_t count = 0;
};
// Each returns false on malformed input and then leaves *in unspecified.
bool ReadEncodedHead(std::string_view* in, EncodedHead* out);
bool ReadEncodedKey(std::string_view* in, std::string_view* key);
// Skips one whole value (nested at most 256 deep, as DecodeValue allows).
bool SkipEncodedValue(std::string_view* in, int depth = 0);

}  // namespace ferry::model
