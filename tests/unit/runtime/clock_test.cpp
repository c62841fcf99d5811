#include "runtime/clock.h"

#include <atomic>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace sluice::runtime {
namespace {

using namespace std::chrono_literals;

TEST(ManualClock, StandsStillUntilAdvanced) {
  const Clock::TimePoint start = Clock::TimePoint{} + 1h;
  ManualClock clock(start);
  EXPECT_EQ(clock.now(), start);
  std::this_thread::sleep_for(2ms);
  EXPECT_EQ(clock.now(), start);
  clock.advance(5s);
  EXPECT_EQ(clock.now(), start + 5s);
  clock.advance(-1s);  // time never goes back
  EXPECT_EQ(clock.now(), start + 5s);
}

TEST(ManualClock, FiresDueTimersInDeadlineOrderOnAdvance) {
  ManualClock clock;
  std::vector<int> fired;
  std::vector<Timer> timers;
  for (int seconds : {3, 1, 2, 5, 1}) {
    timers.push_back(clock.call_after(std::chrono::seconds(seconds),
                                      [&fired, seconds] { fired.push_back(seconds); }));
  }
  EXPECT_EQ(clock.pending_timers(), 5u);
  clock.advance(999ms);
  EXPECT_TRUE(fired.empty());
  clock.advance(2001ms);
  EXPECT_EQ(fired, (std::vector<int>{1, 1, 2, 3}));
  EXPECT_EQ(clock.pending_timers(), 1u);
  clock.advance(2s);
  EXPECT_EQ(fired, (std::vector<int>{1, 1, 2, 3, 5}));
  EXPECT_EQ(clock.pending_timers(), 0u);
}

TEST(ManualClock, PastDeadlineFiresOnNextAdvanceNotInsideCallAt) {
  ManualClock clock(Clock::TimePoint{} + 10s);
  bool fired = false;
  Timer timer = clock.call_at(Clock::TimePoint{} + 1s, [&] { fired = true; });
  EXPECT_FALSE(fired);
  clock.advance(0s);
  EXPECT_TRUE(fired);
}

TEST(Timer, CancelAndDestructionRemoveTheCallback) {
  ManualClock clock;
  int fired = 0;
  Timer cancelled = clock.call_after(1s, [&] { ++fired; });
  EXPECT_TRUE(cancelled.cancel());
  EXPECT_FALSE(cancelled);
  EXPECT_FALSE(cancelled.cancel());  // second cancel: nothing left
  {
    Timer dropped = clock.call_after(1s, [&] { ++fired; });
  }
  EXPECT_EQ(clock.pending_timers(), 0u);

  Timer kept = clock.call_after(1s, [&] { ++fired; });
  Timer moved = std::move(kept);
  clock.advance(1s);
  EXPECT_EQ(fired, 1);
  EXPECT_FALSE(moved.cancel());  // already ran
}

TEST(Timer, OutlivingItsClockIsHarmless) {
  Timer timer;
  {
    ManualClock clock;
    timer = clock.call_after(1s, [] {});
  }
  EXPECT_FALSE(timer.cancel());
}

TEST(ManualClock, WaitForTimersReturnsOnceArmed) {
  ManualClock clock;
  Timer timer;  // written by `armer` only, read after join
  std::thread armer([&] {
    std::this_thread::sleep_for(10ms);
    timer = clock.call_after(1s, [] {});
  });
  clock.wait_for_timers(1);
  EXPECT_EQ(clock.pending_timers(), 1u);
  armer.join();
}

TEST(SystemClock, FiresAtOrAfterTheDeadlineInDeadlineOrder) {
  SystemClock clock;
  std::mutex mu;
  std::vector<int> order;
  std::promise<Clock::TimePoint> last;
  const auto start = clock.now();
  std::vector<Timer> timers;
  for (int ms : {30, 10, 20}) {
    timers.push_back(clock.call_at(start + std::chrono::milliseconds(ms), [&, ms] {
      std::lock_guard lock(mu);
      order.push_back(ms);
      if (order.size() == 3) last.set_value(clock.now());
    }));
  }
  auto done = last.get_future();
  ASSERT_EQ(done.wait_for(20s), std::future_status::ready);
  EXPECT_GE(done.get(), start + 30ms);
  std::lock_guard lock(mu);
  EXPECT_EQ(order, (std::vector<int>{10, 20, 30}));
}

TEST(SystemClock, CancelledTimerNeverFires) {
  SystemClock clock;
  std::atomic<bool> fired{false};
  Timer timer = clock.call_after(20ms, [&] { fired = true; });
  EXPECT_TRUE(timer.cancel());
  std::promise<void> later;
  Timer probe = clock.call_after(40ms, [&] { later.set_value(); });
  ASSERT_EQ(later.get_future().wait_for(20s), std::future_status::ready);
  EXPECT_FALSE(fired);
}

TEST(SystemClock, InstanceIsShared) {
  EXPECT_EQ(SystemClock::instance().get(), SystemClock::instance().get());
}

}  // namespace
}  // namespace sluice::runtime
