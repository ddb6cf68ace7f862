#pragma once
// The source of the ferry_migrations{status} gauge: the migrations of a catalog counted
// by status, across every organization, at each scrape. Counting the catalog (instead of
// following transitions in memory) keeps the gauge right after a restart and in a
// multi-process deployment, where other processes change migrations too.

#include "metrics/metrics.h"
#include "storage/catalog_store.h"

namespace ferry::metrics {

// One entry per migration status (every status, 0 included). Errors from the catalog.
// REQUIRES: `catalog` outlives any call. One count query per (organization, status).
Result<Metrics::MigrationCounts> CountMigrationsByStatus(storage::CatalogStore& catalog);

}  // namespace ferry::metrics
