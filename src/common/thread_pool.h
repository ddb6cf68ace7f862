#pragma once
// A fixed-size pool of worker threads draining one FIFO queue.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ferry {

class ThreadPool {
 public:
  // REQUIRES: threads >= 1. The workers are named `name` (common/thread_name.h).
  explicit ThreadPool(size_t threads, std::string name = "ferry-pool");
  // Finishes every queued task, then joins the workers.
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Queues `task`. Returns false (and drops the task) once Shutdown() has begun.
  // Thread-safe.
  bool Submit(std::function<void()> task);

  // Stops accepting tasks, runs what is queued, joins. Idempotent.
  void Shutdown();

  size_t size() const { return workers_.size(); }

 private:
  void WorkerLoop();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

// Counts outstanding work items and lets one thread wait until all are done.
class WaitGroup {
 public:
  void Add(size_t n = 1);
  // REQUIRES: matched with an earlier Add.
  void Done();
  // Blocks until every added item is Done.
  void Wait();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  size_t pending_ = 0;
};

}  // namespace ferry
