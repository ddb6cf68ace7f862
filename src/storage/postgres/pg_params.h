#pragma once
// Parameter and column helpers for libpqxx 6.4 (Debian bookworm): bytea in binary form and
// typed reads of nullable columns. (An unset std::optional parameter is NULL in libpqxx.)

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>

namespace ferry::storage::postgres {

// Bytes as a bytea parameter (sent in binary, no escaping).
inline pqxx::binarystring Bytes(const std::string& bytes) {
  return pqxx::binarystring(bytes.data(), bytes.size());
}

inline std::string ReadBytes(const pqxx::field& f) { return pqxx::binarystring(f).str(); }
inline std::string ReadText(const pqxx::field& f) { return f.c_str(); }
inline int64_t ReadInt(const pqxx::field& f) { return f.as<int64_t>(); }
inline std::optional<std::string> ReadOptionalText(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return std::string(f.c_str());
}
inline std::optional<int64_t> ReadOptionalInt(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<int64_t>();
}
inline std::optional<std::string> ReadOptionalBytes(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return ReadBytes(f);
}

}  // namespace ferry::storage::postgres
