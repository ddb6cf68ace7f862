#pragma once
// TimeoutRunner: runs calls on a helper thread and waits at most `timeout` for each.
// A call that does not finish in time is abandoned — its thread finishes it alone and
// the result is discarded — and a fresh helper thread serves the next call, so a hung
// call (an extractor stuck on a model, say) costs its caller one timeout, never more.
// A call must own everything it touches (capture by value): it may outlive the caller.
// Not thread-safe: one caller (typically one worker) per instance.

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"

namespace ferry {

class TimeoutRunner {
 public:
  explicit TimeoutRunner(std::chrono::milliseconds timeout);
  ~TimeoutRunner();
  TimeoutRunner(const TimeoutRunner&) = delete;
  TimeoutRunner& operator=(const TimeoutRunner&) = delete;

  // Runs `fn` on the helper thread. DeadlineExceeded when it did not return in time;
  // Internal when it threw (common/contain.h: the process goes on).
  Status Run(std::function<void()> fn);

  std::chrono::milliseconds timeout() const { return timeout_; }
  // Helper threads abandoned so far (hung calls).
  int abandoned() const { return abandoned_; }

 private:
  struct Slot;
  void StartHelper();
  static void HelperLoop(std::shared_ptr<Slot> slot);

  std::chrono::milliseconds timeout_;
  std::shared_ptr<Slot> slot_;
  std::thread helper_;
  int abandoned_ = 0;
};

// TimeoutPool: TimeoutRunner's contract for many calls at once, on `threads` worker
// threads shared by every caller. Each call gets at most `timeout` from the moment a
// worker starts it; one that overruns is abandoned (its thread finishes it alone and
// exits, the result discarded) and a fresh thread takes its place. Calls are handed over
// in bulk (Submit), so there is no per-call thread handoff or wake-up of the caller: the
// caller sleeps until the call it waits for is done, checking for overruns a few times
// per timeout. Calls must own everything they touch (capture by value). Thread-safe.
class TimeoutPool {
 public:
  // Its threads are named `name` (common/thread_name.h).
  TimeoutPool(size_t threads, std::chrono::milliseconds timeout, std::string name = "ferry-calls");
  // Waits for the calls being run (abandoned ones excepted); queued calls of a Batch
  // still alive are run first. REQUIRES: no Batch outlives the pool.
  ~TimeoutPool();
  TimeoutPool(const TimeoutPool&) = delete;
  TimeoutPool& operator=(const TimeoutPool&) = delete;

  struct State;
  struct Group;

  // Calls submitted together. Destroying it drops the calls not yet started.
  class Batch {
   public:
    Batch(Batch&&) noexcept = default;
    Batch& operator=(Batch&&) = delete;
    ~Batch();
    // Waits for call `i`: Ok when it returned, DeadlineExceeded when it overran and was
    // abandoned, Internal when it threw (common/contain.h). With `stop`, checked as often as
    // overruns are (and before waiting): Cancelled as soon as it returns true, the call left to
    // run. Not thread-safe: one waiter per Batch.
    Status Wait(size_t i, const std::function<bool()>& stop = nullptr);
    // Whether call `i` has ended (returned or abandoned). Never blocks.
    bool Ended(size_t i) const;
    size_t size() const;

   private:
    friend class TimeoutPool;
    Batch(std::shared_ptr<State> state, std::shared_ptr<Group> group)
        : state_(std::move(state)), group_(std::move(group)) {}
    std::shared_ptr<State> state_;
    std::shared_ptr<Group> group_;
  };

  // Queues `calls` (run in order of submission, in parallel).
  Batch Submit(std::vector<std::function<void()>> calls);

  std::chrono::milliseconds timeout() const { return timeout_; }
  size_t threads() const { return threads_; }
  // Worker threads abandoned so far (hung calls).
  int abandoned() const;

 private:
  std::chrono::milliseconds timeout_;
  size_t threads_;
  std::shared_ptr<State> state_;
};

}  // namespace ferry
