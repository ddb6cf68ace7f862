#include "storage/sqlite/wal_checkpointer.h"

#include <sqlite3.h>

#include <chrono>
#include <cstring>

namespace ferry::storage::sqlite {

struct WalCheckpointer::State {
  explicit State(int threshold) : threshold_pages(threshold) {}
  const int threshold_pages;
  mutable std::mutex mu;
  mutable std::condition_variable cv;  // work queued, stop, or a checkpoint completed
  std::deque<std::string> queue;
  std::set<std::string> queued;  // the paths in `queue`, so a file is queued once
  bool stopped = false;
  int64_t completed = 0;

  // False once stopped: the caller then checkpoints itself.
  bool Request(const std::string& path) {
    std::lock_guard<std::mutex> lock(mu);
    if (stopped) return false;
    if (queued.insert(path).second) {
      queue.push_back(path);
      cv.notify_all();
    }
    return true;
  }
};

namespace {

// The WAL hook: called after each commit with the frames now in the WAL.
int OnCommit(void* arg, sqlite3* db, const char* name, int pages) {
  auto* hook = static_cast<WalCheckpointer::Hook*>(arg);
  const int threshold = hook->state->threshold_pages;
  if (pages < threshold) return SQLITE_OK;
  // Attached databases (a bulk copy's source is only read) and a background that fell
  // far behind or stopped: checkpoint here, as SQLite's own auto-checkpoint does.
  const bool main = std::strcmp(name, "main") == 0;
  if (!main || pages >= 4 * threshold || !hook->state->Request(hook->path)) {
    sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  }
  return SQLITE_OK;
}

// A PASSIVE checkpoint of `path` on a connection of its own. Best effort: a file dropped
// meanwhile is not created again (no SQLITE_OPEN_CREATE), and a busy checkpoint lock
// (the owner closing the file checkpoints it itself) is left to the next commit.
void Checkpoint(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) ==
      SQLITE_OK) {
    // Never delete the WAL when this connection is the last one to close: the file's
    // owner manages it (and a dropped namespace's WAL is gone already).
    int persist = 1;
    sqlite3_file_control(db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
    sqlite3_busy_timeout(db, 1000);
    sqlite3_wal_checkpoint_v2(db, "main", SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  }
  sqlite3_close_v2(db);
}

}  // namespace

WalCheckpointer::WalCheckpointer(int threshold_pages)
    : state_(std::make_shared<State>(threshold_pages)), thread_([this] { Loop(); }) {}

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

std::unique_ptr<WalCheckpointer::Hook> WalCheckpointer::Attach(sqlite3* db,
                                                               const std::string& path) {
  auto hook = std::make_unique<Hook>(Hook{state_, path});
  sqlite3_wal_hook(db, &OnCommit, hook.get());
  return hook;
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
    s.queued.erase(path);
    lock.unlock();
    Checkpoint(path);
    lock.lock();
    ++s.completed;
    s.cv.notify_all();
  }
}

}  // namespace ferry::storage::sqlite
