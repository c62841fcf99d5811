#include "controller/key_queue.h"

namespace sluice::controller {

KeyQueue::KeyQueue(std::string name, Metrics& metrics,
                   runtime::WorkQueue<std::string>::Options options)
    : name_(std::move(name)), metrics_(metrics), queue_(std::move(options)) {}

void KeyQueue::add(const std::string& key) {
  {
    std::lock_guard lock(mu_);
    ready_since_.try_emplace(key, std::chrono::steady_clock::now());
  }
  queue_.add(key);
  update_depth();
}

void KeyQueue::add_after(const std::string& key, runtime::Clock::Duration delay) {
  {
    std::lock_guard lock(mu_);
    const auto due = std::chrono::steady_clock::now() + delay;
    auto [it, inserted] = ready_since_.try_emplace(key, due);
    if (!inserted && due < it->second) it->second = due;
  }
  queue_.add_after(key, delay);
}

std::optional<std::string> KeyQueue::get() {
  std::optional<std::string> key = queue_.get();
  if (key) {
    std::lock_guard lock(mu_);
    if (const auto it = ready_since_.find(*key); it != ready_since_.end()) {
      const double waited =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - it->second).count();
      metrics_.workqueue_latency.labels({name_}).observe(waited > 0 ? waited : 0);
      ready_since_.erase(it);
    }
  }
  update_depth();
  return key;
}

void KeyQueue::done(const std::string& key) {
  queue_.done(key);
  update_depth();
}

void KeyQueue::update_depth() {
  metrics_.workqueue_depth.labels({name_}).set(static_cast<double>(queue_.len()));
}

}  // namespace sluice::controller
