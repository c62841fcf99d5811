#include "runtime/work_stealing.h"

#include <random>

#include <boost/fiber/scheduler.hpp>
#include <boost/fiber/type.hpp>

namespace sluice::runtime::detail {

namespace {

using boost::fibers::context;

bool is_pinned(const context* ctx) noexcept {
  return ctx->is_context(boost::fibers::type::pinned_context);
}

}  // namespace

void StealingGroup::install(std::size_t index) {
  members_.at(index) = new StealingScheduler(*this, index);
  context::active()->get_scheduler()->set_algo(members_[index]);
}

void StealingScheduler::awakened(context* ctx) noexcept {
  const bool pinned = is_pinned(ctx);
  // An unpinned ready fiber belongs to no thread until some thread picks it (here or stolen).
  if (!pinned) ctx->detach();
  {
    std::lock_guard lock(queue_mu_);
    queue_.push_back(ctx);
    if (!pinned) stealable_.fetch_add(1);
  }
  if (pinned) return;
  // Readied while another fiber runs here (spawned, notified, sent a value; in 1.74 a yielding
  // fiber too, which the next fiber re-queues after the switch), it waits until that one
  // suspends: an idle sibling should take it. Not when the dispatcher moves woken fibers in,
  // because this thread picks the next one right away.
  const context* active = context::active();
  if (active != ctx && !active->is_context(boost::fibers::type::dispatcher_context)) {
    wake_idle_sibling();
  }
}

context* StealingScheduler::pick_next() noexcept {
  context* next = nullptr;
  bool surplus = false;
  {
    std::lock_guard lock(queue_mu_);
    if (!queue_.empty()) {
      next = queue_.front();
      queue_.pop_front();
      if (!is_pinned(next)) stealable_.fetch_sub(1);
      surplus = stealable_.load() > 0;
    }
  }
  if (next != nullptr) {
    if (!is_pinned(next)) context::active()->attach(next);
    // This thread is about to be busy with `next` while more work waits here.
    if (surplus) wake_idle_sibling();
    return next;
  }
  const std::size_t n = group_.members_.size();
  if (n < 2) return nullptr;
  thread_local std::minstd_rand random{std::random_device{}()};
  const std::size_t start = random() % n;
  for (std::size_t k = 0; k < n; ++k) {
    const std::size_t victim = (start + k) % n;
    if (victim == index_ || !group_.members_[victim]) continue;
    if (context* stolen = group_.members_[victim]->steal()) {
      context::active()->attach(stolen);
      return stolen;
    }
  }
  return nullptr;
}

bool StealingScheduler::has_ready_fibers() const noexcept {
  std::lock_guard lock(queue_mu_);
  return !queue_.empty();
}

context* StealingScheduler::steal() noexcept {
  std::lock_guard lock(queue_mu_);
  if (stealable_.load() == 0) return nullptr;
  for (auto it = queue_.begin(); it != queue_.end(); ++it) {
    if (!is_pinned(*it)) {
      context* ctx = *it;
      queue_.erase(it);
      stealable_.fetch_sub(1);
      return ctx;
    }
  }
  return nullptr;
}

void StealingScheduler::suspend_until(
    const std::chrono::steady_clock::time_point& deadline) noexcept {
  idle_.store(true);
  for (const auto& sibling : group_.members_) {
    if (sibling && sibling.get() != this && sibling->has_stealable()) {
      // Work appeared after pick_next() looked; go back and steal it rather than sleep.
      idle_.store(false);
      return;
    }
  }
  {
    std::unique_lock lock(sleep_mu_);
    if (deadline == std::chrono::steady_clock::time_point::max()) {
      sleep_cv_.wait(lock, [this] { return notified_; });
    } else {
      sleep_cv_.wait_until(lock, deadline, [this] { return notified_; });
    }
    notified_ = false;
  }
  idle_.store(false);
}

void StealingScheduler::notify() noexcept {
  {
    std::lock_guard lock(sleep_mu_);
    notified_ = true;
  }
  sleep_cv_.notify_all();
}

void StealingScheduler::wake_idle_sibling() noexcept {
  const std::size_t n = group_.members_.size();
  for (std::size_t k = 1; k < n; ++k) {
    const auto& sibling = group_.members_[(index_ + k) % n];
    if (sibling && sibling->is_idle()) {
      sibling->notify();
      return;
    }
  }
}

}  // namespace sluice::runtime::detail
