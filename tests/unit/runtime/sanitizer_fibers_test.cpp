#include "runtime/sanitizer_fibers.h"

#include <stdexcept>
#include <vector>

#include <boost/fiber/fiber.hpp>
#include <boost/fiber/operations.hpp>
#include <gtest/gtest.h>

#include "runtime/fiber_pool.h"

namespace sluice::runtime {
namespace {

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kSanitizerBuild = true;
#else
constexpr bool kSanitizerBuild = false;
#endif

TEST(SanitizerFibers, HooksAreInstalledExactlyInSanitizerBuilds) {
  EXPECT_EQ(sanitizer_fiber_hooks_installed(), kSanitizerBuild);
}

// Boost.Fiber switches inside libboost_fiber; the hooks see those switches only because the
// executable's definitions win over libboost_context's.
TEST(SanitizerFibers, SeeTheSwitchesBoostFiberMakes) {
  constexpr int kFibers = 10;
  constexpr int kYields = 10;
  const std::uint64_t before = sanitizer_fiber_switch_count();
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
  const std::uint64_t switches = sanitizer_fiber_switch_count() - before;
  if (kSanitizerBuild) {
    EXPECT_GE(switches, static_cast<std::uint64_t>(kFibers * kYields));
  } else {
    EXPECT_EQ(switches, 0u);
  }
}

// Exceptions thrown and caught deep on fiber stacks of fibers that migrate between threads: the
// error model's common case. Under ASan, unwinding must unpoison the fiber's stack (not the
// thread's), or later frames there read as overflows.
TEST(SanitizerFibers, ExceptionsOnMigratingFibers) {
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
