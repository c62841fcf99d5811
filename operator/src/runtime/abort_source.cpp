#include "runtime/abort_source.h"

#include <mutex>
#include <utility>

#include <boost/fiber/condition_variable.hpp>

#include "core/error.h"

namespace sluice::runtime {

AbortSource::Subscription::Subscription(Subscription&& other) noexcept
    : source_(std::exchange(other.source_, nullptr)), it_(other.it_) {}

AbortSource::Subscription& AbortSource::Subscription::operator=(Subscription&& other) noexcept {
  if (this != &other) {
    reset();
    source_ = std::exchange(other.source_, nullptr);
    it_ = other.it_;
  }
  return *this;
}

void AbortSource::Subscription::reset() noexcept {
  AbortSource* source = std::exchange(source_, nullptr);
  if (source == nullptr) return;
  // Taking the lock waits out a request_abort() that is running callbacks right now.
  std::lock_guard lock(source->mu_);
  source->callbacks_.erase(it_);
}

void AbortSource::request_abort(std::string reason) {
  std::lock_guard lock(mu_);
  if (requested_.load(std::memory_order_relaxed)) return;
  reason_ = std::move(reason);
  requested_.store(true, std::memory_order_release);
  for (auto& cb : callbacks_) cb();
}

void AbortSource::check() const {
  if (abort_requested()) throw Error(ErrorCode::kCancelled, reason_);
}

AbortSource::Subscription AbortSource::subscribe(Callback cb) {
  {
    std::lock_guard lock(mu_);
    if (!requested_.load(std::memory_order_relaxed)) {
      callbacks_.push_back(std::move(cb));
      return Subscription(this, std::prev(callbacks_.end()));
    }
  }
  cb();
  return {};
}

namespace {

// What a sleeper and its wakers (timer, abort) share. Owned through shared_ptr because a timer
// callback can still be running after the sleeper cancelled it and returned.
struct Wakeup {
  boost::fibers::mutex mu;
  boost::fibers::condition_variable cv;
  bool woken = false;
};

}  // namespace

void sleep_until(Clock::TimePoint deadline, AbortSource& abort, Clock& clock) {
  abort.check();
  if (clock.now() >= deadline) return;

  auto state = std::make_shared<Wakeup>();
  auto wake = [state] {
    std::lock_guard lock(state->mu);
    state->woken = true;
    state->cv.notify_all();
  };
  // Subscribe and arm before locking: an abort or a deadline that lands in between has already
  // set `woken` (or moved now()) when the predicate is first evaluated below.
  AbortSource::Subscription subscription = abort.subscribe(wake);
  Timer timer = clock.call_at(deadline, wake);
  {
    std::unique_lock lock(state->mu);
    state->cv.wait(lock, [&] { return state->woken || clock.now() >= deadline; });
  }
  timer.cancel();
  subscription.reset();
  abort.check();
}

void sleep_for(Clock::Duration delay, AbortSource& abort, Clock& clock) {
  sleep_until(clock.now() + delay, abort, clock);
}

void wait_for_abort(AbortSource& abort) {
  auto state = std::make_shared<Wakeup>();
  AbortSource::Subscription subscription = abort.subscribe([state] {
    std::lock_guard lock(state->mu);
    state->woken = true;
    state->cv.notify_all();
  });
  std::unique_lock lock(state->mu);
  state->cv.wait(lock, [&] { return state->woken; });
}

}  // namespace sluice::runtime
