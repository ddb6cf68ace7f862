#pragma once
// Executes one batch of a migration plan against the target: copies objects, copies
// documents (adding vectors for extend), or rebuilds documents with the collection's
// new extractor. Writes are upserts of ids that are pure functions of the source, so a
// batch can be re-run (retry, resume) without duplicating anything.

#include "migration/run_context.h"

namespace ferry::migration {

struct BatchResult {
  int64_t completed = 0;  // items done
  int64_t failed = 0;     // items recorded as failed (their error is in the document)
};

// Aborted when the run was cancelled between items; other errors are the batch's
// failure (retryable by the caller). REQUIRES: !ctx.dry_run().
Result<BatchResult> ExecuteBatch(RunContext& ctx, const model::MigrationBatch& batch);

// A source object as it is written to the target: ids mapped.
model::Object MapObject(const RunContext& ctx, model::Object o);
// A source document as it is written to the target: ids, collection and lineage mapped.
model::Document MapDocument(const RunContext& ctx, model::Document doc);

}  // namespace ferry::migration
