#pragma once
// The durable work state of a running migration beyond its batch plan: the items that
// failed (listed and retried through the API) and the leases under which workers hold
// batches (DESIGN.md §3 "job/lease store").

#include <cstdint>
#include <string>

#include "common/clock.h"
#include "model/migration.h"
#include "model/resources.h"

namespace ferry::model {

// One item of a migration that could not be processed (an undecodable image, an item
// that timed out …). Keyed by (migration_id, resource_id, item_id).
struct MigrationFailedItem {
  std::string migration_id;
  std::string item_id;      // the source object or document id
  std::string resource_id;  // the source bucket or collection it belongs to
  ResourceType resource_type = ResourceType::kCollection;
  int64_t batch_no = 0;  // the batch that last processed it
  std::string error;
  int64_t attempts = 1;           // how many times it has been processed and failed
  std::string status = "failed";  // failed | resolved (a retry processed it)
  TimestampMs created_at = 0;
  TimestampMs updated_at = 0;
};

// A worker's hold on one batch of a migration plan. `token` is the fencing token: issued
// at claim, strictly greater than every token issued before it, and carried by every
// write the holder makes, so a holder whose lease was taken over cannot write.
struct BatchLease {
  std::string migration_id;
  int64_t batch_no = 0;
  std::string owner;
  int64_t token = 0;
  TimestampMs expires_at = 0;
};

// A batch a worker claimed (CatalogStore::ClaimNextMigrationBatch): its plan data and
// the lease it holds it under.
struct ClaimedBatch {
  MigrationBatch batch;
  BatchLease lease;
};

// A process's hold on running a migration (its coordinator: the one process that runs
// its stages and owns its record; other processes may join its batch_processing by
// claiming batches). `token` grows with every claim of the migration.
struct RunLease {
  std::string migration_id;
  std::string owner;
  int64_t token = 0;
  TimestampMs expires_at = 0;
};

// Names a migration across organizations (what a process may run or join).
struct MigrationRef {
  std::string org_id;
  std::string migration_id;
};

}  // namespace ferry::model
