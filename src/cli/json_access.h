#pragma once
// Small readers over the server's JSON (boost::json via codec/): a missing or mistyped
// field reads as empty or zero, so a renderer never throws on a partial answer.

#include <boost/json.hpp>
#include <cstdint>
#include <string>
#include <string_view>

namespace ferry::cli {

inline const boost::json::value* Field(const boost::json::value& v, std::string_view key) {
  return v.is_object() ? v.as_object().if_contains(key) : nullptr;
}

inline std::string Str(const boost::json::value& v, std::string_view key) {
  const boost::json::value* f = Field(v, key);
  return f != nullptr && f->is_string() ? std::string(f->as_string()) : std::string();
}

inline double Num(const boost::json::value& v, std::string_view key) {
  const boost::json::value* f = Field(v, key);
  if (f == nullptr) return 0;
  if (f->is_double()) return f->as_double();
  if (f->is_int64()) return static_cast<double>(f->as_int64());
  if (f->is_uint64()) return static_cast<double>(f->as_uint64());
  return 0;
}

inline int64_t Int(const boost::json::value& v, std::string_view key) {
  return static_cast<int64_t>(Num(v, key));
}

// The member `key`, or a null value when absent.
inline const boost::json::value& Member(const boost::json::value& v, std::string_view key) {
  static const boost::json::value kNull;  // an immutable constant, not state
  const boost::json::value* f = Field(v, key);
  return f != nullptr ? *f : kNull;
}

inline const boost::json::array& Arr(const boost::json::value& v, std::string_view key) {
  static const boost::json::array kEmpty;  // an immutable constant, not state
  const boost::json::value* f = Field(v, key);
  return f != nullptr && f->is_array() ? f->as_array() : kEmpty;
}

}  // namespace ferry::cli
