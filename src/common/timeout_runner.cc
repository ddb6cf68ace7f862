#include "common/timeout_runner.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <limits>
#include <mutex>
#include <string>

#include "common/contain.h"
#include "common/thread_name.h"

namespace ferry {

// State shared by the runner and one helper thread; outlives either.
struct TimeoutRunner::Slot {
  std::mutex mu;
  std::condition_variable cv;
  std::function<void()> task;
  Status outcome;  // of the last call: Ok, or Internal when it threw
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
  if (slot_->cv.wait_for(lock, timeout_, [this] { return slot_->done; })) {
    return std::move(slot_->outcome);
  }
  // Abandon the hung helper: it exits once its call returns, if ever.
  slot_->stop = true;
  lock.unlock();
  helper_.detach();
  ++abandoned_;
  StartHelper();
  return Status::DeadlineExceeded("timed out after " + std::to_string(timeout_.count()) + " ms");
}

void TimeoutRunner::HelperLoop(std::shared_ptr<Slot> slot) {
  NameCurrentThread("ferry-call");
  std::unique_lock<std::mutex> lock(slot->mu);
  for (;;) {
    slot->cv.wait(lock, [&] { return slot->has_task || slot->stop; });
    if (!slot->has_task) return;  // stopped while idle
    auto task = std::move(slot->task);
    slot->has_task = false;
    lock.unlock();
    Status outcome = Contain(nullptr, "call", task);
    lock.lock();
    slot->outcome = std::move(outcome);
    slot->done = true;
    slot->cv.notify_all();
    if (slot->stop) return;  // abandoned while running
  }
}

// ---- TimeoutPool ----

namespace {

enum class CallState : unsigned char { kQueued, kRunning, kDone, kThrew, kTimedOut, kDropped };

}  // namespace

// The calls of one Batch. Guarded by State::mu.
struct TimeoutPool::Group {
  std::vector<std::function<void()>> calls;
  std::vector<CallState> states;
  std::vector<Status> thrown;  // the Internal status of each call in kThrew
  std::condition_variable cv;
  size_t waiting = std::numeric_limits<size_t>::max();  // the call the owner waits for
};

namespace {

// One worker thread's view, shared with the supervisor. Guarded by State::mu.
struct PoolWorker {
  std::shared_ptr<TimeoutPool::Group> group;  // the call being run, if any
  size_t index = 0;
  std::chrono::steady_clock::time_point started;
  bool abandoned = false;
};

}  // namespace

struct TimeoutPool::State {
  std::mutex mu;
  std::condition_variable work_cv;  // a call was queued, or stop
  std::condition_variable idle_cv;  // a worker exited
  std::deque<std::pair<std::shared_ptr<Group>, size_t>> queue;
  std::vector<std::shared_ptr<PoolWorker>> workers;  // live, not abandoned
  bool stop = false;
  int abandoned = 0;
  std::chrono::milliseconds timeout{0};
  std::string name;

  // REQUIRES: mu held.
  void StartWorker(const std::shared_ptr<State>& self) {
    auto worker = std::make_shared<PoolWorker>();
    workers.push_back(worker);
    std::thread([self, worker] { self->WorkerLoop(worker); }).detach();
  }

  void WorkerLoop(const std::shared_ptr<PoolWorker>& me) {
    NameCurrentThread(name);  // set before the first worker started, never changed
    std::unique_lock<std::mutex> lock(mu);
    for (;;) {
      work_cv.wait(lock, [&] { return stop || !queue.empty(); });
      if (queue.empty()) break;  // stopping, nothing left
      auto [group, i] = std::move(queue.front());
      queue.pop_front();
      group->states[i] = CallState::kRunning;
      me->group = group;
      me->index = i;
      me->started = std::chrono::steady_clock::now();
      lock.unlock();
      Status outcome = Contain(nullptr, "call", group->calls[i]);
      lock.lock();
      if (me->abandoned) return;  // replaced meanwhile; its call's result is discarded
      group->states[i] = outcome.ok() ? CallState::kDone : CallState::kThrew;
      group->thrown[i] = std::move(outcome);
      me->group.reset();
      if (group->waiting == i) group->cv.notify_all();
    }
    std::erase(workers, me);
    idle_cv.notify_all();
  }

  // Abandons the calls of `group` that overran. REQUIRES: mu held.
  void AbandonOverruns(const std::shared_ptr<State>& self, const Group& group) {
    const auto now = std::chrono::steady_clock::now();
    std::vector<std::shared_ptr<PoolWorker>> overran;
    for (const auto& w : workers) {
      if (w->group.get() == &group && now - w->started > timeout) overran.push_back(w);
    }
    for (const auto& w : overran) {
      w->abandoned = true;
      w->group->states[w->index] = CallState::kTimedOut;
      w->group.reset();
      std::erase(workers, w);
      ++abandoned;
      StartWorker(self);
    }
  }
};

TimeoutPool::TimeoutPool(size_t threads, std::chrono::milliseconds timeout, std::string name)
    : timeout_(timeout), threads_(std::max<size_t>(1, threads)), state_(std::make_shared<State>()) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->timeout = timeout;
  state_->name = std::move(name);
  for (size_t i = 0; i < threads_; ++i) state_->StartWorker(state_);
}

TimeoutPool::~TimeoutPool() {
  std::unique_lock<std::mutex> lock(state_->mu);
  state_->stop = true;
  state_->work_cv.notify_all();
  state_->idle_cv.wait(lock, [this] { return state_->workers.empty(); });
}

int TimeoutPool::abandoned() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->abandoned;
}

TimeoutPool::Batch TimeoutPool::Submit(std::vector<std::function<void()>> calls) {
  auto group = std::make_shared<Group>();
  group->states.assign(calls.size(), CallState::kQueued);
  group->thrown.resize(calls.size());
  group->calls = std::move(calls);
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    for (size_t i = 0; i < group->calls.size(); ++i) state_->queue.emplace_back(group, i);
  }
  state_->work_cv.notify_all();
  return Batch(state_, std::move(group));
}

TimeoutPool::Batch::~Batch() {
  if (state_ == nullptr) return;  // moved from
  std::lock_guard<std::mutex> lock(state_->mu);
  std::erase_if(state_->queue, [&](const auto& entry) { return entry.first == group_; });
  for (auto& s : group_->states) {
    if (s == CallState::kQueued) s = CallState::kDropped;
  }
}

size_t TimeoutPool::Batch::size() const { return group_->calls.size(); }

Status TimeoutPool::Batch::Wait(size_t i, const std::function<bool()>& stop) {
  // Checking a few times per timeout finds an overrun within about 1.25 timeouts.
  const auto period = std::clamp<std::chrono::milliseconds>(
      state_->timeout / 4, std::chrono::milliseconds(1), std::chrono::milliseconds(100));
  std::unique_lock<std::mutex> lock(state_->mu);
  group_->waiting = i;
  while (group_->states[i] == CallState::kQueued || group_->states[i] == CallState::kRunning) {
    if (stop && stop()) {
      group_->waiting = std::numeric_limits<size_t>::max();
      return Status::Cancelled("cancelled");
    }
    group_->cv.wait_for(lock, period);
    state_->AbandonOverruns(state_, *group_);
  }
  group_->waiting = std::numeric_limits<size_t>::max();
  if (group_->states[i] == CallState::kDone) return Status::Ok();
  if (group_->states[i] == CallState::kThrew) return group_->thrown[i];
  return Status::DeadlineExceeded("timed out after " + std::to_string(state_->timeout.count()) +
                                  " ms");
}

bool TimeoutPool::Batch::Ended(size_t i) const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return group_->states[i] != CallState::kQueued && group_->states[i] != CallState::kRunning;
}

}  // namespace ferry
