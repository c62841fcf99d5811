#include "runtime/work_queue.h"

#include <array>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/fiber/operations.hpp>
#include <gtest/gtest.h>

#include "runtime/fiber_pool.h"
#include "test_util.h"

namespace sluice::runtime {
namespace {

using namespace std::chrono_literals;
using testing::eventually;
using Queue = WorkQueue<std::string>;
using TimePoint = Clock::TimePoint;

// What a worker fiber was handed, and at what (manual) time; filled by the fiber, read by the
// test thread.
class Recorder {
 public:
  void record(std::string key, TimePoint at) {
    {
      std::lock_guard lock(mu_);
      items_.emplace_back(std::move(key), at);
    }
    changed_.notify_all();
  }

  // Waits until `n` keys were recorded (hang guard: 20 s).
  bool wait_for(std::size_t n) {
    std::unique_lock lock(mu_);
    return changed_.wait_for(lock, 20s, [&] { return items_.size() >= n; });
  }

  std::vector<std::pair<std::string, TimePoint>> items() {
    std::lock_guard lock(mu_);
    return items_;
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  std::vector<std::pair<std::string, TimePoint>> items_;
};

// Shuts the queue down first on the way out, so the pool's drain does not wait forever for a
// worker parked in get(), even when an assertion ends the test early.
struct ShutDownOnExit {
  Queue& queue;
  ~ShutDownOnExit() { queue.shut_down(); }
};

Queue::Options manual(const std::shared_ptr<ManualClock>& clock, double qps = 0) {
  Queue::Options options;
  options.clock = clock;
  options.qps = qps;
  return options;
}

// One worker: get, note the time, done, record.
void start_worker(FiberPool& pool, Queue& queue, const Clock& clock, Recorder& recorder) {
  pool.spawn([&] {
    while (auto key = queue.get()) {
      const TimePoint at = clock.now();
      queue.done(*key);
      recorder.record(*key, at);
    }
  });
}

TEST(WorkQueue, AKeyWaitingInTheQueueIsThereOnce) {
  Queue queue(manual(std::make_shared<ManualClock>()));
  for (const char* key : {"a", "b", "a", "a", "b", "c"}) queue.add(key);
  EXPECT_EQ(queue.len(), 3u);
  EXPECT_EQ(queue.get(), "a");  // ready keys: a plain thread does not block
  EXPECT_EQ(queue.get(), "b");
  EXPECT_EQ(queue.get(), "c");
  EXPECT_EQ(queue.len(), 0u);
}

TEST(WorkQueue, KeyAddedWhileProcessingIsQueuedOnceAfterDone) {
  Queue queue(manual(std::make_shared<ManualClock>()));
  queue.add("a");
  ASSERT_EQ(queue.get(), "a");
  queue.add("a");
  queue.add("a");
  EXPECT_EQ(queue.len(), 0u);  // not handed to a second worker while the first has it
  queue.done("a");
  EXPECT_EQ(queue.len(), 1u);  // queued once, for the changes seen mid-processing
  ASSERT_EQ(queue.get(), "a");
  queue.done("a");
  EXPECT_EQ(queue.len(), 0u);
}

TEST(WorkQueue, WorkersNeverShareAKeyAndNoAddIsLost) {
  constexpr int kKeys = 8;
  Queue::Options fast;
  fast.qps = 0;
  Queue unlimited(fast);
  std::array<std::atomic<bool>, kKeys> in_flight{};
  std::array<std::atomic<bool>, kKeys> pending{};  // added but not yet handed out since
  std::atomic<int> overlaps{0};
  std::atomic<int> handed_out{0};
  FiberPool pool(2);  // after what its fibers use: destroyed (drained) first
  ShutDownOnExit guard{unlimited};
  for (int w = 0; w < 4; ++w) {
    pool.spawn([&] {
      while (auto key = unlimited.get()) {
        const int k = std::stoi(*key);
        pending[k] = false;
        if (in_flight[k].exchange(true)) ++overlaps;
        boost::this_fiber::yield();  // let other workers run meanwhile
        in_flight[k] = false;
        ++handed_out;
        unlimited.done(*key);
      }
    });
  }
  for (int i = 0; i < 20'000; ++i) {
    const int k = i % kKeys;
    pending[k] = true;  // before add(): a worker that gets the key after this clears it
    unlimited.add(std::to_string(k));
  }
  EXPECT_TRUE(eventually([&] {
    for (const auto& p : pending) {
      if (p) return false;
    }
    return unlimited.len() == 0;
  }));
  EXPECT_EQ(overlaps.load(), 0);
  EXPECT_GE(handed_out.load(), kKeys);
  EXPECT_LE(handed_out.load(), 20'000);
}

TEST(WorkQueue, TokenBucketHandsOutAtTheConfiguredRate) {
  auto clock = std::make_shared<ManualClock>();
  Queue queue(manual(clock, /*qps=*/10));  // one key per 100 ms...
  Recorder recorder;  // before the pool, which drains the worker that writes it
  FiberPool pool(1);
  ShutDownOnExit guard{queue};
  for (const char* key : {"a", "b", "c", "d"}) queue.add(key);
  start_worker(pool, queue, *clock, recorder);

  // The default burst (100) lets a quiet queue hand out at once.
  ASSERT_TRUE(recorder.wait_for(4));
  for (const auto& [key, at] : recorder.items()) EXPECT_EQ(at, TimePoint{}) << key;
}

TEST(WorkQueue, TokenBucketDeadlinesAreExact) {
  auto clock = std::make_shared<ManualClock>();
  Queue::Options options = manual(clock, /*qps=*/10);
  options.burst = 2;  // two at once, then one per 100 ms
  Queue queue(options);
  Recorder recorder;  // before the pool, which drains the worker that writes it
  FiberPool pool(1);
  ShutDownOnExit guard{queue};
  for (const char* key : {"a", "b", "c", "d"}) queue.add(key);
  start_worker(pool, queue, *clock, recorder);

  ASSERT_TRUE(recorder.wait_for(2));
  clock->wait_for_timers(1);  // the worker waits for the next token
  clock->advance(99ms);
  std::this_thread::sleep_for(10ms);  // room to misbehave
  EXPECT_EQ(recorder.items().size(), 2u);
  clock->advance(1ms);
  ASSERT_TRUE(recorder.wait_for(3));
  clock->wait_for_timers(1);
  clock->advance(100ms);
  ASSERT_TRUE(recorder.wait_for(4));

  const auto items = recorder.items();
  const std::vector<std::pair<std::string, TimePoint>> expected{{"a", TimePoint{}},
                                                                {"b", TimePoint{}},
                                                                {"c", TimePoint{} + 100ms},
                                                                {"d", TimePoint{} + 200ms}};
  EXPECT_EQ(items, expected);
}

TEST(WorkQueue, RateLimitedAddsBackOffPerKey) {
  auto clock = std::make_shared<ManualClock>();
  Queue::Options options = manual(clock);
  options.backoff = {.base = 10ms, .factor = 2.0, .max = 1s, .jitter = 0.0};
  Queue queue(options);
  Recorder recorder;  // before the pool, which drains the worker that writes it
  FiberPool pool(1);
  ShutDownOnExit guard{queue};
  start_worker(pool, queue, *clock, recorder);

  // Each round: fail again (add_rate_limited), wait out exactly the expected delay.
  TimePoint expected_at{};
  std::size_t handed = 0;
  auto retry_and_expect = [&](std::chrono::milliseconds delay, std::uint32_t retries) {
    queue.add_rate_limited("x");
    EXPECT_EQ(queue.retries("x"), retries);
    EXPECT_EQ(queue.delayed(), 1u);
    clock->wait_for_timers(1);
    clock->advance(delay - 1ms);
    std::this_thread::sleep_for(5ms);  // room to misbehave
    EXPECT_EQ(recorder.items().size(), handed);
    clock->advance(1ms);
    ASSERT_TRUE(recorder.wait_for(++handed));
    expected_at += delay;
    EXPECT_EQ(recorder.items().back(), std::make_pair(std::string("x"), expected_at));
  };
  retry_and_expect(10ms, 1);
  retry_and_expect(20ms, 2);
  retry_and_expect(40ms, 3);
  EXPECT_EQ(queue.retries("y"), 0u);  // per key
  queue.forget("x");
  EXPECT_EQ(queue.retries("x"), 0u);
  retry_and_expect(10ms, 1);  // back to the base delay
}

TEST(WorkQueue, AddAfterDelaysAndTheEarlierDeadlineWins) {
  auto clock = std::make_shared<ManualClock>();
  Queue queue(manual(clock));
  Recorder recorder;  // before the pool, which drains the worker that writes it
  FiberPool pool(1);
  ShutDownOnExit guard{queue};
  queue.add_after("a", 5s);
  queue.add_after("a", 10s);  // later: ignored
  queue.add_after("b", 3s);
  queue.add_after("b", 1s);  // earlier: replaces 3 s
  EXPECT_EQ(queue.delayed(), 2u);
  EXPECT_EQ(queue.len(), 0u);
  start_worker(pool, queue, *clock, recorder);

  clock->wait_for_timers(1);
  clock->advance(1s);
  ASSERT_TRUE(recorder.wait_for(1));
  clock->wait_for_timers(1);
  clock->advance(4s);
  ASSERT_TRUE(recorder.wait_for(2));
  clock->advance(10s);
  std::this_thread::sleep_for(10ms);  // room to misbehave: neither key may come back
  const std::vector<std::pair<std::string, TimePoint>> expected{{"b", TimePoint{} + 1s},
                                                                {"a", TimePoint{} + 5s}};
  EXPECT_EQ(recorder.items(), expected);

  queue.add_after("now", 0s);  // no delay: ready at once
  ASSERT_TRUE(recorder.wait_for(3));
  EXPECT_EQ(recorder.items().back().first, "now");
}

TEST(WorkQueue, GetWaitsForAnAdd) {
  Queue queue;
  std::atomic<bool> returned{false};
  FiberPool pool(1);
  ShutDownOnExit guard{queue};
  auto got = pool.submit([&] {
    auto key = queue.get();
    returned = true;
    return key;
  });
  std::this_thread::sleep_for(20ms);  // room to misbehave
  EXPECT_FALSE(returned);
  queue.add("k");
  EXPECT_EQ(got.get(), "k");
}

TEST(WorkQueue, ShutDownWakesEveryWaitingGetter) {
  Queue queue;
  FiberPool pool(2);
  std::vector<boost::fibers::future<std::optional<std::string>>> getters;
  getters.reserve(3);
  for (int i = 0; i < 3; ++i) getters.push_back(pool.submit([&] { return queue.get(); }));
  queue.add_after("later", 1h);       // a pending deadline must not keep them either
  std::this_thread::sleep_for(20ms);  // let them park (not required for the outcome)
  queue.shut_down();
  for (auto& getter : getters) EXPECT_EQ(getter.get(), std::nullopt);
  EXPECT_TRUE(queue.shutting_down());
  queue.add("ignored");
  EXPECT_EQ(queue.len(), 0u);
  EXPECT_EQ(queue.get(), std::nullopt);
}

}  // namespace
}  // namespace sluice::runtime
