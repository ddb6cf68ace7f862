#pragma once
// Helpers of sqlite_target_claims.cc shared with the other catalog files. Both REQUIRE
// the connection mutex held (inside SqliteDb::Locked), in the caller's transaction.

#include <string>

#include "storage/sqlite/sqlite_db.h"

namespace ferry::storage::sqlite {

// Drops the target claim of `migration_id`, if any.
Status ReleaseTargetClaim(SqliteDb& db, const std::string& migration_id);
// FailedPrecondition naming the first unfinished migration of `org_id` whose source is
// `namespace_id` or whose claimed target it is; Ok when there is none.
Status CheckNamespaceUnused(SqliteDb& db, const std::string& org_id,
                            const std::string& namespace_id);

}  // namespace ferry::storage::sqlite
