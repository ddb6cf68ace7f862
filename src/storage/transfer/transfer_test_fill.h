#pragma once
// Test support for storage/transfer: fills an engine with every kind of record, and
// compares two engines record by record, field by field (gtest expectations).

#include <string>

#include "storage/storage_engine.h"

namespace ferry::storage::transfer::testing {

// One organization ("org_a") with two keys and a webhook secret, a second organization
// with nothing else, and in "ns_move": a bucket with objects (sharing a blob in
// engine.blobs()), an ingestion batch, a collection with documents and vectors, a
// taxonomy, a cluster with a run (its artifact a blob), a retriever with an execution
// and interactions; plus a task, an in-progress migration with a target claim, batches
// (one completed by a worker), failed items and webhook events. Returns the first failure.
Status FillEveryKind(StorageEngine& engine);

// Expects `got` to hold exactly what `want` holds (enumerated from `want`).
void ExpectSameContents(StorageEngine& want, StorageEngine& got);

}  // namespace ferry::storage::transfer::testing
