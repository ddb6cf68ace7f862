#include "common/timeout_runner.h"

#include <condition_variable>
#include <mutex>

namespace ferry {

// State shared by the runner and one helper thread; outlives either.
struct TimeoutRunner::Slot {
  std::mutex mu;
  std::condition_variable cv;
  std::function<void()> task;
  bool has_task = false;
  bool done = false;
  bool stop = false;
};

TimeoutRunner::TimeoutRunner(std::chrono::milliseconds timeout) : timeout_(timeout) {
  StartHelper();
}

TimeoutRunner::~TimeoutRunner() {
  {
    std::lock_guard<std::mutex> lock(slot_->mu);
    slot_->stop = true;
  }
  slot_->cv.notify_all();
  if (helper_.joinable()) helper_.join();
}

void TimeoutRunner::StartHelper() {
  slot_ = std::make_shared<Slot>();
  helper_ = std::thread([slot = slot_] { HelperLoop(slot); });
}

Status TimeoutRunner::Run(std::function<void()> fn) {
  std::unique_lock<std::mutex> lock(slot_->mu);
  slot_->task = std::move(fn);
  slot_->has_task = true;
  slot_->done = false;
  slot_->cv.notify_all();
  if (slot_->cv.wait_for(lock, timeout_, [this] { return slot_->done; })) return Status::Ok();
  // Abandon the hung helper: it exits once its call returns, if ever.
  slot_->stop = true;
  lock.unlock();
  helper_.detach();
  ++abandoned_;
  StartHelper();
  return Status::DeadlineExceeded("timed out after " + std::to_string(timeout_.count()) + " ms");
}

void TimeoutRunner::HelperLoop(std::shared_ptr<Slot> slot) {
  std::unique_lock<std::mutex> lock(slot->mu);
  for (;;) {
    slot->cv.wait(lock, [&] { return slot->has_task || slot->stop; });
    if (!slot->has_task) return;  // stopped while idle
    auto task = std::move(slot->task);
    slot->has_task = false;
    lock.unlock();
    task();
    lock.lock();
    slot->done = true;
    slot->cv.notify_all();
    if (slot->stop) return;  // abandoned while running
  }
}

}  // namespace ferry
