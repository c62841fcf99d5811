#include "runtime/channel.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>

#include <gtest/gtest.h>

#include "core/error.h"
#include "runtime/fiber_pool.h"
#include "test_util.h"

namespace sluice::runtime {
namespace {

using namespace std::chrono_literals;
using testing::eventually;

TEST(Channel, CapacityRoundsUpAndHoldsAtLeastWhatWasAskedFor) {
  EXPECT_EQ(Channel<int>(0).capacity(), 1u);
  EXPECT_EQ(Channel<int>(1).capacity(), 1u);
  EXPECT_EQ(Channel<int>(3).capacity(), 3u);  // buffer of 4, one slot kept free
  EXPECT_EQ(Channel<int>(4).capacity(), 7u);  // buffer of 8
  EXPECT_EQ(Channel<int>(1000).capacity(), 1023u);

  Channel<int> channel(5);
  std::size_t sent = 0;
  for (int i = 0; channel.try_send(int{i}) == ChannelStatus::kSuccess; ++i) ++sent;
  EXPECT_EQ(sent, channel.capacity());
  EXPECT_GE(sent, 5u);
}

TEST(Channel, CarriesMoveOnlyValues) {
  Channel<std::unique_ptr<int>> channel(2);
  channel.send(std::make_unique<int>(7));
  auto value = channel.receive();
  ASSERT_TRUE(value.has_value());
  ASSERT_NE(*value, nullptr);
  EXPECT_EQ(**value, 7);
}

struct NoDefault {
  explicit NoDefault(int v) : value(v) {}
  int value;
};

TEST(Channel, CarriesTypesWithoutADefaultConstructor) {
  Channel<NoDefault> channel(2);
  channel.send(NoDefault(3));
  std::optional<NoDefault> out;
  EXPECT_EQ(channel.try_receive(out), ChannelStatus::kSuccess);
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(out->value, 3);
}

TEST(Channel, TrySendLeavesTheValueWithTheCallerOnFailure) {
  Channel<std::unique_ptr<int>> channel(1);
  auto first = std::make_unique<int>(1);
  EXPECT_EQ(channel.try_send(std::move(first)), ChannelStatus::kSuccess);
  auto second = std::make_unique<int>(2);
  EXPECT_EQ(channel.try_send(std::move(second)), ChannelStatus::kFull);
  ASSERT_NE(second, nullptr);  // NOLINT(bugprone-use-after-move): documented to stay put
  EXPECT_EQ(*second, 2);       // NOLINT(bugprone-use-after-move)
  channel.close();
  EXPECT_EQ(channel.try_send(std::move(second)), ChannelStatus::kClosed);
  EXPECT_NE(second, nullptr);  // NOLINT(bugprone-use-after-move)
}

TEST(Channel, CloseDeliversWhatWasBufferedThenEnds) {
  Channel<int> channel(4);
  std::optional<int> out;
  EXPECT_EQ(channel.try_receive(out), ChannelStatus::kEmpty);
  for (int i = 1; i <= 3; ++i) channel.send(i);
  channel.close();
  channel.close();  // idempotent
  EXPECT_TRUE(channel.is_closed());
  try {
    channel.send(4);
    FAIL() << "send on a closed channel did not throw";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kCancelled);
  }
  EXPECT_EQ(channel.receive(), 1);
  EXPECT_EQ(channel.try_receive(out), ChannelStatus::kSuccess);
  EXPECT_EQ(out, 2);
  EXPECT_EQ(channel.receive(), 3);
  EXPECT_EQ(channel.receive(), std::nullopt);
  EXPECT_EQ(channel.try_receive(out), ChannelStatus::kClosed);
}

TEST(Channel, CloseWakesBlockedReceiversAndSenders) {
  FiberPool pool(2);
  auto empty = make_channel<int>(1);
  auto full = make_channel<int>(1);
  full->send(0);
  std::atomic<int> waiting{0};
  auto received = pool.submit([&] {
    ++waiting;
    return empty->receive();
  });
  auto sent = pool.submit([&] {
    ++waiting;
    full->send(1);  // blocks: the channel is full
  });
  ASSERT_TRUE(eventually([&] { return waiting == 2; }));
  empty->close();
  full->close();
  EXPECT_EQ(received.get(), std::nullopt);
  EXPECT_THROW(sent.get(), Error);
}

TEST(Channel, SendSuspendsWhileFull) {
  FiberPool pool(1);
  auto channel = make_channel<int>(2);
  const auto capacity = static_cast<int>(channel->capacity());
  std::atomic<int> sent{0};
  auto producer = pool.submit([&] {
    for (int i = 0; i < 10; ++i) {
      channel->send(i);
      ++sent;
    }
  });
  ASSERT_TRUE(eventually([&] { return sent == capacity; }));
  std::this_thread::sleep_for(20ms);  // room to misbehave: without backpressure it runs on
  EXPECT_EQ(sent.load(), capacity);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(channel->receive(), i);  // from this plain thread
  producer.get();
  EXPECT_EQ(sent.load(), 10);
}

// The shape of the operator's pipeline: source -> stage -> stage -> sink, each a fiber, each
// hop a bounded channel, closing downstream when done.
TEST(Channel, ThreeStagePipelineMovesAMillionValues) {
  constexpr std::int64_t kValues = 1'000'000;
  FiberPool pool(2);
  auto raw = make_channel<std::int64_t>(256);
  auto doubled = make_channel<std::int64_t>(256);
  auto shifted = make_channel<std::int64_t>(256);

  // Each stage co-owns its channels: a stage may still be inside close() when the sink sees
  // the end, so nothing here may destroy a channel under it.
  pool.spawn([raw] {
    for (std::int64_t i = 1; i <= kValues; ++i) raw->send(i);
    raw->close();
  });
  pool.spawn([raw, doubled] {
    while (auto v = raw->receive()) doubled->send(*v * 2);
    doubled->close();
  });
  pool.spawn([doubled, shifted] {
    while (auto v = doubled->receive()) shifted->send(*v + 1);
    shifted->close();
  });
  struct Totals {
    std::int64_t count = 0;
    std::int64_t sum = 0;
  };
  const Totals totals = pool.run([shifted] {
    Totals t;
    while (auto v = shifted->receive()) {
      ++t.count;
      t.sum += *v;
    }
    return t;
  });
  EXPECT_EQ(totals.count, kValues);
  EXPECT_EQ(totals.sum, kValues * (kValues + 2));  // sum of 2i + 1 for i in 1..n
}

}  // namespace
}  // namespace sluice::runtime
