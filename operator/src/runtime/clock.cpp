#include "runtime/clock.h"

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

namespace sluice::runtime {
namespace detail {

// The pending callbacks of one clock. Plain std::mutex: nothing under it blocks or calls out,
// callbacks always run after the lock is released (they take fiber locks of their own).
class TimerCore {
 public:
  using TimePoint = Clock::TimePoint;

  std::uint64_t add(TimePoint deadline, std::function<void()> fn) {
    std::lock_guard lock(mu_);
    const std::uint64_t id = next_id_++;
    entries_.emplace(Key{deadline, id}, std::move(fn));
    index_.emplace(id, deadline);
    changed_.notify_all();
    return id;
  }

  bool cancel(std::uint64_t id) noexcept {
    std::lock_guard lock(mu_);
    const auto it = index_.find(id);
    if (it == index_.end()) return false;
    entries_.erase(Key{it->second, id});
    index_.erase(it);
    changed_.notify_all();
    return true;
  }

  // Removes and returns the callbacks due at `now`, earliest first. Caller holds `lock`.
  std::vector<std::function<void()>> take_due_locked(TimePoint now) {
    std::vector<std::function<void()>> due;
    while (!entries_.empty() && entries_.begin()->first.first <= now) {
      auto node = entries_.extract(entries_.begin());
      index_.erase(node.key().second);
      due.push_back(std::move(node.mapped()));
    }
    return due;
  }

  std::mutex& mutex() { return mu_; }
  std::condition_variable& changed() { return changed_; }
  bool empty_locked() const { return entries_.empty(); }
  std::size_t size_locked() const { return entries_.size(); }
  TimePoint next_deadline_locked() const { return entries_.begin()->first.first; }

  // Time of a ManualClock (unused by SystemClock); atomic so now() needs no lock.
  std::atomic<Clock::Duration::rep> manual_now{0};
  bool stopping = false;  // SystemClock: guarded by mu_

 private:
  // (deadline, id): ids break ties so equal deadlines fire in scheduling order.
  using Key = std::pair<TimePoint, std::uint64_t>;

  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::map<Key, std::function<void()>> entries_;
  std::unordered_map<std::uint64_t, TimePoint> index_;
  std::uint64_t next_id_ = 1;
};

}  // namespace detail

namespace {
void run_all(std::vector<std::function<void()>>& callbacks) {
  for (auto& fn : callbacks) fn();
}
}  // namespace

Timer::Timer(Timer&& other) noexcept
    : core_(std::move(other.core_)), id_(std::exchange(other.id_, 0)) {}

Timer& Timer::operator=(Timer&& other) noexcept {
  if (this != &other) {
    cancel();
    core_ = std::move(other.core_);
    id_ = std::exchange(other.id_, 0);
  }
  return *this;
}

bool Timer::cancel() noexcept {
  const std::uint64_t id = std::exchange(id_, 0);
  if (id == 0) return false;
  const auto core = core_.lock();
  core_.reset();
  return core != nullptr && core->cancel(id);
}

// ---------------------------------------------------------------------------------------------

SystemClock::SystemClock() : core_(std::make_shared<detail::TimerCore>()) {
  thread_ = std::thread([this] { run(); });
}

SystemClock::~SystemClock() {
  {
    std::lock_guard lock(core_->mutex());
    core_->stopping = true;
  }
  core_->changed().notify_all();
  thread_.join();
}

const ClockPtr& SystemClock::instance() {
  static const ClockPtr clock = std::make_shared<SystemClock>();
  return clock;
}

Timer SystemClock::call_at(TimePoint deadline, std::function<void()> fn) {
  return Timer(core_, core_->add(deadline, std::move(fn)));
}

void SystemClock::run() {
  std::unique_lock lock(core_->mutex());
  while (!core_->stopping) {
    if (core_->empty_locked()) {
      core_->changed().wait(lock);
      continue;
    }
    const TimePoint deadline = core_->next_deadline_locked();
    if (std::chrono::steady_clock::now() < deadline) {
      // Wakes early when an earlier timer is added or one is cancelled; the loop re-reads.
      core_->changed().wait_until(lock, deadline);
      continue;
    }
    auto due = core_->take_due_locked(std::chrono::steady_clock::now());
    lock.unlock();
    run_all(due);
    lock.lock();
  }
}

// ---------------------------------------------------------------------------------------------

ManualClock::ManualClock(TimePoint start) : core_(std::make_shared<detail::TimerCore>()) {
  core_->manual_now.store(start.time_since_epoch().count());
}

ManualClock::~ManualClock() = default;

Clock::TimePoint ManualClock::now() const noexcept {
  return TimePoint(Duration(core_->manual_now.load()));
}

Timer ManualClock::call_at(TimePoint deadline, std::function<void()> fn) {
  return Timer(core_, core_->add(deadline, std::move(fn)));
}

void ManualClock::advance(Duration delta) {
  std::vector<std::function<void()>> due;
  {
    // Time moves under the timer lock: a call_at that returns after this block sees the new
    // time through now(), one that returned before it has its callback collected here.
    std::lock_guard lock(core_->mutex());
    const Duration::rep next = core_->manual_now.load() + (delta.count() > 0 ? delta.count() : 0);
    core_->manual_now.store(next);
    due = core_->take_due_locked(TimePoint(Duration(next)));
  }
  run_all(due);
}

std::size_t ManualClock::pending_timers() const {
  std::lock_guard lock(core_->mutex());
  return core_->size_locked();
}

void ManualClock::wait_for_timers(std::size_t n) const {
  std::unique_lock lock(core_->mutex());
  core_->changed().wait(lock, [&] { return core_->size_locked() >= n; });
}

}  // namespace sluice::runtime
