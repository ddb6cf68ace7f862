#pragma once
// WalCheckpointer: WAL checkpoints of namespace databases on a background thread. By
// default SQLite checkpoints inside the commit that pushes the WAL past its threshold:
// that commit copies every page of the WAL into the database file and waits for two
// fsyncs, and the writer's mutex is held meanwhile, so a migration's single writer (and
// every extraction waiting on it) stalls for the length of a 128 MiB copy. Here the commit
// only queues the file; a thread of the engine checkpoints it (PASSIVE, on a connection
// of its own) while the writer goes on; the first commit after that pass checkpoints its
// short tail itself, waiting briefly for the readers still in the WAL, so that the WAL
// can start over (OnCommit in the .cc). When the background falls far behind (the WAL at
// 4x the threshold) the committing connection checkpoints itself, as SQLite would.
// Durability is unchanged: a checkpoint only moves committed frames.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

struct sqlite3;

namespace ferry::storage::sqlite {

class WalCheckpointer {
 public:
  struct State;
  // What a connection's WAL hook refers to; kept alive by the connection's SqliteDb.
  struct Hook;

  // How much WAL a connection's commits leave before its file is checkpointed: 128 MiB,
  // whatever the file's page size (SQLiteDb's wal_autocheckpoint uses it too).
  static constexpr int64_t kDefaultThresholdBytes = int64_t{128} << 20;

  // `threshold_bytes`: a commit leaving at least this much in the WAL (frames of the
  // file's page size, at least one) queues a checkpoint of its file.
  explicit WalCheckpointer(int64_t threshold_bytes = kDefaultThresholdBytes);
  // Finishes the checkpoint in progress and drops the queued ones. Connections attached
  // to it may outlive it: they then checkpoint themselves.
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // Hands the checkpoints of `db` (the connection of the database file `path`) to this
  // checkpointer: installs a WAL hook, which replaces the connection's auto-checkpoint.
  // The connection must keep the returned hook until it is closed. `busy_timeout_ms` is
  // the connection's own (an inline checkpoint waits less, then restores it); `page_size`
  // the file's (the threshold counts frames of it).
  std::unique_ptr<Hook> Attach(sqlite3* db, const std::string& path, int busy_timeout_ms,
                               int64_t page_size);

  // Background checkpoints completed so far, and a wait for the count to reach `n`
  // (false after `timeout_ms`): for tests.
  int64_t completed() const;
  bool WaitForCompleted(int64_t n, int timeout_ms) const;
  // Called each time an inline checkpoint waits for the readers still in the WAL: for
  // tests. Set before any connection is attached.
  void SetInlineWaitObserver(std::function<void()> observer);

 private:
  void Loop();

  std::shared_ptr<State> state_;
  std::thread thread_;
};

struct WalCheckpointer::Hook {
  std::shared_ptr<State> state;
  std::string path;
  int busy_timeout_ms = 0;
  int threshold_pages = 1;  // the threshold in frames of this file's page size
  int64_t seen = 0;         // the background checkpoints of `path` this connection has answered
  // Until then inline checkpoints do not wait for readers: set when one waited in vain.
  std::chrono::steady_clock::time_point no_wait_until{};
};

}  // namespace ferry::storage::sqlite
