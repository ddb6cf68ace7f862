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

// Strings joined with U+001F (unit separator), for `string_to_array($n, chr(31))`: only for
// values that are never empty and never hold control characters (hex hashes). Lists of
// ids or client strings go as TextArray (pg_array_param.h).
inline std::string JoinUnitSeparated(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.push_back('\x1f');
    out.append(items[i]);
  }
  return out;
}

// The rows of `table` whose `key` (with namespace_id = `ns`) equals `outer`, as a LATERAL
// subquery: joined to a list of ids (unnest of a parameter) it probes the primary key
// (namespace_id, key) once per id. A plain join lets the planner, misled by the statistics
// of the tables a migration is filling, scan a whole namespace per list instead; OFFSET 0
// keeps the subquery from being flattened into such a join. The subquery names the key's
// columns and nothing else, so that only the primary key matches it whole: a parent
// condition in it (collection_id = …) matched the first two columns of every secondary
// index too, and a partition without column statistics yet (just loaded, not analyzed)
// had the planner pick the smallest of them and filter the whole collection per id —
// 1.5 s instead of 6 ms for 1000 ids of 10k documents (docs/benchmarks.md, "Session 18").
// Callers check the parent outside (WHERE alias.parent = …). Statements are planned for
// the values given (custom plans): they prune to the namespace's own partition
// (pg_partitions.h). (A generic plan, forced here until the tables were partitioned, plans
// every partition on each execution of an unnamed statement: 24 ms with 300 namespaces.)
inline std::string ProbeEach(const std::string& table, const std::string& alias,
                             const std::string& ns, const std::string& key,
                             const std::string& outer) {
  return "CROSS JOIN LATERAL (SELECT * FROM " + table + " p WHERE p.namespace_id = " + ns +
         " AND p." + key + " = " + outer + " OFFSET 0) " + alias;
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
