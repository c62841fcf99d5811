#pragma once

// Exponential backoff with jitter, for retrying failed reconciles and fetches.
//
//   delay(n) = min(max, base * factor^n) * (1 + jitter * (2r - 1)),  clamped to [0, max]
//
// where n counts the failures so far and r is drawn from the random source in [0, 1). Jitter
// spreads retries of many keys that failed together (an API server restart) so they do not
// return in lockstep. The random source is injectable so tests get exact delays.

#include <chrono>
#include <cstdint>
#include <functional>

namespace sluice::runtime {

// Returns a uniformly distributed double in [0, 1). Called from whichever fiber asks for a
// delay; the default one is thread-safe.
using RandomSource = std::function<double()>;

// The default RandomSource: a thread-local Mersenne twister seeded from std::random_device.
RandomSource default_random_source();

struct BackoffPolicy {
  std::chrono::nanoseconds base = std::chrono::milliseconds(5);  // first delay
  double factor = 2.0;                                           // growth per failure, >= 1
  std::chrono::nanoseconds max = std::chrono::minutes(5);        // ceiling, jitter included
  double jitter = 0.0;  // fraction in [0, 1]: 0.1 spreads each delay over +-10%

  // The delay after `failures` previous failures, with `random` in [0, 1). Pure: same inputs,
  // same delay. Out-of-range fields are clamped (factor < 1 acts as 1, jitter to [0, 1]).
  std::chrono::nanoseconds delay(std::uint32_t failures, double random) const noexcept;
};

// One retry sequence: next() returns successive delays, reset() starts over after a success.
// A small value type; not thread-safe (one per retrying fiber or key).
class Backoff {
 public:
  explicit Backoff(BackoffPolicy policy = {}, RandomSource random = default_random_source());

  Backoff(const Backoff&) = default;
  Backoff& operator=(const Backoff&) = default;
  Backoff(Backoff&&) noexcept = default;
  Backoff& operator=(Backoff&&) noexcept = default;
  ~Backoff() = default;

  // The delay to wait before the next attempt; each call counts one more failure.
  std::chrono::nanoseconds next();

  void reset() noexcept { failures_ = 0; }

  // Failures counted since construction or the last reset().
  std::uint32_t failures() const noexcept { return failures_; }

  const BackoffPolicy& policy() const noexcept { return policy_; }

 private:
  BackoffPolicy policy_;
  RandomSource random_;
  std::uint32_t failures_ = 0;
};

}  // namespace sluice::runtime
