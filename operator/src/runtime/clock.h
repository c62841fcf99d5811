#pragma once

// Time for the runtime: a `Clock` says what time it is and calls back at a deadline. Everything
// in sluice that waits for time (sleeps, work-queue delays, rate limits) goes through a Clock so
// tests can swap in `ManualClock` and assert exact deadlines instead of sleeping.
//
// Why timers call back instead of fibers waiting with a timeout: in Boost 1.74 the timed waits
// of Boost.Fiber (condition_variable::wait_until, buffered_channel::push_wait_for, ...) race
// when the waiter times out while another thread notifies it and the fiber may resume on another
// thread (boostorg/fiber#251, #259; fixed in 1.75 by #261). Our pools migrate fibers between
// threads, so the runtime never uses a timed fiber wait: a waiter blocks untimed and a Clock timer
// notifies it at the deadline.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <thread>

namespace sluice::runtime {

namespace detail {
class TimerCore;  // the clock-side timer list; defined in clock.cpp
}

// A callback scheduled with `Clock::call_at`. Destroying or cancelling the handle before the
// deadline removes the callback; a Timer that has fired is inert. Move-only.
class Timer {
 public:
  Timer() noexcept = default;
  Timer(Timer&& other) noexcept;
  Timer& operator=(Timer&& other) noexcept;
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;
  ~Timer() { cancel(); }

  // Returns true if the callback was removed before it started. False means it already ran, is
  // running right now on the clock's thread, or the handle is empty: a callback can therefore
  // run after cancel() returns, so it must only touch state it co-owns (capture a shared_ptr).
  bool cancel() noexcept;

  explicit operator bool() const noexcept { return id_ != 0; }

 private:
  friend class SystemClock;
  friend class ManualClock;
  Timer(std::weak_ptr<detail::TimerCore> core, std::uint64_t id) noexcept
      : core_(std::move(core)), id_(id) {}

  // weak: a Timer may outlive its clock (then it simply has nothing left to cancel).
  std::weak_ptr<detail::TimerCore> core_;
  std::uint64_t id_ = 0;
};

class Clock {
 public:
  using Duration = std::chrono::steady_clock::duration;
  using TimePoint = std::chrono::steady_clock::time_point;

  Clock() = default;
  Clock(const Clock&) = delete;
  Clock& operator=(const Clock&) = delete;
  virtual ~Clock() = default;

  // Monotonic time; never goes backwards.
  virtual TimePoint now() const noexcept = 0;

  // Calls `fn` once, at or after `deadline`, on a thread owned by the clock (see each clock).
  // A deadline already passed fires as soon as the clock gets to it, never inside call_at, so
  // the caller may hold locks that `fn` takes. `fn` must be short and must not throw: it runs on
  // a shared timer thread (typically it locks a fiber mutex and notifies a fiber condition
  // variable). Callers that might miss a ManualClock advance racing with call_at re-check
  // `now()` after arming; see sleep_until in abort_source.cpp.
  [[nodiscard]] virtual Timer call_at(TimePoint deadline, std::function<void()> fn) = 0;

  [[nodiscard]] Timer call_after(Duration delay, std::function<void()> fn) {
    return call_at(now() + delay, std::move(fn));
  }
};

using ClockPtr = std::shared_ptr<Clock>;

// Real time: std::chrono::steady_clock, with one timer thread per instance that runs due
// callbacks in deadline order.
class SystemClock final : public Clock {
 public:
  SystemClock();
  // Joins the timer thread; callbacks not yet due are dropped without running.
  ~SystemClock() override;

  // The process-wide instance that runtime types use when no clock is passed in.
  static const ClockPtr& instance();

  TimePoint now() const noexcept override { return std::chrono::steady_clock::now(); }
  [[nodiscard]] Timer call_at(TimePoint deadline, std::function<void()> fn) override;

 private:
  void run();

  std::shared_ptr<detail::TimerCore> core_;
  std::thread thread_;
};

// Test time: stands still until `advance()`. Callbacks run on the thread calling advance(), so
// a test decides exactly when a sleeping fiber or a delayed work-queue key becomes due.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start = TimePoint{});
  ~ManualClock() override;

  TimePoint now() const noexcept override;
  [[nodiscard]] Timer call_at(TimePoint deadline, std::function<void()> fn) override;

  // Moves time forward by `delta` (>= 0), then runs every callback whose deadline is now due,
  // in deadline order, on the calling thread. Callbacks see the final time.
  void advance(Duration delta);

  // Number of callbacks scheduled and not yet run or cancelled.
  std::size_t pending_timers() const;

  // Blocks the calling OS thread until at least `n` callbacks are pending: the way a test knows
  // a fiber has reached its timed wait before advancing time. Call it from a plain thread.
  void wait_for_timers(std::size_t n) const;

 private:
  std::shared_ptr<detail::TimerCore> core_;
};

}  // namespace sluice::runtime
