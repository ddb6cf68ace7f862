#pragma once
// Reads rows by id for GetObjects / GetDocuments: one primary-key lookup per distinct id
// with one prepared statement, in key order (neighbouring keys share pages), returned in
// the caller's order. REQUIRES: the connection mutex held.

#include <algorithm>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "storage/sqlite/sqlite_db.h"

namespace ferry::storage::sqlite {

// `stmt` takes ?1 = the id and ?2 = `parent_id`; read(stmt) returns Result<T>. Absent ids
// are skipped; a repeated id yields a copy of its row.
template <typename T, typename Read>
Result<std::vector<T>> ReadByIdsInKeyOrder(Statement& stmt, const std::string& parent_id,
                                           const std::vector<std::string>& ids, Read&& read) {
  std::vector<const std::string*> sorted;
  sorted.reserve(ids.size());
  for (const std::string& id : ids) sorted.push_back(&id);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return *a < *b; });
  sorted.erase(std::unique(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return *a == *b; }),
               sorted.end());
  std::unordered_map<std::string_view, T> found;
  for (const std::string* id : sorted) {
    stmt.BindText(1, *id);
    stmt.BindText(2, parent_id);
    FERRY_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (row) {
      FERRY_ASSIGN_OR_RETURN(T value, read(stmt));
      found.emplace(*id, std::move(value));
    }
    stmt.Reset();
  }
  std::vector<T> out;
  out.reserve(found.size());
  std::unordered_map<std::string_view, size_t> placed;  // a repeated id is a copy
  for (const std::string& id : ids) {
    auto it = found.find(id);
    if (it == found.end()) continue;
    auto [at, first] = placed.try_emplace(it->first, out.size());
    out.push_back(first ? std::move(it->second) : out[at->second]);
  }
  return out;
}

}  // namespace ferry::storage::sqlite
