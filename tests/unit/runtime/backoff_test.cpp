#include "runtime/backoff.h"

#include <vector>

#include <gtest/gtest.h>

namespace sluice::runtime {
namespace {

using namespace std::chrono_literals;
using std::chrono::nanoseconds;

std::vector<nanoseconds> take(Backoff& backoff, int n) {
  std::vector<nanoseconds> delays;
  delays.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) delays.push_back(backoff.next());
  return delays;
}

TEST(Backoff, DoublesUpToTheCeilingWithoutJitter) {
  Backoff backoff({.base = 10ms, .factor = 2.0, .max = 100ms, .jitter = 0.0}, [] { return 0.7; });
  EXPECT_EQ(take(backoff, 6), (std::vector<nanoseconds>{10ms, 20ms, 40ms, 80ms, 100ms, 100ms}));
  EXPECT_EQ(backoff.failures(), 6u);
  backoff.reset();
  EXPECT_EQ(backoff.failures(), 0u);
  EXPECT_EQ(backoff.next(), 10ms);
}

TEST(Backoff, JitterSpreadsEachDelaySymmetrically) {
  const BackoffPolicy policy{.base = 100ms, .factor = 3.0, .max = 1h, .jitter = 0.2};
  Backoff low(policy, [] { return 0.0; });
  Backoff mid(policy, [] { return 0.5; });
  Backoff high(policy, [] { return 0.75; });
  EXPECT_EQ(take(low, 3), (std::vector<nanoseconds>{80ms, 240ms, 720ms}));    // -20 %
  EXPECT_EQ(take(mid, 3), (std::vector<nanoseconds>{100ms, 300ms, 900ms}));   // exact
  EXPECT_EQ(take(high, 3), (std::vector<nanoseconds>{110ms, 330ms, 990ms}));  // +10 %
}

TEST(Backoff, JitterNeverExceedsTheCeiling) {
  Backoff backoff({.base = 1s, .factor = 2.0, .max = 1s, .jitter = 0.5}, [] { return 0.999; });
  EXPECT_EQ(backoff.next(), 1s);
}

TEST(Backoff, HugeFailureCountsSaturateInsteadOfOverflowing) {
  const BackoffPolicy policy{.base = 1ms, .factor = 10.0, .max = 5min, .jitter = 0.0};
  EXPECT_EQ(policy.delay(1'000'000, 0.5), nanoseconds(5min));
  EXPECT_EQ(policy.delay(0, 0.5), nanoseconds(1ms));
}

TEST(Backoff, DefaultRandomSourceStaysInRange) {
  auto random = default_random_source();
  for (int i = 0; i < 1000; ++i) {
    const double r = random();
    ASSERT_GE(r, 0.0);
    ASSERT_LT(r, 1.0);
  }
}

}  // namespace
}  // namespace sluice::runtime
