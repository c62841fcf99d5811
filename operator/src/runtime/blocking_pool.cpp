#include "runtime/blocking_pool.h"

#include "core/error.h"

namespace sluice::runtime {

BlockingPool::BlockingPool(std::size_t threads) {
  if (threads == 0) throw invalid_argument("BlockingPool needs at least one thread");
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { worker(); });
}

BlockingPool::~BlockingPool() {
  shutdown();
}

void BlockingPool::enqueue(Task task) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) throw Error(ErrorCode::kCancelled, "blocking pool is shut down");
    queue_.push_back(std::move(task));
  }
  ready_.notify_one();
}

void BlockingPool::worker() {
  for (;;) {
    Task task;
    {
      std::unique_lock lock(mu_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    // A packaged_task: it stores the result or exception in the future itself, and setting it
    // wakes the waiting fiber on its own thread (Boost.Fiber schedules it remotely).
    task();
  }
}

void BlockingPool::shutdown() {
  std::call_once(shutdown_once_, [this] {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    ready_.notify_all();
    for (auto& thread : threads_) thread.join();
  });
}

}  // namespace sluice::runtime
