#include "runtime/backoff.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

namespace sluice::runtime {

RandomSource default_random_source() {
  return [] {
    thread_local std::mt19937_64 engine{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
  };
}

std::chrono::nanoseconds BackoffPolicy::delay(std::uint32_t failures,
                                              double random) const noexcept {
  const double ceiling = static_cast<double>(std::max<std::int64_t>(max.count(), 0));
  if (base.count() <= 0 || ceiling <= 0) return std::chrono::nanoseconds(0);  // and no 0 * inf
  const double growth = factor >= 1.0 ? factor : 1.0;                         // also maps NaN to 1
  // Computed in double so that base * factor^n saturates at infinity instead of overflowing;
  // min() then brings it back to the ceiling.
  double nanos = std::min(
      static_cast<double>(base.count()) * std::pow(growth, static_cast<double>(failures)), ceiling);
  const double spread = jitter > 0.0 ? std::min(jitter, 1.0) : 0.0;
  const double r = random > 0.0 ? std::min(random, 1.0) : 0.0;
  nanos *= 1.0 + spread * (2.0 * r - 1.0);
  nanos = std::clamp(nanos, 0.0, ceiling);
  return std::chrono::nanoseconds(std::llround(nanos));
}

Backoff::Backoff(BackoffPolicy policy, RandomSource random)
    : policy_(policy), random_(random ? std::move(random) : default_random_source()) {}

std::chrono::nanoseconds Backoff::next() {
  const auto d = policy_.delay(failures_, random_());
  if (failures_ < std::numeric_limits<std::uint32_t>::max()) ++failures_;
  return d;
}

}  // namespace sluice::runtime
