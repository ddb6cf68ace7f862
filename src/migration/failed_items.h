#pragma once
// Failed items of a migration (items a batch could not process: an undecodable image, an
// item that timed out …): how they count in progress, and how a retry re-runs them.

#include "migration/run_context.h"

namespace ferry::migration {

// After batch_processing ran every batch: sets the stage's counters from the durable
// state (items_failed = items still failed, the rest completed), and each resource's
// error_message to how many of its items failed (cleared when none). FailedPrecondition
// when every item of the stage failed (the migration then fails).
Status SettleFailedItems(RunContext& ctx, int64_t items_total);

// The batches a retry of migration `m` appends to its plan (writes nothing): one per
// (resource, batch_size) group of its failed items, numbered after the last batch, each
// in the tier of the batch the item failed in; in a re_extract, the collections rebuilt
// from a collection with failed items get the same root items (they produced nothing for
// them). Empty when nothing failed.
Result<std::vector<model::MigrationBatch>> PlanRetryBatches(storage::CatalogStore& catalog,
                                                            const model::Migration& m);

}  // namespace ferry::migration
