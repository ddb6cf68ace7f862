// PgCatalogStore: claiming the next free batch of a migration's plan. One statement finds
// the batch and leases it: the lowest-numbered free batch of the tier is locked with
// FOR UPDATE SKIP LOCKED, so concurrent claimers (any process) step past a batch another
// is claiming instead of waiting for it, and never get the same one. Both queries use the
// partial index `migration_batches_open` (schema step 2).

#include <optional>
#include <string>
#include <utility>

#include "storage/postgres/pg_batch_rows.h"
#include "storage/postgres/pg_catalog_store.h"
#include "storage/postgres/pg_params.h"

namespace ferry::storage::postgres {
namespace {

// The next free batch (not completed; no lease, or an expired one: the same test as
// ClaimMigrationBatch), leased under a new token; returns ReadBatch's columns and the
// token.
constexpr char kClaimNext[] =
    "WITH next AS (SELECT migration_id, batch_no FROM migration_batches "
    "WHERE migration_id = $1 AND tier = $2 AND status <> 'completed' "
    "AND (lease_owner IS NULL OR lease_expires_at IS NULL OR lease_expires_at <= $3) "
    "ORDER BY batch_no LIMIT 1 FOR UPDATE SKIP LOCKED) "
    "UPDATE migration_batches b SET lease_owner = $4, lease_expires_at = $5, "
    "fencing_token = nextval('fencing_tokens') FROM next "
    "WHERE b.migration_id = next.migration_id AND b.batch_no = next.batch_no "
    "RETURNING b.migration_id, b.batch_no, b.resource_id, b.resource_type, b.tier, "
    "b.item_ids, b.status, b.attempts, b.items_failed, b.error, b.completed_by, "
    "b.checksums, b.fencing_token";

}  // namespace

Result<std::optional<model::ClaimedBatch>> PgCatalogStore::ClaimNextMigrationBatch(
    const std::string& migration_id, int tier, const std::string& owner, TimestampMs now,
    int64_t ttl_ms) {
  using Claimed = std::optional<model::ClaimedBatch>;
  return db_->Run("claim next migration batch", [&](pqxx::work& tx) -> Result<Claimed> {
    const int64_t expires_at = now + ttl_ms;
    auto r = tx.exec_params(kClaimNext, migration_id, static_cast<int64_t>(tier), now, owner,
                            expires_at);
    if (r.empty()) return Claimed{};
    FERRY_ASSIGN_OR_RETURN(model::MigrationBatch batch, ReadBatch(r[0]));
    model::BatchLease lease{migration_id, batch.batch_no, owner, ReadInt(r[0][12]), expires_at};
    return Claimed{model::ClaimedBatch{std::move(batch), std::move(lease)}};
  });
}

Result<std::optional<int>> PgCatalogStore::LowestOpenMigrationTier(
    const std::string& migration_id) {
  return db_->Run("lowest open migration tier", [&](pqxx::work& tx) -> Result<std::optional<int>> {
    auto r = tx.exec_params(
        "SELECT tier FROM migration_batches WHERE migration_id = $1 AND status <> 'completed' "
        "ORDER BY tier LIMIT 1",
        migration_id);
    if (r.empty()) return std::optional<int>{};
    return std::optional<int>{static_cast<int>(ReadInt(r[0][0]))};
  });
}

}  // namespace ferry::storage::postgres
