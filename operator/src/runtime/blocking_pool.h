#pragma once

// BlockingPool: a few plain OS threads for calls that block their thread - libgit2 fetches, file
// I/O, anything without a fiber-aware API. A fiber calls `blocking.run(f)`: f runs on a
// blocking thread while only that fiber is suspended (on a Boost.Fiber future), so the other
// fibers of its pool thread keep running. Blocking a fiber pool thread directly would stall
// every fiber scheduled on it.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/fiber/future.hpp>

#include "runtime/task.h"

namespace sluice::runtime {

class BlockingPool {
 public:
  // Starts `threads` (>= 1) threads. Size it for the blocking calls expected in parallel (e.g.
  // concurrent git fetches), not for CPU count: these threads mostly wait.
  explicit BlockingPool(std::size_t threads);

  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;
  // shutdown().
  ~BlockingPool();

  // Queues `f()` for a blocking thread and returns a fiber-aware future of its result: get()
  // suspends a calling fiber (blocks a plain thread) and rethrows what `f` threw, as is. Throws
  // Error(kCancelled) once shutdown() has begun.
  template <class F, class R = std::invoke_result_t<std::decay_t<F>&>>
  boost::fibers::future<R> submit(F&& f) {
    boost::fibers::packaged_task<R()> task(std::forward<F>(f));
    auto result = task.get_future();
    enqueue(Task(std::move(task)));
    return result;
  }

  // Runs `f()` on a blocking thread and returns its result (or rethrows its exception),
  // suspending only the calling fiber meanwhile.
  template <class F>
  auto run(F&& f) {
    return submit(std::forward<F>(f)).get();
  }

  // Refuses new work, lets the threads finish what is queued (so no future is left broken),
  // and joins them. Idempotent; must not be called from a task running on this pool.
  void shutdown();

  std::size_t size() const noexcept { return threads_.size(); }

 private:
  void enqueue(Task task);
  void worker();

  // Plain std primitives: only plain threads ever wait on them, and submitters hold the lock
  // just long enough to push.
  std::mutex mu_;
  std::condition_variable ready_;
  std::deque<Task> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
  std::once_flag shutdown_once_;
};

using BlockingPoolPtr = std::shared_ptr<BlockingPool>;

}  // namespace sluice::runtime
