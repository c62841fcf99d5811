#pragma once

// Cancellation, Seastar style: whoever owns an operation's lifetime holds an AbortSource and
// calls request_abort(); the operation subscribes a callback that interrupts whatever it is
// waiting on (a sleep, a channel, a queue), and checks abort_requested() between steps.
// Shutdown is the usual trigger, so an aborted wait ends in Error(kCancelled).

#include <atomic>
#include <functional>
#include <list>
#include <memory>
#include <string>

#include <boost/fiber/mutex.hpp>

#include "runtime/clock.h"

namespace sluice::runtime {

class AbortSource {
 public:
  using Callback = std::function<void()>;

  // Keeps a callback registered; destroying (or reset()ting) it unregisters the callback, and
  // once that returns the callback is neither running nor will run. Move-only.
  class Subscription {
   public:
    Subscription() noexcept = default;
    Subscription(Subscription&& other) noexcept;
    Subscription& operator=(Subscription&& other) noexcept;
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;
    ~Subscription() { reset(); }

    void reset() noexcept;
    // False when empty: moved from, reset, or subscribed after the abort (the callback ran
    // immediately then).
    explicit operator bool() const noexcept { return source_ != nullptr; }

   private:
    friend class AbortSource;
    Subscription(AbortSource* source, std::list<Callback>::iterator it) noexcept
        : source_(source), it_(it) {}

    AbortSource* source_ = nullptr;
    std::list<Callback>::iterator it_{};
  };

  AbortSource() = default;
  // Subscriptions point into the source: it is neither copyable nor movable, and must outlive
  // them (share it through AbortSourcePtr when lifetimes are not nested).
  AbortSource(const AbortSource&) = delete;
  AbortSource& operator=(const AbortSource&) = delete;
  ~AbortSource() = default;

  // Marks the source aborted and runs every subscribed callback once, in subscription order, on
  // the calling fiber or thread. Only the first call does anything; `reason` becomes the message
  // of the kCancelled errors that follow. Callbacks must not throw and must not subscribe to or
  // unsubscribe from this same source (they run under its lock). Not async-signal-safe: a signal
  // handler should wake a thread that calls this.
  void request_abort(std::string reason = "operation aborted");

  bool abort_requested() const noexcept { return requested_.load(std::memory_order_acquire); }

  // Throws Error(kCancelled, reason) if abort was requested; for loops to poll between steps.
  void check() const;

  // Registers `cb` to run on request_abort(). If abort was already requested, `cb` runs right
  // away on the caller (so a waiter can subscribe first and never miss the wake-up) and the
  // returned subscription is empty. The caller must not hold a lock that `cb` takes.
  [[nodiscard]] Subscription subscribe(Callback cb);

 private:
  // A fiber mutex, not std::mutex: callbacks typically lock a fiber mutex, which may suspend
  // the calling fiber; suspending while holding a std::mutex could deadlock its thread.
  mutable boost::fibers::mutex mu_;
  std::atomic<bool> requested_{false};
  std::string reason_;  // written once before requested_ is set, read only after
  std::list<Callback> callbacks_;
};

using AbortSourcePtr = std::shared_ptr<AbortSource>;

// Suspends the calling fiber until `clock` reaches `deadline`. Throws Error(kCancelled) if
// `abort` is requested before (or while) it waits; abort wins if both happen. Works from a plain
// thread too (then it blocks the thread). Uses an untimed fiber wait plus a clock timer; see
// clock.h for why.
void sleep_until(Clock::TimePoint deadline, AbortSource& abort,
                 Clock& clock = *SystemClock::instance());

// sleep_until(clock.now() + delay, abort, clock).
void sleep_for(Clock::Duration delay, AbortSource& abort, Clock& clock = *SystemClock::instance());

// Suspends the calling fiber (or blocks the calling thread) until `abort` is requested; returns
// at once if it already was. For work that runs "until told to stop" and has nothing to poll.
void wait_for_abort(AbortSource& abort);

}  // namespace sluice::runtime
