#include "runtime/gate.h"

#include <mutex>
#include <utility>

#include "core/error.h"

namespace sluice::runtime {

Gate::Holder::Holder(Holder&& other) noexcept : gate_(std::exchange(other.gate_, nullptr)) {}

Gate::Holder& Gate::Holder::operator=(Holder&& other) noexcept {
  if (this != &other) {
    release();
    gate_ = std::exchange(other.gate_, nullptr);
  }
  return *this;
}

void Gate::Holder::release() noexcept {
  if (Gate* gate = std::exchange(gate_, nullptr)) gate->leave();
}

Gate::Holder Gate::enter() {
  if (auto holder = try_enter()) return std::move(*holder);
  throw Error(ErrorCode::kCancelled, "gate is closed");
}

std::optional<Gate::Holder> Gate::try_enter() {
  std::lock_guard lock(mu_);
  // Checked under the lock so that close(), which sets the flag under it too, never returns
  // while an entry it did not see is on its way in.
  if (closed_.load(std::memory_order_relaxed)) return std::nullopt;
  ++count_;
  return Holder(this);
}

void Gate::close() {
  std::unique_lock lock(mu_);
  closed_.store(true, std::memory_order_release);
  drained_.wait(lock, [this] { return count_ == 0; });
}

void Gate::check() const {
  if (is_closed()) throw Error(ErrorCode::kCancelled, "gate is closed");
}

std::size_t Gate::count() const {
  std::lock_guard lock(mu_);
  return count_;
}

void Gate::leave() noexcept {
  std::lock_guard lock(mu_);
  if (--count_ == 0 && closed_.load(std::memory_order_relaxed)) drained_.notify_all();
}

}  // namespace sluice::runtime
