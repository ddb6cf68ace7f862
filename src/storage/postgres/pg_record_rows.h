#pragma once
// Reads of tables that store each struct whole as a record (`body` BYTEA, decoded by a
// pg_records.h codec) beside the columns used for lookups and ordering: retrievers,
// clusters, taxonomies and their children. Every query selects the record as column 0.

#include <cstdint>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "model/resources.h"
#include "storage/postgres/pg_params.h"
#include "storage/postgres/pg_records.h"

namespace ferry::storage::postgres {

// decode(bytes, T*) -> bool; CorruptField(field) when it fails.
template <typename T, typename Decode>
Result<T> ReadRecord(const pqxx::row& row, Decode decode, std::string_view field) {
  T value;
  if (!decode(ReadBytes(row[0]), &value)) return CorruptField(field);
  return value;
}

// The one row's record; NotFound(not_found) when there is no row.
template <typename T, typename Decode>
Result<T> ReadOneRecord(const pqxx::result& r, Decode decode, std::string_view field,
                        const std::string& not_found) {
  if (r.empty()) return Status::NotFound(not_found);
  return ReadRecord<T>(r[0], decode, field);
}

// Every row's record, in the query's order.
template <typename T, typename Decode>
Result<std::vector<T>> ReadRecords(const pqxx::result& r, Decode decode, std::string_view field) {
  std::vector<T> out;
  out.reserve(r.size());
  for (const auto& row : r) {
    FERRY_ASSIGN_OR_RETURN(T value, ReadRecord<T>(row, decode, field));
    out.push_back(std::move(value));
  }
  return out;
}

// A page as LIMIT and OFFSET parameters with SQLite's meaning: a negative limit is no
// limit (NULL), a negative offset is 0.
inline std::optional<int64_t> PageLimit(const model::Page& page) {
  if (page.limit < 0) return std::nullopt;
  return page.limit;
}
inline int64_t PageOffset(const model::Page& page) { return page.offset < 0 ? 0 : page.offset; }

// NotFound(not_found) when an UPDATE or DELETE touched no row.
inline Status ChangedOrNotFound(const pqxx::result& r, const std::string& not_found) {
  return r.affected_rows() == 0 ? Status::NotFound(not_found) : Status::Ok();
}

}  // namespace ferry::storage::postgres
