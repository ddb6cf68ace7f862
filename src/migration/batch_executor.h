#pragma once
// Executes one batch of a migration plan against the target: copies objects, copies
// documents (adding vectors for extend), or rebuilds documents with the collection's
// new extractor. Writes are upserts of ids that are pure functions of the source, so a
// batch can be re-run (retry, resume) without duplicating anything.

#include "migration/run_context.h"

namespace ferry::migration {

// One item of a batch that could not be processed.
struct ItemFailure {
  std::string item_id;  // the source object or document id (an id of batch.item_ids)
  std::string error;
};

struct BatchResult {
  int64_t completed = 0;              // items done
  int64_t failed = 0;                 // items recorded as failed (their error is in the document)
  std::vector<ItemFailure> failures;  // the failed items, one each
  // A slice copied inside the storage engine, read back on both sides (verification.h).
  std::optional<model::BatchChecksums> checksums;
};

// Cancelled when the run was cancelled between items; other errors are the batch's
// failure (retryable by the caller). With a `fence` (the batch's lease), target writes
// are fenced: LeaseLost when a newer holder of the batch has written.
// REQUIRES: !ctx.dry_run().
Result<BatchResult> ExecuteBatch(RunContext& ctx, const model::MigrationBatch& batch,
                                 const storage::WriteFence* fence = nullptr);

// A source object as it is written to the target: ids mapped.
model::Object MapObject(const RunContext& ctx, model::Object o);
// A source document as it is written to the target: ids, collection and lineage mapped.
model::Document MapDocument(const RunContext& ctx, model::Document doc);

}  // namespace ferry::migration
