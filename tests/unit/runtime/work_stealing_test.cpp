// The scheduler of work_stealing.h is exercised through FiberPool, its only user.

#include "runtime/work_stealing.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>

#include <boost/fiber/fiber.hpp>
#include <boost/fiber/operations.hpp>
#include <gtest/gtest.h>

#include "runtime/fiber_pool.h"

namespace sluice::runtime {
namespace {

using namespace std::chrono_literals;

// A fiber queued behind a fiber that never yields can only run if the other thread steals it.
TEST(WorkStealing, IdleThreadStealsWorkQueuedBehindABusyFiber) {
  std::atomic<bool> ran{false};
  FiberPool pool(2);
  const bool child_ran = pool.run([&] {
    pool.spawn([&] { ran = true; });                              // queued on this thread
    const auto give_up = std::chrono::steady_clock::now() + 20s;  // hang guard only
    while (!ran && std::chrono::steady_clock::now() < give_up) {
      // Busy without yielding: this thread cannot run the child itself.
    }
    return ran.load();
  });
  EXPECT_TRUE(child_ran);
}

TEST(WorkStealing, FibersMigrateAndStillComplete) {
  std::mutex mu;
  std::set<std::thread::id> threads;
  std::atomic<int> done{0};
  FiberPool pool(2);
  pool.run([&] {
    std::vector<boost::fibers::fiber> fibers;
    fibers.reserve(64);
    for (int i = 0; i < 64; ++i) {
      fibers.emplace_back([&] {
        for (int step = 0; step < 100; ++step) {
          {
            std::lock_guard lock(mu);
            threads.insert(std::this_thread::get_id());
          }
          boost::this_fiber::yield();
        }
        ++done;
      });
    }
    for (auto& fiber : fibers) fiber.join();
  });
  EXPECT_EQ(done.load(), 64);
  EXPECT_GE(threads.size(), 1u);
  EXPECT_LE(threads.size(), 2u);  // never ran anywhere but the pool's two threads
}

}  // namespace
}  // namespace sluice::runtime
