#pragma once
// Reading result rows into model structs (postgres backend).

#include <pqxx/pqxx>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace ferry::storage::postgres {

// Every row of `r` through `read` (Result<T>(const pqxx::row&)); the first error wins.
template <typename T, typename Read>
Result<std::vector<T>> ReadAll(const pqxx::result& r, Read read) {
  std::vector<T> out;
  out.reserve(r.size());
  for (const auto& row : r) {
    FERRY_ASSIGN_OR_RETURN(T v, read(row));
    out.push_back(std::move(v));
  }
  return out;
}

// The concatenation of `parts` (SQL built from column-list constants).
inline std::string Sql(std::initializer_list<std::string_view> parts) {
  std::string s;
  for (auto p : parts) s.append(p);
  return s;
}

}  // namespace ferry::storage::postgres
