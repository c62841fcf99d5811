#pragma once

// WorkQueue<Key>: the queue between watches and reconcile workers, modelled on client-go's
// rate-limited work queue (k8s.io/client-go/util/workqueue), for fibers.
//
//  * De-duplication. A key waiting in the queue is there once, however often it is added. A key
//    added while a worker processes it is not handed to a second worker; it is queued once more
//    when the first calls done(key). So each key is reconciled by one worker at a time, and an
//    event that arrives mid-reconcile is never lost.
//  * Delays. add_after(key, d) makes the key ready after d (an earlier pending deadline for the
//    same key wins); add_rate_limited(key) delays by the key's exponential backoff, which
//    forget(key) resets after a success.
//  * Hand-out rate. A token bucket (qps, burst) limits how fast get() hands out keys overall, so
//    a storm of events cannot turn into a storm of API calls.
//  * Shutdown. shut_down() wakes every waiting get(), which returns nullopt from then on; keys
//    still queued are dropped (client-go would keep handing them out).
//
// All timing goes through the injected Clock, so with a ManualClock tests see exact deadlines.
// Every member is safe to call from any fiber or thread; get() suspends only the calling fiber
// (a plain thread calling it blocks).

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include <boost/fiber/condition_variable.hpp>
#include <boost/fiber/mutex.hpp>

#include "runtime/backoff.h"
#include "runtime/clock.h"

namespace sluice::runtime {

template <class Key, class Hash = std::hash<Key>, class KeyEqual = std::equal_to<Key>>
class WorkQueue {
 public:
  using Duration = Clock::Duration;
  using TimePoint = Clock::TimePoint;

  struct Options {
    double qps = 10.0;          // keys handed out per second, long-run; <= 0: no limit
    std::uint32_t burst = 100;  // keys handed out at once after a quiet spell (0 acts as 1)
    BackoffPolicy backoff{};    // per-key delays for add_rate_limited()
    RandomSource random;        // jitter source for backoff; empty: default_random_source()
    ClockPtr clock;             // empty: SystemClock::instance()
  };

  WorkQueue() : WorkQueue(Options{}) {}

  explicit WorkQueue(Options options)
      : clock_(options.clock ? std::move(options.clock) : SystemClock::instance()),
        backoff_(options.backoff),
        random_(options.random ? std::move(options.random) : default_random_source()),
        limited_(options.qps > 0),
        tat_(clock_->now()) {
    if (limited_) {
      interval_ = std::chrono::round<Duration>(std::chrono::duration<double>(1.0 / options.qps));
      tolerance_ = interval_ * (std::max<std::uint32_t>(options.burst, 1) - 1);
    }
  }

  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;
  // No get() may still be waiting (shut_down() and let the workers return first).
  ~WorkQueue() = default;

  // Marks `key` as needing processing; see de-duplication above. Ignored after shut_down().
  void add(const Key& key) {
    std::lock_guard lock(sync_->mu);
    if (add_locked(key)) sync_->cv.notify_all();
  }

  // Adds `key` once `delay` has passed (now, if delay <= 0). If the key is already waiting, the
  // earlier of the two deadlines stands. Ignored after shut_down().
  void add_after(const Key& key, Duration delay) {
    if (delay <= Duration::zero()) {
      add(key);
      return;
    }
    std::lock_guard lock(sync_->mu);
    if (shutting_down_) return;
    const TimePoint deadline = clock_->now() + delay;
    if (const auto it = waiting_.find(key); it != waiting_.end()) {
      if (it->second->first <= deadline) return;
      waiting_by_time_.erase(it->second);
      it->second = waiting_by_time_.emplace(deadline, key);
    } else {
      waiting_.emplace(key, waiting_by_time_.emplace(deadline, key));
    }
    sync_->cv.notify_all();  // a waiting get() may now have an earlier deadline to sleep to
  }

  // Adds `key` after its backoff delay (base * factor^retries, see backoff.h) and counts one
  // more retry for it. For "the reconcile failed, try again later".
  void add_rate_limited(const Key& key) {
    Duration delay{};
    {
      std::lock_guard lock(sync_->mu);
      std::uint32_t& failures = failures_[key];
      delay = std::chrono::duration_cast<Duration>(backoff_.delay(failures, random_()));
      if (failures < std::numeric_limits<std::uint32_t>::max()) ++failures;
    }
    add_after(key, delay);
  }

  // Resets the backoff of `key` (after it was processed successfully). Does not remove it from
  // the queue.
  void forget(const Key& key) {
    std::lock_guard lock(sync_->mu);
    failures_.erase(key);
  }

  // add_rate_limited() calls for `key` since the last forget().
  std::uint32_t retries(const Key& key) const {
    std::lock_guard lock(sync_->mu);
    const auto it = failures_.find(key);
    return it == failures_.end() ? 0 : it->second;
  }

  // Suspends until a key is ready and the rate limit allows handing it out, then returns it,
  // marked as processing: the caller must call done(key) when finished. Returns nullopt once
  // shut_down() is called, including to callers already waiting.
  std::optional<Key> get() {
    std::unique_lock lock(sync_->mu);
    for (;;) {
      if (shutting_down_) return std::nullopt;
      const TimePoint now = clock_->now();
      promote_due_locked(now);
      TimePoint wake = TimePoint::max();
      if (!queue_.empty()) {
        const TimePoint allowed = limited_ ? tat_ - tolerance_ : now;
        if (allowed <= now) {
          if (limited_) tat_ = std::max(tat_, now) + interval_;
          Key key = std::move(queue_.front());
          queue_.pop_front();
          dirty_.erase(key);
          processing_.insert(key);
          return key;
        }
        wake = allowed;
      }
      if (!waiting_by_time_.empty()) wake = std::min(wake, waiting_by_time_.begin()->first);
      wait_locked(lock, wake);
    }
  }

  // Ends processing of `key`; if it was added meanwhile, it is queued again now.
  void done(const Key& key) {
    std::lock_guard lock(sync_->mu);
    processing_.erase(key);
    if (dirty_.contains(key)) {
      queue_.push_back(key);
      sync_->cv.notify_all();
    }
  }

  // Stops the queue: adds are ignored and every get(), waiting or future, returns nullopt.
  void shut_down() {
    std::lock_guard lock(sync_->mu);
    shutting_down_ = true;
    sync_->cv.notify_all();
  }

  bool shutting_down() const {
    std::lock_guard lock(sync_->mu);
    return shutting_down_;
  }

  // Keys ready to be handed out (not counting delayed ones or those being processed).
  std::size_t len() const {
    std::lock_guard lock(sync_->mu);
    return queue_.size();
  }

  // Keys waiting for their add_after() / add_rate_limited() delay.
  std::size_t delayed() const {
    std::lock_guard lock(sync_->mu);
    return waiting_.size();
  }

 private:
  // The lock and wake-up of the queue, shared with clock timers, which may still fire (and
  // notify) after the get() that armed them has returned.
  struct Sync {
    boost::fibers::mutex mu;
    boost::fibers::condition_variable cv;
  };

  // Returns true if the key went into the ready queue (so getters should wake).
  bool add_locked(const Key& key) {
    if (shutting_down_ || dirty_.contains(key)) return false;
    dirty_.insert(key);
    if (processing_.contains(key)) return false;  // done() queues it
    queue_.push_back(key);
    return true;
  }

  void promote_due_locked(TimePoint now) {
    while (!waiting_by_time_.empty() && waiting_by_time_.begin()->first <= now) {
      auto node = waiting_by_time_.extract(waiting_by_time_.begin());
      waiting_.erase(node.mapped());
      add_locked(node.mapped());
    }
  }

  // Waits for add/done/shut_down to notify, or until `wake`. The deadline is a clock timer
  // that notifies, not a timed fiber wait (see clock.h for why).
  void wait_locked(std::unique_lock<boost::fibers::mutex>& lock, TimePoint wake) {
    if (wake == TimePoint::max()) {
      sync_->cv.wait(lock);
      return;
    }
    Timer timer = clock_->call_at(wake, [sync = sync_] {
      std::lock_guard timer_lock(sync->mu);
      sync->cv.notify_all();
    });
    // A ManualClock may have been advanced past `wake` between now() and call_at(); then the
    // timer only fires on the next advance, so do not wait for it.
    if (clock_->now() >= wake) return;
    sync_->cv.wait(lock);
  }

  const std::shared_ptr<Sync> sync_ = std::make_shared<Sync>();
  const ClockPtr clock_;
  const BackoffPolicy backoff_;
  const RandomSource random_;

  // The token bucket as GCRA (generic cell rate algorithm): `tat_` is the time the bucket would
  // be full again; a key may go out when now >= tat_ - tolerance_. Integer time keeps ManualClock
  // deadlines exact, where a floating-point token count would drift by a nanosecond.
  const bool limited_ = false;  // (set by the constructor; default for clang-tidy)
  Duration interval_{};         // 1 / qps
  Duration tolerance_{};        // (burst - 1) * interval_
  TimePoint tat_;

  std::deque<Key> queue_;                          // ready, in order
  std::unordered_set<Key, Hash, KeyEqual> dirty_;  // need processing (queued or re-added)
  std::unordered_set<Key, Hash, KeyEqual> processing_;
  using ByTime = std::multimap<TimePoint, Key>;  // equal deadlines keep insertion order
  ByTime waiting_by_time_;
  std::unordered_map<Key, typename ByTime::iterator, Hash, KeyEqual> waiting_;
  std::unordered_map<Key, std::uint32_t, Hash, KeyEqual> failures_;
  bool shutting_down_ = false;
};

template <class Key>
using WorkQueuePtr = std::shared_ptr<WorkQueue<Key>>;

}  // namespace sluice::runtime
