// The reflector's decisions (ReflectorState): when to list, where to resume a watch, how long to
// wait after failures, without any I/O. The random source is fixed so delays are exact.
#include "kube/reflector.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/error.h"
#include "runtime/clock.h"
#include "test_helpers.h"

namespace sluice::kube {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using Action = ReflectorState::Action;

ReflectorState make_state() {
  return ReflectorState(
      runtime::BackoffPolicy{
          .base = milliseconds(100), .factor = 2.0, .max = milliseconds(1000), .jitter = 0.5},
      [] { return 0.5; });  // jitter factor exactly 1
}

const Error kDropped{ErrorCode::kUnavailable, "connection reset"};
const Error kGone{ErrorCode::kGone, "too old resource version"};

TEST(ReflectorStateTest, ListsFirstThenWatchesFromTheListVersion) {
  ReflectorState state = make_state();
  EXPECT_EQ(state.next_action(), Action::kList);
  state.listed("100");
  EXPECT_EQ(state.next_action(), Action::kWatch);
  EXPECT_EQ(state.resource_version(), "100");
}

TEST(ReflectorStateTest, ResumesFromTheLastEventOrBookmarkAfterATimeoutOrADrop) {
  ReflectorState state = make_state();
  state.listed("100");
  state.observed("105");  // an event
  state.observed("230");  // a bookmark
  state.watch_ended();    // the server's timeoutSeconds
  EXPECT_EQ(state.next_action(), Action::kWatch);
  EXPECT_EQ(state.resource_version(), "230");
  EXPECT_EQ(state.failed(kDropped), milliseconds(100));
  EXPECT_EQ(state.next_action(), Action::kWatch);  // a drop does not relist
  EXPECT_EQ(state.resource_version(), "230");
  state.observed("");  // an object without a version keeps the last one
  EXPECT_EQ(state.resource_version(), "230");
}

TEST(ReflectorStateTest, BacksOffExponentiallyUpToTheCeilingAndResetsOnSuccess) {
  ReflectorState state = make_state();
  state.listed("1");
  EXPECT_EQ(state.failed(kDropped), milliseconds(100));
  EXPECT_EQ(state.failed(kDropped), milliseconds(200));
  EXPECT_EQ(state.failed(kDropped), milliseconds(400));
  EXPECT_EQ(state.failed(kDropped), milliseconds(800));
  EXPECT_EQ(state.failed(kDropped), milliseconds(1000));
  EXPECT_EQ(state.failed(kDropped), milliseconds(1000));
  EXPECT_EQ(state.consecutive_failures(), 6u);
  state.observed("2");  // the watch delivered something: a success
  EXPECT_EQ(state.consecutive_failures(), 0u);
  EXPECT_EQ(state.failed(kDropped), milliseconds(100));
  state.listed("3");
  EXPECT_EQ(state.failed(kDropped), milliseconds(100));
}

TEST(ReflectorStateTest, JitterSpreadsTheDelay) {
  ReflectorState low(
      runtime::BackoffPolicy{
          .base = milliseconds(100), .factor = 2.0, .max = milliseconds(1000), .jitter = 0.5},
      [] { return 0.0; });
  low.listed("1");
  EXPECT_EQ(low.failed(kDropped), milliseconds(50));
}

TEST(ReflectorStateTest, GoneRelistsAtOnceTheFirstTimeAndBacksOffWhenItRepeats) {
  ReflectorState state = make_state();
  state.listed("100");
  state.observed("120");
  EXPECT_EQ(state.failed(kGone), nanoseconds(0));
  EXPECT_EQ(state.next_action(), Action::kList);
  EXPECT_EQ(state.resource_version(), "");
  // The relist fails too (e.g. an expired continue token): now it waits.
  EXPECT_EQ(state.failed(kGone), milliseconds(200));
  EXPECT_EQ(state.next_action(), Action::kList);
  state.listed("300");
  EXPECT_EQ(state.next_action(), Action::kWatch);
  EXPECT_EQ(state.consecutive_failures(), 0u);
}

TEST(ReflectorStateTest, AFailedFirstListListsAgain) {
  ReflectorState state = make_state();
  EXPECT_EQ(state.failed(kDropped), milliseconds(100));
  EXPECT_EQ(state.next_action(), Action::kList);
}

TEST(ReflectorStateTest, ResumeFromAPersistedVersionWatchesWithoutListing) {
  ReflectorState state = make_state();
  state.resume_from("77");
  EXPECT_EQ(state.next_action(), Action::kWatch);
  EXPECT_EQ(state.resource_version(), "77");
  EXPECT_EQ(state.failed(kGone), nanoseconds(0));
  EXPECT_EQ(state.next_action(), Action::kList);
}

class CountingSink : public ReflectorSink {
 public:
  void begin_replace() override { ++begins; }
  void add_page(std::vector<Json> /*items*/) override { ++pages; }
  void end_replace(const std::string& /*resource_version*/) override { ++ends; }
  void apply(WatchEvent /*event*/) override { ++applied; }
  std::atomic<int> begins{0}, pages{0}, ends{0}, applied{0};
};

// The real loop against a refused connection, on a ManualClock: each failure waits exactly the
// backoff delay on the injected clock, and an abort ends the wait at once.
TEST(ReflectorTest, BacksOffOnItsClockAndStopsAtOnceOnAbort) {
  ClusterConfig config;
  config.server = "http://127.0.0.1:" + std::to_string(testing::unused_loopback_port());
  ClientOptions client_options;
  client_options.qps = 0;
  client_options.retry.max_attempts = 1;  // the reflector's own backoff is under test
  auto clock = std::make_shared<runtime::ManualClock>();
  std::atomic<int> errors{0};
  ReflectorOptions options;
  options.clock = clock;
  options.random = [] { return 0.5; };
  options.backoff = {
      .base = milliseconds(100), .factor = 2.0, .max = milliseconds(1000), .jitter = 0.5};
  options.on_error = [&errors](const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnavailable) << e.what();
    ++errors;
  };
  CountingSink sink;
  Reflector reflector(Client(config, client_options), configmaps(), "ns", sink, options);
  runtime::AbortSource abort;
  std::thread runner([&] { reflector.run(abort); });

  clock->wait_for_timers(1);  // the first list failed; waiting 100 ms
  EXPECT_EQ(errors.load(), 1);
  clock->advance(milliseconds(99));
  EXPECT_EQ(clock->pending_timers(), 1u);
  EXPECT_EQ(reflector.lists(), 1u);
  clock->advance(milliseconds(1));  // second attempt, then a 200 ms wait
  clock->wait_for_timers(1);
  EXPECT_EQ(errors.load(), 2);
  EXPECT_EQ(reflector.lists(), 2u);
  clock->advance(milliseconds(199));
  EXPECT_EQ(clock->pending_timers(), 1u);
  EXPECT_EQ(errors.load(), 2);

  const auto asked = std::chrono::steady_clock::now();
  abort.request_abort("test over");
  runner.join();
  EXPECT_LT(std::chrono::steady_clock::now() - asked, std::chrono::seconds(1));
  EXPECT_EQ(sink.begins.load(), 2);
  EXPECT_EQ(sink.ends.load(), 0);
  EXPECT_EQ(reflector.watches(), 0u);
}

}  // namespace
}  // namespace sluice::kube
