#include "runtime/fiber_pool.h"

#include <atomic>
#include <future>
#include <stdexcept>
#include <thread>
#include <vector>

#include <boost/fiber/fiber.hpp>
#include <boost/fiber/fixedsize_stack.hpp>
#include <boost/fiber/operations.hpp>
#include <gtest/gtest.h>

#include "core/error.h"
#include "runtime/abort_source.h"

namespace sluice::runtime {
namespace {

using namespace std::chrono_literals;

TEST(FiberPool, RunReturnsTheResultToAPlainThread) {
  FiberPool pool(2);
  EXPECT_EQ(pool.size(), 2u);
  EXPECT_EQ(pool.run([] { return 6 * 7; }), 42);
  bool ran = false;
  pool.run([&] { ran = true; });
  EXPECT_TRUE(ran);
}

TEST(FiberPool, RunRethrowsTheFibersException) {
  FiberPool pool(2);
  try {
    pool.run([]() -> int { throw not_found("no such app"); });
    FAIL() << "run() did not throw";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
    EXPECT_EQ(e.message(), "no such app");
  }
}

TEST(FiberPool, SubmitKeepsTheExceptionType) {
  FiberPool pool(1);
  auto future = pool.submit([] { throw std::out_of_range("index"); });
  EXPECT_THROW(future.get(), std::out_of_range);
}

TEST(FiberPool, WorkFromOutsideRunsOnPoolThreads) {
  std::promise<bool> outer;  // before the pool: set_value may still be returning at the end
  std::promise<bool> inner;
  FiberPool pool(2);
  EXPECT_FALSE(pool.on_pool_thread());
  pool.spawn([&] {
    outer.set_value(pool.on_pool_thread());
    // From a pool fiber, spawn launches locally.
    pool.spawn([&] { inner.set_value(pool.on_pool_thread()); });
  });
  EXPECT_TRUE(outer.get_future().get());
  EXPECT_TRUE(inner.get_future().get());
}

TEST(FiberPool, HundredThousandFibersCreatedAndJoinedOnTwoThreads) {
  // Created in waves so at most kWave stacks exist at once (memory, not speed, is the limit).
#if defined(__SANITIZE_THREAD__)
  // ThreadSanitizer counts each live fiber as a thread (it dies past 8128 of them) and shadows
  // each stack; 100,000 fibers ran for over 6 minutes under it on two busy cores.
  constexpr int kFibers = 20'000;
  constexpr int kWave = 5'000;
#else
  constexpr int kFibers = 100'000;
  constexpr int kWave = 10'000;
#endif
  FiberPool pool(2);
  std::atomic<int> ran{0};
  const int joined = pool.run([&] {
    int count = 0;
    std::vector<boost::fibers::fiber> fibers;
    fibers.reserve(kWave);
    for (int wave = 0; wave < kFibers / kWave; ++wave) {
      for (int i = 0; i < kWave; ++i) {
        fibers.emplace_back(
            std::allocator_arg, boost::fibers::fixedsize_stack(std::size_t{64} * 1024), [&] {
              boost::this_fiber::yield();  // interleave, and give the sibling thread a chance
              ran.fetch_add(1, std::memory_order_relaxed);
            });
      }
      for (auto& fiber : fibers) {
        fiber.join();
        ++count;
      }
      fibers.clear();
    }
    return count;
  });
  EXPECT_EQ(joined, kFibers);
  EXPECT_EQ(ran.load(), kFibers);
}

TEST(FiberPool, EscapedExceptionsGoToTheErrorHandler) {
  std::promise<Error> reported;
  FiberPool::Options options;
  options.threads = 1;
  options.on_error = [&](const Error& e) { reported.set_value(e); };
  FiberPool pool(std::move(options));
  pool.spawn([] { throw internal_error("boom"); });
  const Error error = reported.get_future().get();
  EXPECT_EQ(error.code(), ErrorCode::kInternal);
  EXPECT_EQ(error.message(), "boom");
}

TEST(FiberPool, ShutdownDrainsInFlightFibers) {
  FiberPool pool(2);
  AbortSource never;
  std::atomic<int> finished{0};
  constexpr int kFibers = 20;
  for (int i = 0; i < kFibers; ++i) {
    pool.spawn([&] {
      sleep_for(20ms, never);
      ++finished;
    });
  }
  pool.shutdown();
  EXPECT_EQ(finished.load(), kFibers);
  try {
    pool.spawn([] {});
    FAIL() << "spawn after shutdown did not throw";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kCancelled);
  }
  pool.shutdown();  // idempotent
}

TEST(FiberPool, ShutdownFromItsOwnFiberIsRefused) {
  FiberPool pool(1);
  const ErrorCode code = pool.run([&] {
    try {
      pool.shutdown();
    } catch (const Error& e) {
      return e.code();
    }
    return ErrorCode::kInternal;
  });
  EXPECT_EQ(code, ErrorCode::kFailedPrecondition);
}

// Boost 1.74's own work_stealing allows one thread group per process, ever; ours does not.
TEST(FiberPool, SeveralPoolsCoexistAndCanBeRecreated) {
  for (int round = 0; round < 3; ++round) {
    FiberPool two(2);
    FiberPool one(1);
    auto a = two.submit([&] { return two.on_pool_thread() && !one.on_pool_thread(); });
    auto b = one.submit([&] { return one.on_pool_thread() && !two.on_pool_thread(); });
    EXPECT_TRUE(a.get());
    EXPECT_TRUE(b.get());
  }
}

TEST(FiberPool, OneThreadPoolInterleavesFibers) {
  FiberPool pool(1);
  std::vector<int> order;  // one thread: no lock needed
  pool.run([&] {
    boost::fibers::fiber a([&] {
      for (int i = 0; i < 3; ++i) {
        order.push_back(1);
        boost::this_fiber::yield();
      }
    });
    boost::fibers::fiber b([&] {
      for (int i = 0; i < 3; ++i) {
        order.push_back(2);
        boost::this_fiber::yield();
      }
    });
    a.join();
    b.join();
  });
  EXPECT_EQ(order, (std::vector<int>{1, 2, 1, 2, 1, 2}));
}

TEST(FiberPool, SpawnFromManyThreadsAtOnce) {
  FiberPool pool(2);
  std::atomic<int> ran{0};
  std::vector<std::thread> spawners;
  spawners.reserve(4);
  for (int t = 0; t < 4; ++t) {
    spawners.emplace_back([&] {
      for (int i = 0; i < 2'000; ++i) pool.spawn([&] { ran.fetch_add(1); });
    });
  }
  for (auto& thread : spawners) thread.join();
  pool.shutdown();
  EXPECT_EQ(ran.load(), 8'000);
}

TEST(FiberPool, RejectsZeroThreads) {
  EXPECT_THROW(FiberPool(0), Error);
}

}  // namespace
}  // namespace sluice::runtime
