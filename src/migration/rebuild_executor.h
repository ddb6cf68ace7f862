#pragma once
// The re_extract path of a batch: rebuilds a collection's documents from the target's
// root objects (or source documents) with the collection's new extractor, and writes
// them fenced with the batch's lease. Document ids are pure functions of the source, so
// a batch can be re-run (retry, resume) without duplicating anything.

#include "migration/batch_executor.h"

namespace ferry::migration {

// Aborted when the run was cancelled; other errors are the batch's failure (retryable
// by the caller). With a `fence`, FailedPrecondition when a newer holder of the batch
// has written. REQUIRES: batch is a collection batch whose action is kRebuild.
Result<BatchResult> RebuildDocuments(RunContext& ctx, const model::MigrationBatch& batch,
                                     const storage::WriteFence* fence);

}  // namespace ferry::migration
