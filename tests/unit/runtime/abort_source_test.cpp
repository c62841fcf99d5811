#include "runtime/abort_source.h"

#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "core/error.h"
#include "runtime/fiber_pool.h"

namespace sluice::runtime {
namespace {

using namespace std::chrono_literals;

TEST(AbortSource, RequestAbortRunsEachCallbackOnceInOrder) {
  AbortSource source;
  std::vector<int> calls;
  auto first = source.subscribe([&] { calls.push_back(1); });
  auto second = source.subscribe([&] { calls.push_back(2); });
  EXPECT_FALSE(source.abort_requested());
  source.request_abort();
  source.request_abort();
  EXPECT_TRUE(source.abort_requested());
  EXPECT_EQ(calls, (std::vector<int>{1, 2}));
}

TEST(AbortSource, UnsubscribedCallbackDoesNotRun) {
  AbortSource source;
  int calls = 0;
  auto kept = source.subscribe([&] { calls += 1; });
  {
    auto dropped = source.subscribe([&] { calls += 100; });
  }
  auto reset = source.subscribe([&] { calls += 10; });
  reset.reset();
  EXPECT_FALSE(reset);
  AbortSource::Subscription moved = std::move(kept);
  source.request_abort();
  EXPECT_EQ(calls, 1);
}

TEST(AbortSource, SubscribingAfterAbortRunsTheCallbackAtOnce) {
  AbortSource source;
  source.request_abort();
  bool ran = false;
  auto subscription = source.subscribe([&] { ran = true; });
  EXPECT_TRUE(ran);
  EXPECT_FALSE(subscription);
}

TEST(AbortSource, CheckThrowsCancelledWithTheReason) {
  AbortSource source;
  EXPECT_NO_THROW(source.check());
  source.request_abort("shutting down");
  try {
    source.check();
    FAIL() << "check() did not throw";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kCancelled);
    EXPECT_EQ(e.message(), "shutting down");
  }
}

TEST(SleepFor, ReturnsWhenTheClockReachesTheDeadline) {
  FiberPool pool(1);
  ManualClock clock;
  AbortSource never;
  std::atomic<bool> woke{false};
  auto slept = pool.submit([&] {
    sleep_for(5s, never, clock);
    woke = true;
    return clock.now();
  });
  clock.wait_for_timers(1);
  clock.advance(4s);
  std::this_thread::sleep_for(20ms);  // room to misbehave; cannot make a correct sleeper wake
  EXPECT_FALSE(woke);
  clock.advance(1s);
  EXPECT_EQ(slept.get(), Clock::TimePoint{} + 5s);
}

TEST(SleepFor, AbortCancelsTheSleepEarly) {
  FiberPool pool(1);
  ManualClock clock;
  AbortSource abort;
  auto outcome = pool.submit([&]() -> Error {
    try {
      sleep_for(1h, abort, clock);
    } catch (const Error& e) {
      return e;
    }
    return internal_error("sleep was not cancelled");
  });
  clock.wait_for_timers(1);  // the fiber is asleep
  abort.request_abort("stop");
  const Error error = outcome.get();
  EXPECT_EQ(error.code(), ErrorCode::kCancelled);
  EXPECT_EQ(error.message(), "stop");
  EXPECT_EQ(clock.now(), Clock::TimePoint{});  // no time passed: it was the abort
  EXPECT_EQ(clock.pending_timers(), 0u);       // and the sleep's timer was cancelled
}

TEST(SleepFor, AbortCancelsARealTimeSleep) {
  FiberPool pool(2);
  AbortSource abort;
  std::atomic<bool> sleeping{false};
  const auto start = std::chrono::steady_clock::now();
  auto outcome = pool.submit([&] {
    sleeping = true;
    try {
      sleep_for(60s, abort);
    } catch (const Error& e) {
      return e.code();
    }
    return ErrorCode::kInternal;
  });
  while (!sleeping) std::this_thread::yield();
  abort.request_abort();
  EXPECT_EQ(outcome.get(), ErrorCode::kCancelled);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 30s);  // hang guard, far below 60 s
}

TEST(SleepFor, ThrowsAtOnceWhenAlreadyAborted) {
  ManualClock clock;
  AbortSource abort;
  abort.request_abort();
  EXPECT_THROW(sleep_for(1h, abort, clock), Error);  // from a plain thread, no wait
  EXPECT_EQ(clock.pending_timers(), 0u);
}

TEST(SleepFor, WorksFromAPlainThread) {
  AbortSource never;
  const auto start = std::chrono::steady_clock::now();
  sleep_for(2ms, never);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 2ms);
}

TEST(WaitForAbort, ReturnsOnceAbortIsRequestedFromAnotherFiber) {
  FiberPool pool(2);
  AbortSource abort;
  std::atomic<bool> waiting{false};
  std::atomic<bool> returned{false};
  auto done = pool.submit([&] {
    waiting = true;
    wait_for_abort(abort);
    returned = true;
  });
  while (!waiting) std::this_thread::yield();
  std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(returned);  // still waiting: nothing asked it to stop
  abort.request_abort();
  done.get();
  EXPECT_TRUE(returned);
}

TEST(WaitForAbort, ReturnsAtOnceWhenAlreadyAborted) {
  AbortSource abort;
  abort.request_abort();
  wait_for_abort(abort);  // from a plain thread: must not block
  SUCCEED();
}

}  // namespace
}  // namespace sluice::runtime
