#include "runtime/fiber_pool.h"

#include <cstdio>

#include <boost/context/detail/exception.hpp>
#include <boost/fiber/fiber.hpp>
#include <boost/fiber/fixedsize_stack.hpp>

#include "runtime/work_stealing.h"

namespace sluice::runtime {

namespace {

// The pool whose thread this is; how spawn() tells "launch here" from "hand to the pool".
thread_local const FiberPool* current_pool = nullptr;

std::size_t checked_threads(std::size_t threads) {
  if (threads == 0) throw invalid_argument("FiberPool needs at least one thread");
  return threads;
}

FiberPool::Options options_with_threads(std::size_t threads) {
  FiberPool::Options options;
  options.threads = threads;
  return options;
}

}  // namespace

FiberPool::FiberPool(std::size_t threads) : FiberPool(options_with_threads(threads)) {}

FiberPool::FiberPool(Options options)
    : options_(std::move(options)),
      group_(std::make_unique<detail::StealingGroup>(checked_threads(options_.threads))),
      inbox_(options_.inbox_capacity),
      started_(static_cast<std::ptrdiff_t>(options_.threads) + 1) {
  threads_.reserve(options_.threads);
  for (std::size_t i = 0; i < options_.threads; ++i) {
    threads_.emplace_back([this, i] { thread_main(i); });
  }
  started_.arrive_and_wait();
}

FiberPool::~FiberPool() {
  shutdown();
}

bool FiberPool::on_pool_thread() const noexcept {
  return current_pool == this;
}

void FiberPool::thread_main(std::size_t index) {
  group_->install(index);
  current_pool = this;
  // Every thread must have installed its scheduler before any of them looks for work to steal.
  started_.arrive_and_wait();
  // The thread's main fiber is the dispatcher for work from outside the pool. It is pinned to
  // this thread and parks on the inbox, which lets the scheduler run pool fibers meanwhile; it
  // returns once shutdown() closes the inbox, and the thread then exits after the scheduler has
  // finished the fibers still attached to it (none: the gate drained them).
  while (auto task = inbox_.receive()) launch(std::move(*task));
}

void FiberPool::spawn_task(Task task) {
  Gate::Holder entry = gate_.enter();
  Task fiber_body([this, holder = std::move(entry), work = std::move(task)]() mutable {
    try {
      work();
    } catch (const boost::context::detail::forced_unwind&) {
      throw;  // Boost.Context unwinding a fiber's stack: not ours to swallow
    } catch (...) {
      report(Error::from_current_exception());
    }
    // Destroy what the task captured (a promise, resources) before leaving the gate, so that
    // shutdown() returning means the work's destructors have run too.
    work = Task();
    holder.release();
  });
  if (on_pool_thread()) {
    launch(std::move(fiber_body));
  } else {
    inbox_.send(std::move(fiber_body));
  }
}

void FiberPool::launch(Task task) {
  // Launched on the calling pool thread's ready queue; an idle sibling may steal it.
  if (options_.stack_size == 0) {
    boost::fibers::fiber(std::move(task)).detach();
  } else {
    boost::fibers::fiber(std::allocator_arg, boost::fibers::fixedsize_stack(options_.stack_size),
                         std::move(task))
        .detach();
  }
}

void FiberPool::report(const Error& error) noexcept {
  try {
    if (options_.on_error) {
      options_.on_error(error);
      return;
    }
  } catch (...) {
    // An error handler that throws has nowhere to throw to; fall through to stderr.
  }
  std::fprintf(stderr, "sluice: uncaught error in fiber: %s: %s\n",
               std::string(to_string(error.code())).c_str(), error.message().c_str());
}

void FiberPool::shutdown() {
  if (on_pool_thread()) {
    throw Error(ErrorCode::kFailedPrecondition,
                "FiberPool::shutdown called from a fiber of the same pool");
  }
  std::call_once(shutdown_once_, [this] {
    gate_.close();
    inbox_.close();
    for (auto& thread : threads_) thread.join();
  });
}

}  // namespace sluice::runtime
