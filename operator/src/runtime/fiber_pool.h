#pragma once

// FiberPool: the N OS threads every pipeline stage runs on, as fibers. Each thread runs the
// work-stealing scheduler of work_stealing.h (Boost.Fiber's own cannot be instantiated twice
// per process in 1.74), so a fiber may resume on any pool thread after it suspends: fibers must
// not keep thread_local state or thread-affine handles across a suspension point.
//
// Work reaches the pool two ways. A fiber already on the pool launches its children directly on
// its own thread (siblings steal them). Anyone else - a plain thread, or a fiber of another
// pool - hands the task to an inbox channel read by every pool thread's main fiber, because
// launching a fiber from a non-pool thread would run it on that thread instead.
//
// Shutdown drains: every spawned fiber holds the pool's gate until it returns, shutdown()
// closes the gate and waits, then stops the threads. Fibers that outlive shutdown must not
// exist; a fiber that wants to stop early watches an AbortSource its owner triggers first.
//
// Lifetimes: whatever a spawned fiber touches must outlive it, and a fiber can still be running
// (inside Channel::close(), promise::set_value(), ...) after its owner saw its result. So
// declare the pool after the objects its fibers use, so that its destructor drains them first,
// or let fibers co-own what they use (capture a ChannelPtr by value).

#include <cstddef>
#include <functional>
#include <latch>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/fiber/future.hpp>

#include "core/error.h"
#include "runtime/channel.h"
#include "runtime/gate.h"
#include "runtime/task.h"

namespace sluice::runtime {

namespace detail {
class StealingGroup;
}

class FiberPool {
 public:
  // Receives what a spawned fiber threw (as an Error, see Error::from_current_exception); runs
  // on that fiber. A detached fiber has no one else to tell.
  using ErrorHandler = std::function<void(const Error&)>;

  struct Options {
    std::size_t threads = 2;
    // Stack per fiber; 0 means Boost.Context's default (128 KiB). Stacks are not guarded:
    // deep recursion (YAML, JSON) belongs on a blocking-pool thread or needs a bigger stack.
    std::size_t stack_size = 0;
    // Tasks from outside the pool that may queue before spawn() blocks the caller.
    std::size_t inbox_capacity = 1024;
    // Default: print the error to stderr.
    ErrorHandler on_error;
  };

  // Starts `threads` (>= 1) threads and returns once all of them are scheduling.
  explicit FiberPool(std::size_t threads);
  explicit FiberPool(Options options);

  FiberPool(const FiberPool&) = delete;
  FiberPool& operator=(const FiberPool&) = delete;
  // shutdown().
  ~FiberPool();

  // Starts `f()` as a detached fiber on the pool; callable from any fiber or thread. Blocks
  // (suspends a fiber) only when called from outside the pool while the inbox is full. An
  // exception escaping `f` goes to Options::on_error. Throws Error(kCancelled) once shutdown()
  // has begun - also to fibers still draining, which therefore cannot spawn follow-up work.
  template <class F>
  void spawn(F&& f) {
    spawn_task(Task(std::forward<F>(f)));
  }

  // Starts `f()` on the pool and returns a future of its result. The future is fiber-aware:
  // get() suspends a waiting fiber and blocks a waiting plain thread. An exception thrown by `f`
  // is rethrown by get(), as is.
  template <class F, class R = std::invoke_result_t<std::decay_t<F>&>>
  boost::fibers::future<R> submit(F&& f) {
    boost::fibers::packaged_task<R()> task(std::forward<F>(f));
    auto result = task.get_future();
    spawn(std::move(task));
    return result;
  }

  // Runs `f()` on the pool and waits for its result: submit(f).get(). Meant for plain threads
  // (main, tests) entering the fiber world; from a pool fiber it merely suspends that fiber.
  template <class F>
  auto run(F&& f) {
    return submit(std::forward<F>(f)).get();
  }

  // Closes the gate and waits for every spawned fiber to return, then stops and joins the
  // threads. Idempotent and thread-safe; later calls wait for the first to finish. Must not be
  // called from a pool fiber (it would wait for itself): throws Error(kFailedPrecondition).
  void shutdown();

  std::size_t size() const noexcept { return threads_.size(); }

  // Whether the calling code runs on one of this pool's threads.
  bool on_pool_thread() const noexcept;

 private:
  void spawn_task(Task task);
  void launch(Task task);
  void thread_main(std::size_t index);
  void report(const Error& error) noexcept;

  Options options_;
  std::unique_ptr<detail::StealingGroup> group_;
  Gate gate_;
  Channel<Task> inbox_;
  // A member, not a constructor local: the last thread to arrive may still be notifying it when
  // the constructor's wait returns.
  std::latch started_;
  std::vector<std::thread> threads_;
  std::once_flag shutdown_once_;
};

using FiberPoolPtr = std::shared_ptr<FiberPool>;

}  // namespace sluice::runtime
