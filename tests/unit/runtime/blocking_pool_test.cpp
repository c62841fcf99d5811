#include "runtime/blocking_pool.h"

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include <boost/fiber/operations.hpp>
#include <gtest/gtest.h>

#include "core/error.h"
#include "runtime/fiber_pool.h"

namespace sluice::runtime {
namespace {

using namespace std::chrono_literals;

TEST(BlockingPool, RunsOnItsOwnThreads) {
  BlockingPool blocking(2);
  EXPECT_EQ(blocking.size(), 2u);
  const auto caller = std::this_thread::get_id();
  EXPECT_NE(blocking.run([] { return std::this_thread::get_id(); }), caller);
}

TEST(BlockingPool, ExceptionsReachTheWaitingFiber) {
  FiberPool pool(1);
  BlockingPool blocking(1);
  const ErrorCode code = pool.run([&] {
    try {
      blocking.run([]() -> int { throw Error(ErrorCode::kUnavailable, "fetch failed"); });
    } catch (const Error& e) {
      return e.code();
    }
    return ErrorCode::kInternal;
  });
  EXPECT_EQ(code, ErrorCode::kUnavailable);
  EXPECT_THROW(blocking.run([] { throw std::runtime_error("plain thread too"); }),
               std::runtime_error);
}

// The reason the blocking pool exists. On a one-thread fiber pool, a fiber waiting for a 200 ms
// blocking call must leave the thread to the other fibers; the same call made directly on the
// fiber thread stops them all.
TEST(BlockingPool, BlockingCallDoesNotStallOtherFibers) {
  std::atomic<bool> stop{false};  // before the pool: the ticker reads them until it drains
  std::atomic<long> ticks{0};
  FiberPool pool(1);
  BlockingPool blocking(1);
  pool.spawn([&] {
    while (!stop) {
      ticks.fetch_add(1);
      boost::this_fiber::yield();
    }
  });
  auto ticks_during = [&](auto&& wait) {
    return pool.run([&] {
      while (ticks == 0) boost::this_fiber::yield();  // the ticker is running
      const long before = ticks;
      wait();
      return ticks - before;
    });
  };

  const long offloaded =
      ticks_during([&] { blocking.run([] { std::this_thread::sleep_for(200ms); }); });
  const long inline_sleep = ticks_during([] { std::this_thread::sleep_for(200ms); });
  stop = true;

  EXPECT_GT(offloaded, 100);   // typically millions; the bound only proves progress
  EXPECT_EQ(inline_sleep, 0);  // one thread, blocked: nothing else can run
}

TEST(BlockingPool, ShutdownFinishesQueuedWorkThenRefuses) {
  BlockingPool blocking(1);
  std::atomic<int> ran{0};
  std::vector<boost::fibers::future<void>> results;
  results.reserve(5);
  for (int i = 0; i < 5; ++i) {
    results.push_back(blocking.submit([&] {
      std::this_thread::sleep_for(5ms);
      ++ran;
    }));
  }
  blocking.shutdown();
  EXPECT_EQ(ran.load(), 5);
  for (auto& result : results) EXPECT_NO_THROW(result.get());
  try {
    blocking.run([] {});
    FAIL() << "run after shutdown did not throw";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kCancelled);
  }
}

}  // namespace
}  // namespace sluice::runtime
