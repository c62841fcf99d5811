// The reflector's decisions (ReflectorState): when to list, where to resume a watch, how long to
// wait after failures, without any I/O. The random source is fixed so delays are exact.
#include "kube/reflector.h"

#include <chrono>

#include <gtest/gtest.h>

#include "core/error.h"

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

}  // namespace
}  // namespace sluice::kube
