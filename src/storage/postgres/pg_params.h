#pragma once
// Parameter and column helpers for libpqxx 6.4 (Debian bookworm): bytea in binary form and
// typed reads of nullable columns. (An unset std::optional parameter is NULL in libpqxx.)

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

namespace ferry::storage::postgres {

// Bytes as a bytea parameter (sent in binary, no escaping).
inline pqxx::binarystring Bytes(const std::string& bytes) {
  return pqxx::binarystring(bytes.data(), bytes.size());
}

// Bytes in bytea's hex text input form ("\\x..."), for a parameter that may be NULL.
inline std::string HexBytes(const std::string& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\\x";
  out.reserve(2 + 2 * bytes.size());
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

// Strings joined with U+001F (unit separator), for `string_to_array($n, chr(31))`: a list
// parameter without libpqxx array support. Ids never hold control characters.
inline std::string JoinUnitSeparated(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.push_back('\x1f');
    out.append(items[i]);
  }
  return out;
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
