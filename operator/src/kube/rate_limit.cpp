#include "kube/rate_limit.h"

#include <algorithm>
#include <chrono>
#include <utility>

#include "runtime/abort_source.h"

namespace sluice::kube {

TokenBucket::TokenBucket(double qps, int burst, const runtime::ClockPtr& clock)
    : qps_(qps),
      burst_(std::max(burst, 1)),
      clock_(clock ? clock : runtime::SystemClock::instance()),
      tokens_(burst_),
      last_(clock_->now()) {}

runtime::Clock::TimePoint TokenBucket::reserve() {
  const auto now = clock_->now();
  if (qps_ <= 0) return now;
  std::lock_guard lock(mu_);
  const std::chrono::duration<double> elapsed = now - last_;
  last_ = now;
  tokens_ = std::min(burst_, tokens_ + elapsed.count() * qps_);
  tokens_ -= 1;
  if (tokens_ >= 0) return now;
  return now + std::chrono::duration_cast<runtime::Clock::Duration>(
                   std::chrono::duration<double>(-tokens_ / qps_));
}

void TokenBucket::acquire() {
  const auto at = reserve();
  if (at <= clock_->now()) return;
  runtime::AbortSource never;  // waits are short and bounded by qps; shutdown does not cut them
  runtime::sleep_until(at, never, *clock_);
}

}  // namespace sluice::kube
