#include "runtime/gate.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "core/error.h"
#include "runtime/abort_source.h"
#include "runtime/fiber_pool.h"

namespace sluice::runtime {
namespace {

using namespace std::chrono_literals;

TEST(Gate, HoldersAreCountedUntilReleased) {
  Gate gate;
  auto a = gate.enter();
  auto b = gate.enter();
  EXPECT_EQ(gate.count(), 2u);
  Gate::Holder moved = std::move(a);
  EXPECT_EQ(gate.count(), 2u);
  moved.release();
  moved.release();  // idempotent
  EXPECT_EQ(gate.count(), 1u);
  b = Gate::Holder();  // assigning over a holder leaves the gate
  EXPECT_EQ(gate.count(), 0u);
}

TEST(Gate, CloseWaitsForInFlightFibersThenRefusesEntry) {
  FiberPool pool(2);
  Gate gate;
  AbortSource never;
  std::atomic<int> finished{0};
  constexpr int kFibers = 10;
  for (int i = 0; i < kFibers; ++i) {
    // Entered here, before close() can run; the holder travels into the fiber.
    pool.spawn([holder = gate.enter(), &never, &finished] {
      sleep_for(20ms, never);
      ++finished;
    });
  }
  gate.close();  // from a plain thread: blocks it until every holder has left
  EXPECT_EQ(finished.load(), kFibers);
  EXPECT_EQ(gate.count(), 0u);
  EXPECT_TRUE(gate.is_closed());

  try {
    auto late = gate.enter();
    FAIL() << "entered a closed gate";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kCancelled);
  }
  EXPECT_FALSE(gate.try_enter().has_value());
  EXPECT_THROW(gate.check(), Error);
}

TEST(Gate, CloseFromSeveralThreadsAndFibersReturnsOnceDrained) {
  FiberPool pool(2);
  Gate gate;
  auto holder = gate.enter();
  std::atomic<int> closed{0};
  std::thread closer([&] {
    gate.close();
    ++closed;
  });
  pool.spawn([&] {
    gate.close();  // from a fiber: suspends only this fiber
    ++closed;
  });
  std::this_thread::sleep_for(20ms);  // room to misbehave; a correct close() cannot return
  EXPECT_EQ(closed.load(), 0);
  holder.release();
  closer.join();
  pool.shutdown();
  EXPECT_EQ(closed.load(), 2);
}

TEST(Gate, CloseOnAnEmptyGateReturnsAtOnce) {
  Gate gate;
  gate.close();
  gate.close();
  EXPECT_TRUE(gate.is_closed());
}

}  // namespace
}  // namespace sluice::runtime
