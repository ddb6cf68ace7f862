#include "model/value.h"

#include <cstring>

namespace ferry::model {

const Value* ValueObject::Find(std::string_view key) const {
  for (const auto& e : entries_) {
    if (e.first == key) return &e.second;
  }
  return nullptr;
}

Value* ValueObject::Find(std::string_view key) {
  for (auto& e : entries_) {
    if (e.first == key) return &e.second;
  }
  return nullptr;
}

void ValueObject::Set(std::string key, Value value) {
  if (Value* existing = Find(key)) {
    *existing = std::move(value);
    return;
  }
  entries_.emplace_back(std::move(key), std::move(value));
}

bool ValueObject::Erase(std::string_view key) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->first == key) {
      entries_.erase(it);
      return true;
    }
  }
  return false;
}

bool ValueObject::operator==(const ValueObject& other) const {
  if (size() != other.size()) return false;
  for (const auto& [k, v] : entries_) {
    const Value* o = other.Find(k);
    if (o == nullptr || !(*o == v)) return false;
  }
  return true;
}

Value::Value(ValueArray a) : v_(std::make_shared<ValueArray>(std::move(a))) {}
Value::Value(ValueObject o) : v_(std::make_shared<ValueObject>(std::move(o))) {}

double Value::as_double() const {
  if (is_int()) return static_cast<double>(as_int());
  return std::get<double>(v_);
}

ValueArray& Value::mutable_array() {
  auto& p = std::get<std::shared_ptr<ValueArray>>(v_);
  if (p.use_count() > 1) p = std::make_shared<ValueArray>(*p);
  return *p;
}

ValueObject& Value::mutable_object() {
  auto& p = std::get<std::shared_ptr<ValueObject>>(v_);
  if (p.use_count() > 1) p = std::make_shared<ValueObject>(*p);
  return *p;
}

const Value* Value::Get(std::string_view key) const {
  if (!is_object()) return nullptr;
  return as_object().Find(key);
}

const Value* Value::GetPath(std::string_view dotted) const {
  const Value* cur = this;
  while (cur != nullptr) {
    size_t dot = dotted.find('.');
    cur = cur->Get(dotted.substr(0, dot));
    if (dot == std::string_view::npos) return cur;
    dotted.remove_prefix(dot + 1);
  }
  return nullptr;
}

bool Value::operator==(const Value& other) const {
  if (kind() != other.kind()) {
    if (is_number() && other.is_number()) return as_double() == other.as_double();
    return false;
  }
  switch (kind()) {
    case Kind::kNull:
      return true;
    case Kind::kBool:
      return as_bool() == other.as_bool();
    case Kind::kInt:
      return as_int() == other.as_int();
    case Kind::kDouble:
      return as_double() == other.as_double();
    case Kind::kString:
      return as_string() == other.as_string();
    case Kind::kArray:
      return as_array() == other.as_array();
    case Kind::kObject:
      return as_object() == other.as_object();
  }
  return false;
}

namespace {

void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

bool GetVarint(std::string_view* in, uint64_t* v) {
  *v = 0;
  for (int shift = 0; shift < 64 && !in->empty(); shift += 7) {
    auto b = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    *v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) return true;
  }
  return false;
}

void PutString(std::string* out, std::string_view s) {
  PutVarint(out, s.size());
  out->append(s);
}

bool GetStringView(std::string_view* in, std::string_view* s) {
  uint64_t n;
  if (!GetVarint(in, &n) || n > in->size()) return false;
  *s = in->substr(0, n);
  in->remove_prefix(n);
  return true;
}

void Encode(const Value& v, std::string* out) {
  out->push_back(static_cast<char>(v.kind()));
  switch (v.kind()) {
    case Value::Kind::kNull:
      break;
    case Value::Kind::kBool:
      out->push_back(v.as_bool() ? 1 : 0);
      break;
    case Value::Kind::kInt: {
      auto i = v.as_int();
      PutVarint(out, (static_cast<uint64_t>(i) << 1) ^ static_cast<uint64_t>(i >> 63));
      break;
    }
    case Value::Kind::kDouble: {
      double d = v.as_double();
      char buf[8];
      std::memcpy(buf, &d, 8);
      out->append(buf, 8);
      break;
    }
    case Value::Kind::kString:
      PutString(out, v.as_string());
      break;
    case Value::Kind::kArray:
      PutVarint(out, v.as_array().size());
      for (const auto& e : v.as_array()) Encode(e, out);
      break;
    case Value::Kind::kObject:
      PutVarint(out, v.as_object().size());
      for (const auto& [k, e] : v.as_object()) {
        PutString(out, k);
        Encode(e, out);
      }
      break;
  }
}

bool Decode(std::string_view* in, Value* out, int depth) {
  EncodedHead head;
  if (depth > 256 || !ReadEncodedHead(in, &head)) return false;
  switch (head.kind) {
    case Value::Kind::kNull:
      *out = Value();
      return true;
    case Value::Kind::kBool:
      *out = Value(head.boolean);
      return true;
    case Value::Kind::kInt:
      *out = Value(head.integer);
      return true;
    case Value::Kind::kDouble:
      *out = Value(head.number);
      return true;
    case Value::Kind::kString:
      *out = Value(std::string(head.string));
      return true;
    case Value::Kind::kArray: {
      ValueArray arr;
      arr.reserve(head.count);
      for (uint64_t i = 0; i < head.count; ++i) {
        Value e;
        if (!Decode(in, &e, depth + 1)) return false;
        arr.push_back(std::move(e));
      }
      *out = Value(std::move(arr));
      return true;
    }
    case Value::Kind::kObject: {
      ValueObject obj;
      for (uint64_t i = 0; i < head.count; ++i) {
        std::string_view k;
        Value e;
        if (!ReadEncodedKey(in, &k) || !Decode(in, &e, depth + 1)) return false;
        obj.Set(std::string(k), std::move(e));
      }
      *out = Value(std::move(obj));
      return true;
    }
  }
  return false;
}

}  // namespace

std::string EncodeValue(const Value& v) {
  std::string out;
  Encode(v, &out);
  return out;
}

bool DecodeValue(std::string_view bytes, Value* out) {
  return Decode(&bytes, out, 0) && bytes.empty();
}

bool ReadEncodedHead(std::string_view* in, EncodedHead* out) {
  if (in->empty()) return false;
  const auto tag = static_cast<uint8_t>(in->front());
  if (tag > static_cast<uint8_t>(Value::Kind::kObject)) return false;
  out->kind = static_cast<Value::Kind>(tag);
  in->remove_prefix(1);
  switch (out->kind) {
    case Value::Kind::kNull:
      return true;
    case Value::Kind::kBool:
      if (in->empty()) return false;
      out->boolean = in->front() != 0;
      in->remove_prefix(1);
      return true;
    case Value::Kind::kInt: {
      uint64_t z;
      if (!GetVarint(in, &z)) return false;
      out->integer = static_cast<int64_t>((z >> 1) ^ (~(z & 1) + 1));
      return true;
    }
    case Value::Kind::kDouble:
      if (in->size() < 8) return false;
      std::memcpy(&out->number, in->data(), 8);
      in->remove_prefix(8);
      return true;
    case Value::Kind::kString:
      return GetStringView(in, &out->string);
    case Value::Kind::kArray:
    case Value::Kind::kObject:
      // Every element takes at least one byte: a count above what is left is malformed.
      return GetVarint(in, &out->count) && out->count <= in->size();
  }
  return false;
}

bool ReadEncodedKey(std::string_view* in, std::string_view* key) { return GetStringView(in, key); }

bool SkipEncodedValue(std::string_view* in, int depth) {
  EncodedHead head;
  if (depth > 256 || !ReadEncodedHead(in, &head)) return false;
  const bool object = head.kind == Value::Kind::kObject;
  if (!object && head.kind != Value::Kind::kArray) return true;
  for (uint64_t i = 0; i < head.count; ++i) {
    std::string_view key;
    if (object && !ReadEncodedKey(in, &key)) return false;
    if (!SkipEncodedValue(in, depth + 1)) return false;
  }
  return true;
}

}  // namespace ferry::model
