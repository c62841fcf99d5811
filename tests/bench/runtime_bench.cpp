// Micro-benchmarks of the fiber runtime (operator/src/runtime). Plain main, no framework: each
// case runs kRuns times on 1 and 2 pool threads; the median and the best run are printed. See
// docs/benchmarks.md for how to run it and read the numbers.

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/fiber/fiber.hpp>
#include <boost/fiber/operations.hpp>
#include <boost/version.hpp>

#include "runtime/channel.h"
#include "runtime/fiber_pool.h"
#include "runtime/gate.h"

namespace {

using sluice::runtime::FiberPool;
using sluice::runtime::Gate;
using sluice::runtime::make_channel;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Elapsed seconds of several runs of one case: the median is the typical cost, the best run
// the cost with the least interference from other load on the machine.
struct Timing {
  double median;
  double best;
};

constexpr int kRuns = 5;

Timing time_runs(const std::function<double()>& once) {
  std::vector<double> samples;
  samples.reserve(kRuns);
  for (int i = 0; i < kRuns; ++i) samples.push_back(once());
  std::sort(samples.begin(), samples.end());
  return {samples[samples.size() / 2], samples.front()};
}

// Prints `per_run(seconds)` for the median and the best run.
void print_row(const char* name, const std::string& threads, Timing t,
               const std::function<double(double)>& per_run, const char* unit) {
  std::printf("| %-46s | %7s | %10.1f | %10.1f | %-14s |\n", name, threads.c_str(),
              per_run(t.median), per_run(t.best), unit);
}

// source -> x2 -> +1 -> sink, every hop a Channel of 256. Stages co-own their channels and are
// joined through a Gate: a stage can still be inside close() when the sink sees the end.
Timing pipeline(std::size_t threads, std::int64_t values) {
  FiberPool pool(threads);
  return time_runs([&] {
    auto a = make_channel<std::int64_t>(256);
    auto b = make_channel<std::int64_t>(256);
    auto c = make_channel<std::int64_t>(256);
    Gate stages;
    const auto start = Clock::now();
    pool.spawn([a, values, holder = stages.enter()] {
      for (std::int64_t i = 0; i < values; ++i) a->send(i);
      a->close();
    });
    pool.spawn([a, b, holder = stages.enter()] {
      while (auto v = a->receive()) b->send(*v * 2);
      b->close();
    });
    pool.spawn([b, c, holder = stages.enter()] {
      while (auto v = b->receive()) c->send(*v + 1);
      c->close();
    });
    const std::int64_t sum = pool.run([c] {
      std::int64_t s = 0;
      while (auto v = c->receive()) s += *v;
      return s;
    });
    const double elapsed = seconds_since(start);
    stages.close();
    if (sum != values * values) std::abort();  // sum of 2i + 1 for i < n
    return elapsed;
  });
}

// Two fibers bouncing one value over two channels (capacity 1).
Timing fiber_ping_pong(std::size_t threads, int round_trips) {
  FiberPool pool(threads);
  return time_runs([&] {
    auto ping = make_channel<int>(1);
    auto pong = make_channel<int>(1);
    Gate echo;
    const auto start = Clock::now();
    pool.spawn([ping, pong, holder = echo.enter()] {
      while (auto v = ping->receive()) pong->send(*v + 1);
    });
    pool.run([&] {
      int v = 0;
      for (int i = 0; i < round_trips; ++i) {
        ping->send(v);
        v = *pong->receive();
      }
      ping->close();
      if (v != round_trips) std::abort();
    });
    const double elapsed = seconds_since(start);
    echo.close();
    return elapsed;
  });
}

// The peer: two std::threads, each queue a std::deque under std::mutex + condition_variable.
Timing thread_ping_pong(int round_trips) {
  struct Queue {
    std::mutex mu;
    std::condition_variable cv;
    std::deque<int> items;
    void push(int v) {
      {
        std::lock_guard lock(mu);
        items.push_back(v);
      }
      cv.notify_one();
    }
    int pop() {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return !items.empty(); });
      const int v = items.front();
      items.pop_front();
      return v;
    }
  };
  return time_runs([&] {
    Queue ping;
    Queue pong;
    const auto start = Clock::now();
    std::thread echo([&] {
      for (int i = 0; i < round_trips; ++i) pong.push(ping.pop() + 1);
    });
    int v = 0;
    for (int i = 0; i < round_trips; ++i) {
      ping.push(v);
      v = pong.pop();
    }
    echo.join();
    if (v != round_trips) std::abort();
    return seconds_since(start);
  });
}

// `fibers` fibers per pool thread, each yielding `yields` times.
Timing yields(std::size_t threads, int fibers_per_thread, int yields_each) {
  FiberPool pool(threads);
  return time_runs([&] {
    Gate done;
    const auto start = Clock::now();
    for (std::size_t i = 0; i < threads * static_cast<std::size_t>(fibers_per_thread); ++i) {
      pool.spawn([holder = done.enter(), yields_each] {
        for (int y = 0; y < yields_each; ++y) boost::this_fiber::yield();
      });
    }
    done.close();
    return seconds_since(start);
  });
}

// Create `fibers` fibers from a pool fiber, in waves of 1000, joining each wave.
Timing spawn_join(std::size_t threads, int fibers) {
  FiberPool pool(threads);
  return time_runs([&] {
    return pool.run([&] {
      const auto start = Clock::now();
      std::vector<boost::fibers::fiber> wave;
      wave.reserve(1000);
      for (int i = 0; i < fibers; i += 1000) {
        for (int j = 0; j < 1000; ++j) wave.emplace_back([] {});
        for (auto& f : wave) f.join();
        wave.clear();
      }
      return seconds_since(start);
    });
  });
}

// FiberPool::spawn from a plain thread (through the inbox), drained with a Gate.
Timing spawn_from_outside(std::size_t threads, int fibers) {
  FiberPool pool(threads);
  return time_runs([&] {
    Gate done;
    const auto start = Clock::now();
    for (int i = 0; i < fibers; ++i) pool.spawn([holder = done.enter()] {});
    done.close();
    return seconds_since(start);
  });
}

Timing thread_create_join(int threads) {
  return time_runs([&] {
    const auto start = Clock::now();
    for (int i = 0; i < threads; ++i) std::thread([] {}).join();
    return seconds_since(start);
  });
}

}  // namespace

int main() {
  constexpr std::int64_t kPipelineValues = 1'000'000;
  constexpr int kRoundTrips = 200'000;
  constexpr int kYieldFibers = 4;
  constexpr int kYieldsEach = 250'000;
  constexpr int kSpawns = 100'000;
  constexpr int kThreadSpawns = 5'000;

  std::printf("sluice runtime benchmark: Boost %d.%d, %u hardware threads, %d runs per case\n\n",
              BOOST_VERSION / 100000, BOOST_VERSION / 100 % 1000,
              std::thread::hardware_concurrency(), kRuns);
  std::printf("| %-46s | %7s | %10s | %10s | %-14s |\n", "case", "threads", "median", "best",
              "unit");
  std::printf("|%s|%s|%s|%s|%s|\n", std::string(48, '-').c_str(), std::string(9, '-').c_str(),
              std::string(12, '-').c_str(), std::string(12, '-').c_str(),
              std::string(16, '-').c_str());

  const auto per = [](double count, double scale) {
    return [count, scale](double seconds) { return seconds / count * scale; };
  };
  const auto rate = [](double count) {
    return [count](double seconds) { return count / seconds / 1e6; };
  };
  for (std::size_t t : {1, 2}) {
    print_row("channel pipeline, 3 stages (values out)", std::to_string(t),
              pipeline(t, kPipelineValues), rate(kPipelineValues), "M values/s");
  }
  for (std::size_t t : {1, 2}) {
    print_row("channel ping-pong, 2 fibers", std::to_string(t), fiber_ping_pong(t, kRoundTrips),
              per(kRoundTrips, 1e9), "ns/round trip");
  }
  print_row("peer: std::thread ping-pong, mutex+condvar", "2 thr", thread_ping_pong(kRoundTrips),
            per(kRoundTrips, 1e9), "ns/round trip");
  for (std::size_t t : {1, 2}) {
    // CPU time per yield: wall time x threads / yields.
    const double total = static_cast<double>(t) * kYieldFibers * kYieldsEach;
    print_row("yield, 4 fibers per thread (CPU time)", std::to_string(t),
              yields(t, kYieldFibers, kYieldsEach), per(total / static_cast<double>(t), 1e9),
              "ns/yield");
  }
  for (std::size_t t : {1, 2}) {
    print_row("fiber create+join, from a pool fiber", std::to_string(t), spawn_join(t, kSpawns),
              per(kSpawns, 1e9), "ns/fiber");
  }
  for (std::size_t t : {1, 2}) {
    print_row("FiberPool::spawn from a plain thread, drained", std::to_string(t),
              spawn_from_outside(t, kSpawns), per(kSpawns, 1e9), "ns/fiber");
  }
  print_row("peer: std::thread create+join", "-", thread_create_join(kThreadSpawns),
            per(kThreadSpawns, 1e9), "ns/thread");
  return 0;
}
