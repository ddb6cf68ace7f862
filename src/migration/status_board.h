#pragma once
// MigrationStatusBoard: the status of each migration this process is running, exactly as
// its ProgressTracker last persisted it to the catalog. It is a cache of the catalog,
// never the only copy: a snapshot is published only after a successful catalog write,
// so it is never ahead of what a restart (or another process) would read. GET serves
// running migrations from here without touching the catalog; anything not on the board
// (not running, or running in another process) is read from the catalog.
//
// Each published snapshot gets a version that is unique on the board (a counter shared
// by all migrations and all runs), so (migration_id, version) names one exact state and
// a re-run of the same migration never reuses a version.
//
// Thread-safe; every method is a short critical section (no I/O), so it may be called
// from I/O threads.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "model/migration.h"

namespace ferry::migration {

struct PublishedStatus {
  std::shared_ptr<const model::Migration> migration;  // never null
  uint64_t version = 0;                               // > 0
};

class MigrationStatusBoard {
 public:
  // A run of `migration_id` begins in this process: its snapshots are accepted from now on.
  void Open(const std::string& migration_id);
  // Records `m` as the status of m.migration_id. REQUIRES: `m` is what was just written
  // to the catalog. Ignored unless the migration is open and not forgotten.
  void Publish(const model::Migration& m);
  // The migration was deleted from the catalog: its snapshot is served no more, and later
  // publishes of the still-stopping run are ignored, until Close.
  void Forget(const std::string& migration_id);
  // The run is over (finished, failed, cancelled or paused): the catalog holds its last
  // state, and the board drops it.
  void Close(const std::string& migration_id);

  // The latest snapshot of a migration running here, or nullopt.
  std::optional<PublishedStatus> Find(const std::string& migration_id) const;
  // Snapshots published so far (a test hook: counts successful persists seen).
  uint64_t published() const;

 private:
  struct Entry {
    PublishedStatus status;  // migration null until the first publish
    bool forgotten = false;
  };

  mutable std::mutex mu_;
  std::map<std::string, Entry> entries_;  // guarded by mu_
  uint64_t next_version_ = 1;             // guarded by mu_
};

}  // namespace ferry::migration
