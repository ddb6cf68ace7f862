#pragma once
// Storage transfer: copies everything one StorageEngine holds into another, empty one,
// through the storage interfaces only (so any backend to any backend): organizations,
// API keys (hashes), webhook secrets, namespaces with all their data, the blobs their
// objects and cluster runs reference, tasks, migrations with their batch plans, failed
// items and target claims, and the webhook outbox. `ferryd move-storage` uses it to move an embedded data
// directory into PostgreSQL. The source must not change meanwhile (stop its server).

#include <cstdint>
#include <string>

#include "common/result.h"
#include "storage/storage_engine.h"

namespace ferry::storage::transfer {

// How many records of each kind were copied.
struct TransferCounts {
  int64_t organizations = 0;
  int64_t api_keys = 0;
  int64_t webhook_secrets = 0;
  int64_t namespaces = 0;
  int64_t buckets = 0;
  int64_t objects = 0;
  int64_t batches = 0;
  int64_t blobs = 0;
  int64_t collections = 0;
  int64_t documents = 0;
  int64_t taxonomies = 0;
  int64_t clusters = 0;
  int64_t cluster_executions = 0;
  int64_t retrievers = 0;
  int64_t retriever_executions = 0;
  int64_t interactions = 0;
  int64_t tasks = 0;
  int64_t migrations = 0;
  int64_t migration_batches = 0;
  int64_t failed_items = 0;
  int64_t webhooks = 0;
};

// Ok when `target` holds no organization and no namespace of any organization it knows
// of (an engine that was never written to); FailedPrecondition otherwise.
Status CheckEmpty(StorageEngine& target);

// Copies everything from `source` into `target` after CheckEmpty(target). On failure,
// `target` may hold part of the data: it must be emptied (the database or schema dropped
// and created again) before another attempt, which CheckEmpty enforces.
Result<TransferCounts> TransferAll(StorageEngine& source, StorageEngine& target);

// "organizations 1, api_keys 2, …" for a summary line.
std::string FormatCounts(const TransferCounts& counts);

}  // namespace ferry::storage::transfer
