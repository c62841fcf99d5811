#pragma once

// Client-side request rate limit: a token bucket shared by every request of one Client (and
// the clients made from it with impersonating()), as client-go's QPS/Burst.
//
// Tokens refill at `qps` per second up to `burst`; each request takes one. When the bucket is
// empty the request is given the next free slot (tokens may go negative, so waiters are served
// in the order they asked) and waits for it on the injected clock with runtime::sleep_until,
// which suspends a fiber without blocking its thread.

#include <mutex>

#include "runtime/clock.h"

namespace sluice::kube {

class TokenBucket {
 public:
  // qps <= 0 turns the limit off. burst < 1 acts as 1.
  TokenBucket(double qps, int burst, const runtime::ClockPtr& clock);

  // Takes a token and returns when the caller may send: now() if one was there, else the
  // time its reserved token becomes available.
  runtime::Clock::TimePoint reserve();

  // reserve(), then waits until then (returns at once when a token was there).
  void acquire();

 private:
  double qps_;
  double burst_;
  runtime::ClockPtr clock_;
  std::mutex mu_;  // held only for arithmetic, never across a wait
  double tokens_;
  runtime::Clock::TimePoint last_;
};

}  // namespace sluice::kube
