#include "metrics/migration_counts.h"

namespace ferry::metrics {

Result<Metrics::MigrationCounts> CountMigrationsByStatus(storage::CatalogStore& catalog) {
  using model::MigrationStatus;
  static constexpr MigrationStatus kStatuses[] = {
      MigrationStatus::kDraft,      MigrationStatus::kValidating, MigrationStatus::kPending,
      MigrationStatus::kInProgress, MigrationStatus::kCompleted,  MigrationStatus::kFailed,
      MigrationStatus::kCancelled};
  FERRY_ASSIGN_OR_RETURN(auto orgs, catalog.ListOrganizations());
  Metrics::MigrationCounts counts;
  for (MigrationStatus status : kStatuses) {
    model::MigrationListFilter filter;
    filter.status = status;
    int64_t total = 0;
    for (const auto& org : orgs) {
      FERRY_ASSIGN_OR_RETURN(int64_t n, catalog.CountMigrations(org.org_id, filter));
      total += n;
    }
    counts.emplace_back(model::MigrationStatusName(status), total);
  }
  return counts;
}

}  // namespace ferry::metrics
