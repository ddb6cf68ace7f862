#pragma once
// Change-log retention (issue 13 §2): "entries are trimmed once no migration needs them,
// with a configurable retention". A namespace's entry is trimmed when both hold:
//  - no migration whose source is the namespace still needs it (ChangeLogHeldAfter), and
//  - it was written more than `retention` ago.
// ChangeLogTrimmer applies this to every namespace of every organization, once per
// `interval` on a thread of its own (Start/Stop), or once on demand (TrimOnce).

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/logging.h"
#include "common/result.h"
#include "model/migration.h"
#include "storage/storage_engine.h"

namespace ferry::migration {

// A part of a namespace's change log that a migration still needs: entries after `after`.
struct ChangeLogHold {
  std::string namespace_id;
  int64_t after = 0;
  bool operator==(const ChangeLogHold&) const = default;
};

// What migration `m` still needs (additional_data.live, live_state.h; null keys count as
// absent, times are ISO-8601 strings or ms):
//  - its source's log after live.applied_seq once it has synced, else after
//    live.source_seq_at_start;
//  - once cut over (live.cutover_at) and until rolled back: nothing of the source's, but
//    the target's log after live.target_seq_at_cutover, which a rollback carries back;
//  - nothing when rolled back (live.rolled_back_at), failed, cancelled, a draft, or before
//    the run records source_seq_at_start (it records a sequence no lower than any the
//    trimmer read before listing the migrations).
// A sync after the cutover or rollback (live.following, or live.last_synced_at later than
// both) makes it hold its source's log again.
std::vector<ChangeLogHold> ChangeLogHolds(const model::Migration& m);

// FailedPrecondition when entries of `log` after `after` were trimmed (its sequences have
// no gaps otherwise): what follows `after` can no longer be caught up from it. `what`
// names the log in the message.
Status CheckLogKeptAfter(storage::ChangeLogStore& log, int64_t after, const std::string& what);

struct ChangeLogRetentionOptions {
  // Entries younger than this are kept, needed or not. Config change_log_retention_seconds
  // (default 86400).
  std::chrono::milliseconds retention{std::chrono::hours(24)};
  // Time between two passes of the background thread. Config
  // change_log_trim_interval_ms (default 60000).
  std::chrono::milliseconds interval{std::chrono::minutes(1)};
};

class ChangeLogTrimmer {
 public:
  ChangeLogTrimmer(storage::StorageEngine& storage, const Clock& clock, const Logger& logger,
                   ChangeLogRetentionOptions options)
      : storage_(storage), clock_(clock), logger_(logger), options_(options) {}
  ~ChangeLogTrimmer() { Stop(); }
  ChangeLogTrimmer(const ChangeLogTrimmer&) = delete;
  ChangeLogTrimmer& operator=(const ChangeLogTrimmer&) = delete;

  // One pass over every namespace; how many entries it removed. Each pass is logged at
  // debug level ("change log trim pass", with its number and cutoff), each namespace
  // trimmed at info level. Safe to run from several processes on shared storage.
  Result<int64_t> TrimOnce();
  // Runs TrimOnce now and then every `interval` until Stop (a failed pass is logged and
  // the next one runs on time).
  void Start();
  // Waits for a pass in progress to end. Idempotent.
  void Stop();

 private:
  Result<int64_t> TrimOrganization(const std::string& org_id, TimestampMs before);
  void Loop();

  storage::StorageEngine& storage_;
  const Clock& clock_;
  const Logger& logger_;
  const ChangeLogRetentionOptions options_;
  int64_t passes_ = 0;  // only the pass-running thread touches it
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace ferry::migration
