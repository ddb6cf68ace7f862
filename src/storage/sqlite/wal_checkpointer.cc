#include "storage/sqlite/wal_checkpointer.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <functional>
#include <map>
#include <utility>

#include "common/thread_name.h"

namespace ferry::storage::sqlite {

struct WalCheckpointer::State {
  explicit State(int64_t threshold) : threshold_bytes(threshold) {}
  const int64_t threshold_bytes;
  std::function<void()> inline_wait_observer;  // set before use (tests)
  mutable std::mutex mu;
  mutable std::condition_variable cv;  // work queued, stop, or a checkpoint completed
  std::deque<std::string> queue;
  // The paths queued or being checkpointed: a file is queued once, and the commits
  // during its pass do not queue another.
  std::set<std::string> queued;
  struct Done {
    int64_t passes = 0;      // background checkpoints of the file completed
    int64_t backfilled = 0;  // the WAL frames in the database file after the last one
  };
  std::map<std::string, Done> done;
  bool stopped = false;
  int64_t completed = 0;

  enum class Answer { kQueued, kTailLeft, kStopped };
  // With `frames` in the WAL of `path` (`threshold` frames queue a checkpoint): kTailLeft
  // when a background checkpoint of it completed since `*seen` (then updated) and left at
  // most a tail of frames behind, else queues one (once); kStopped once stopped.
  Answer Request(const std::string& path, int64_t frames, int threshold, int64_t* seen) {
    std::lock_guard<std::mutex> lock(mu);
    if (stopped) return Answer::kStopped;
    if (auto it = done.find(path); it != done.end() && it->second.passes > *seen) {
      *seen = it->second.passes;
      if (frames - it->second.backfilled <= threshold / 16) return Answer::kTailLeft;
    }
    if (queued.insert(path).second) {
      queue.push_back(path);
      cv.notify_all();
    }
    return Answer::kQueued;
  }
};

namespace {

// The WAL hook: called after each commit with the frames now in the WAL.
//
// SQLite starts a WAL over (writes it again from its beginning) only when a write
// transaction begins with every frame already checkpointed. A background checkpoint never
// gets there on its own while the writer keeps committing: the frames committed during
// its pass are left. The WAL then grows to the inline limit, every frame extends the file
// (the kernel zeroes each new block: 1.2 core-s of a 100k re_extract's writer in
// memset), and from the limit on every commit checkpoints inline. So the background
// passes follow each other until one leaves a short tail (at most 1/16 of the threshold:
// the frames committed during it), which the next commit checkpoints itself; the
// transaction after it starts the WAL over.
//
// That start-over needs every reader out of the WAL too: a reader still on an older
// snapshot (a migration worker reading back the slice it just wrote) stops a PASSIVE
// checkpoint short of the last frame, and one reading the WAL at the next write keeps the
// WAL from starting over. With a reader nearly always there, a 1M-document copy grew its
// WAL past 760 MB, every frame extending the file. So the inline checkpoint of the main
// file is a RESTART: it waits, at most kRestartWaitMs, for the readers present to finish
// (readers that start after it read the database file only). A reader that outlasts the
// wait (a long scan) would make every commit wait again: after a wait in vain, the inline
// checkpoints of the next second do not wait.
constexpr int kRestartWaitMs = 100;
constexpr std::chrono::seconds kNoWaitAfterBusy{1};

// The busy handler of an inline RESTART: retries every millisecond, kRestartWaitMs times.
int RestartBusy(void* arg, int count) {
  if (count >= kRestartWaitMs) return 0;
  const auto* state = static_cast<const WalCheckpointer::State*>(arg);
  if (state->inline_wait_observer) state->inline_wait_observer();
  sqlite3_sleep(1);
  return 1;
}

// `main`: the connection's own file (an attached one is checkpointed without waiting).
void CheckpointInline(sqlite3* db, const char* name, bool main, WalCheckpointer::Hook& hook) {
  if (!main || std::chrono::steady_clock::now() < hook.no_wait_until) {
    sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    return;
  }
  sqlite3_busy_handler(db, &RestartBusy, hook.state.get());
  if (sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_RESTART, nullptr, nullptr) ==
      SQLITE_BUSY) {
    hook.no_wait_until = std::chrono::steady_clock::now() + kNoWaitAfterBusy;
  }
  sqlite3_busy_timeout(db, hook.busy_timeout_ms);  // the connection's own handler again
}

int OnCommit(void* arg, sqlite3* db, const char* name, int pages) {
  auto* hook = static_cast<WalCheckpointer::Hook*>(arg);
  const int threshold = hook->threshold_pages;
  if (pages < threshold) return SQLITE_OK;
  // Attached databases (a bulk copy's source is only read) and a background that fell
  // far behind or stopped: checkpoint here, as SQLite's own auto-checkpoint does.
  const bool main = std::strcmp(name, "main") == 0;
  if (!main || pages >= 4 * threshold ||
      hook->state->Request(hook->path, pages, threshold, &hook->seen) !=
          WalCheckpointer::State::Answer::kQueued) {
    CheckpointInline(db, name, main, *hook);
  }
  return SQLITE_OK;
}

// A PASSIVE checkpoint of `path` on a connection of its own: the WAL frames in the
// database file afterwards (0 when it could not run). Best effort: a file dropped
// meanwhile is not created again (no SQLITE_OPEN_CREATE), and a busy checkpoint lock (the
// owner closing the file checkpoints it itself) is left to the next commit.
int64_t Checkpoint(const std::string& path) {
  sqlite3* db = nullptr;
  int backfilled = 0;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) ==
      SQLITE_OK) {
    // Never delete the WAL when this connection is the last one to close: the file's
    // owner manages it (and a dropped namespace's WAL is gone already).
    int persist = 1;
    sqlite3_file_control(db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
    sqlite3_busy_timeout(db, 1000);
    // A new connection knows that the file is in WAL mode only once it has read it: until
    // then a checkpoint does nothing and answers -1 frames (every background pass did,
    // and the writer checkpointed everything itself at the 4x limit).
    sqlite3_exec(db, "PRAGMA schema_version", nullptr, nullptr, nullptr);
    int frames = 0;
    if (sqlite3_wal_checkpoint_v2(db, "main", SQLITE_CHECKPOINT_PASSIVE, &frames, &backfilled) !=
        SQLITE_OK) {
      backfilled = 0;
    }
  }
  sqlite3_close_v2(db);
  return backfilled > 0 ? backfilled : 0;
}

}  // namespace

WalCheckpointer::WalCheckpointer(int64_t threshold_bytes)
    : state_(std::make_shared<State>(threshold_bytes)), thread_([this] {
        NameCurrentThread("ferry-checkpt");
        Loop();
      }) {}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->stopped = true;
    state_->queue.clear();
    state_->queued.clear();
  }
  state_->cv.notify_all();
  thread_.join();
}

std::unique_ptr<WalCheckpointer::Hook> WalCheckpointer::Attach(sqlite3* db, const std::string& path,
                                                               int busy_timeout_ms,
                                                               int64_t page_size) {
  auto hook = std::make_unique<Hook>(Hook{state_, path, busy_timeout_ms});
  hook->threshold_pages = static_cast<int>(
      std::max<int64_t>(1, state_->threshold_bytes / std::max<int64_t>(1, page_size)));
  sqlite3_wal_hook(db, &OnCommit, hook.get());
  return hook;
}

void WalCheckpointer::SetInlineWaitObserver(std::function<void()> observer) {
  state_->inline_wait_observer = std::move(observer);
}

int64_t WalCheckpointer::completed() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->completed;
}

bool WalCheckpointer::WaitForCompleted(int64_t n, int timeout_ms) const {
  std::unique_lock<std::mutex> lock(state_->mu);
  return state_->cv.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                             [&] { return state_->completed >= n; });
}

void WalCheckpointer::Loop() {
  State& s = *state_;
  std::unique_lock<std::mutex> lock(s.mu);
  for (;;) {
    s.cv.wait(lock, [&] { return s.stopped || !s.queue.empty(); });
    if (s.stopped) return;
    std::string path = std::move(s.queue.front());
    s.queue.pop_front();
    lock.unlock();
    const int64_t backfilled = Checkpoint(path);
    lock.lock();
    // Queued until now: the commits during the pass wait for it, then the first of them
    // checkpoints its tail (OnCommit), rather than queueing pass after pass.
    s.queued.erase(path);
    State::Done& done = s.done[path];
    ++done.passes;
    done.backfilled = backfilled;
    ++s.completed;
    s.cv.notify_all();
  }
}

}  // namespace ferry::storage::sqlite
