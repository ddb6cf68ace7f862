#pragma once
// TimeoutRunner: runs calls on a helper thread and waits at most `timeout` for each.
// A call that does not finish in time is abandoned — its thread finishes it alone and
// the result is discarded — and a fresh helper thread serves the next call, so a hung
// call (an extractor stuck on a model, say) costs its caller one timeout, never more.
// A call must own everything it touches (capture by value): it may outlive the caller.
// Not thread-safe: one caller (typically one worker) per instance.

#include <chrono>
#include <functional>
#include <memory>
#include <thread>

#include "common/status.h"

namespace ferry {

class TimeoutRunner {
 public:
  explicit TimeoutRunner(std::chrono::milliseconds timeout);
  ~TimeoutRunner();
  TimeoutRunner(const TimeoutRunner&) = delete;
  TimeoutRunner& operator=(const TimeoutRunner&) = delete;

  // Runs `fn` on the helper thread. DeadlineExceeded when it did not return in time.
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

}  // namespace ferry
