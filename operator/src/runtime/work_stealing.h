#pragma once

// Internal to FiberPool: the Boost.Fiber scheduling algorithm its threads run.
//
// Why not boost::fibers::algo::work_stealing: in Boost 1.74 it keeps its thread registry in
// static members behind a function-local static barrier, so a process can create exactly one
// group of work-stealing threads, once (boostorg/fiber#217) - no second pool, no pool restarted
// after shutdown, no pool per test. With one thread its steal loop never terminates either
// (it draws a victim other than itself from {0}). This is the same algorithm - a FIFO ready
// queue per thread, idle threads steal the oldest unpinned fiber of a random sibling - with the
// registry owned by the pool, plus one addition: a thread that readies a fiber while busy wakes
// an idle sibling to steal it, instead of letting it wait until the busy fiber yields.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <vector>

#include <boost/fiber/algo/algorithm.hpp>
#include <boost/fiber/context.hpp>
#include <boost/intrusive_ptr.hpp>

namespace sluice::runtime::detail {

class StealingGroup;

class StealingScheduler final : public boost::fibers::algo::algorithm {
 public:
  StealingScheduler(StealingGroup& group, std::size_t index) noexcept
      : group_(group), index_(index) {}

  // boost::fibers::algo::algorithm; called by the owning thread's scheduler only.
  void awakened(boost::fibers::context* ctx) noexcept override;
  boost::fibers::context* pick_next() noexcept override;
  bool has_ready_fibers() const noexcept override;
  void suspend_until(const std::chrono::steady_clock::time_point& deadline) noexcept override;
  // Called from any thread: a fiber of this thread became ready elsewhere, or shutdown.
  void notify() noexcept override;

  // Called by siblings: takes the oldest ready fiber that may migrate (not a thread's main
  // fiber), already detached from this thread, or nullptr.
  boost::fibers::context* steal() noexcept;
  bool has_stealable() const noexcept { return stealable_.load() > 0; }
  bool is_idle() const noexcept { return idle_.load(); }

 private:
  void wake_idle_sibling() noexcept;

  StealingGroup& group_;
  const std::size_t index_;

  mutable std::mutex queue_mu_;
  std::deque<boost::fibers::context*> queue_;
  // Unpinned entries of queue_, updated under queue_mu_ but read lock-free by siblings.
  // seq_cst with idle_: a thread going idle sets idle_ then reads siblings' stealable_, a thread
  // queueing work bumps stealable_ then reads siblings' idle_, so one of them sees the other.
  std::atomic<std::size_t> stealable_{0};
  std::atomic<bool> idle_{false};

  std::mutex sleep_mu_;
  std::condition_variable sleep_cv_;
  bool notified_ = false;  // sticky, so a notify() just before suspend_until() is not lost
};

// The schedulers of one FiberPool, one per thread.
class StealingGroup {
 public:
  explicit StealingGroup(std::size_t threads) : members_(threads) {}
  StealingGroup(const StealingGroup&) = delete;
  StealingGroup& operator=(const StealingGroup&) = delete;
  ~StealingGroup() = default;

  // Makes member `index` the scheduling algorithm of the calling thread. Each index exactly
  // once, before that thread runs a fiber; members may steal only after every member is
  // installed (FiberPool holds its threads at a latch until then), because install() writes the
  // slot siblings read. The group keeps each scheduler alive after its thread exits, so a late
  // steal attempt finds an empty queue rather than freed memory.
  void install(std::size_t index);

  std::size_t size() const noexcept { return members_.size(); }

 private:
  friend class StealingScheduler;
  std::vector<boost::intrusive_ptr<StealingScheduler>> members_;
};

}  // namespace sluice::runtime::detail
