#pragma once
// LiveState: a live migration's state (sync, cutover, rollback), kept in the migration's
// `additional_data.live` object — Mixpeek's status enum is left as it is (the migration
// stays `completed`), and every key here is a Ferry extension. Read and written whole;
// keys this code does not know are kept.

#include <cstdint>
#include <optional>
#include <string>

#include "migration/change_applier.h"
#include "model/migration.h"

namespace ferry::migration {

struct LiveState {
  int64_t source_seq_at_start = 0;     // the source's last sequence when batch_creation began
  std::optional<int64_t> applied_seq;  // changes up to here are applied to the target
  bool following = false;              // a follower keeps syncing
  int64_t lag_sequences = 0;           // source sequences not yet applied
  int64_t lag_items = 0;               // distinct items they name (a lower bound past 10 000)
  std::optional<TimestampMs> last_synced_at;
  int64_t sync_passes = 0;
  ApplyCounts synced;  // totals over every sync pass (and the cutover's)
  std::optional<std::string> last_error;
  // An operation under way: "cutover" or "rollback" (settled by Recover after a crash).
  std::string operation;
  // The process (its node name) running the follower or the operation. A follower whose
  // migration names another owner (one that took it over) or no longer follows stops.
  std::string owner;
  std::string source_name;  // the names before the cutover
  std::string target_name;
  std::string source_renamed_to;  // "<source_name>-pre-<short migration id>"
  std::optional<TimestampMs> cutover_at;
  int64_t cutover_pause_ms = 0;  // how long source writes were refused
  int64_t target_seq_at_cutover = 0;
  std::optional<TimestampMs> rolled_back_at;
  int64_t rollback_pause_ms = 0;
  ApplyCounts rolled_back;  // post-cutover writes carried back to the source

  // The sequence to continue after.
  int64_t next_after() const { return applied_seq.value_or(source_seq_at_start); }
};

LiveState ReadLiveState(const model::Migration& m);
// The migration's target namespace id (additional_data.target_namespace_id), or "".
std::string TargetNamespaceOf(const model::Migration& m);
// Writes `live` into m.additional_data.live (other keys of additional_data kept).
void WriteLiveState(model::Migration& m, const LiveState& live);

}  // namespace ferry::migration
