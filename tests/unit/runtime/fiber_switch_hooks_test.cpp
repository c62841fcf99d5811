#include "runtime/fiber_switch_hooks.h"

#include <exception>
#include <stdexcept>
#include <vector>

#include <boost/fiber/fiber.hpp>
#include <boost/fiber/operations.hpp>
#include <gtest/gtest.h>

#include "runtime/fiber_pool.h"

namespace sluice::runtime {
namespace {

TEST(FiberSwitchHooks, AreInstalledInEveryBuild) {
  EXPECT_TRUE(fiber_switch_hooks_installed());
}

// Boost.Fiber switches inside libboost_fiber; the hooks see those switches only because the
// executable's definitions win over libboost_context's.
TEST(FiberSwitchHooks, SeeTheSwitchesBoostFiberMakes) {
  constexpr int kFibers = 10;
  constexpr int kYields = 10;
  const std::uint64_t before = fiber_switch_count();
  FiberPool pool(1);
  pool.run([] {
    std::vector<boost::fibers::fiber> fibers;
    fibers.reserve(kFibers);
    for (int i = 0; i < kFibers; ++i) {
      fibers.emplace_back([] {
        for (int j = 0; j < kYields; ++j) boost::this_fiber::yield();
      });
    }
    for (auto& fiber : fibers) fiber.join();
  });
  EXPECT_GE(fiber_switch_count() - before, static_cast<std::uint64_t>(kFibers * kYields));
}

// A catch block that suspends (a status write or an event in an error path) must find its own
// exception when it resumes, whatever other fibers caught meanwhile on that thread and on
// whichever thread it resumes; and ending it must release its own exception, not another's.
TEST(FiberSwitchHooks, ACatchBlockThatSuspendsKeepsItsOwnException) {
  FiberPool pool(2);
  constexpr int kTasks = 100;
  constexpr int kRounds = 20;
  std::vector<boost::fibers::future<int>> results;
  results.reserve(kTasks);
  for (int task = 0; task < kTasks; ++task) {
    results.push_back(pool.submit([task] {
      int own = 0;
      for (int round = 0; round < kRounds; ++round) {
        const int value = task * kRounds + round;
        try {
          throw value;
        } catch (const int& thrown) {
          boost::this_fiber::yield();
          try {
            std::rethrow_exception(std::current_exception());
          } catch (const int& again) {
            if (again == value && &again == &thrown) ++own;
          } catch (...) {
          }
        }
      }
      return own;
    }));
  }
  for (auto& result : results) EXPECT_EQ(result.get(), kRounds);
}

// std::uncaught_exceptions() is per fiber too: a destructor running during one fiber's unwinding
// that suspends must not make another fiber's destructors think they unwind.
TEST(FiberSwitchHooks, UncaughtExceptionsAreCountedPerFiber) {
  FiberPool pool(1);
  std::vector<int> seen;
  pool.run([&seen] {
    struct SuspendsWhileUnwinding {
      ~SuspendsWhileUnwinding() { boost::this_fiber::yield(); }
    };
    boost::fibers::fiber unwinding([] {
      try {
        SuspendsWhileUnwinding guard;
        throw std::runtime_error("unwinding");
      } catch (const std::runtime_error&) {
      }
    });
    boost::fibers::fiber bystander([&seen] {
      for (int i = 0; i < 3; ++i) {
        seen.push_back(std::uncaught_exceptions());
        boost::this_fiber::yield();
      }
    });
    unwinding.join();
    bystander.join();
  });
  EXPECT_EQ(seen, (std::vector<int>{0, 0, 0}));
}

// Exceptions thrown and caught deep on fiber stacks of fibers that migrate between threads: the
// error model's common case. Under ASan, unwinding must unpoison the fiber's stack (not the
// thread's), or later frames there read as overflows.
TEST(FiberSwitchHooks, ExceptionsOnMigratingFibers) {
  FiberPool pool(2);
  constexpr int kTasks = 200;
  std::vector<boost::fibers::future<int>> results;
  results.reserve(kTasks);
  for (int i = 0; i < kTasks; ++i) {
    results.push_back(pool.submit([i] {
      int caught = 0;
      for (int round = 0; round < 20; ++round) {
        try {
          char buffer[64] = {};
          buffer[round] = static_cast<char>(i);
          boost::this_fiber::yield();
          if (buffer[round] == static_cast<char>(i)) throw std::runtime_error("expected");
        } catch (const std::runtime_error&) {
          ++caught;
        }
      }
      return caught;
    }));
  }
  for (auto& result : results) EXPECT_EQ(result.get(), 20);
}

}  // namespace
}  // namespace sluice::runtime
