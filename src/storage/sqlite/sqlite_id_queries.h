#pragma once
// The SQL behind SqliteNamespaceStore's keyset id pages and created_at range counts,
// exposed so tests can check their query plans.

#include <string>

namespace ferry::storage::sqlite {

enum class IdRows { kObjects, kDocuments };

// Parameters: parent id, after id, created_at low, created_at high (both inclusive), limit.
std::string ListIdsSql(IdRows rows);
// Parameters: parent id, created_at low, created_at high (both inclusive).
std::string CountInRangeSql(IdRows rows);

}  // namespace ferry::storage::sqlite
