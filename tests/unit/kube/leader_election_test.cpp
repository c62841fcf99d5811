// Leader election: the decision logic (LeaseObserver) and the elector loop against an
// in-memory lease, on a ManualClock so expiry and renew deadlines are asserted exactly.
#include "kube/leader_election.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <boost/fiber/condition_variable.hpp>
#include <boost/fiber/mutex.hpp>
#include <gtest/gtest.h>

#include "core/error.h"
#include "runtime/abort_source.h"
#include "runtime/clock.h"
#include "runtime/fiber_pool.h"

namespace sluice::kube {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Action = LeaseObserver::Action;
using TimePoint = runtime::Clock::TimePoint;

const TimePoint kStart{seconds(1000)};

LeaseRecord held_by(const std::string& who, int seconds_, const std::string& renew = "r1",
                    int transitions = 0) {
  return {.holder_identity = who,
          .lease_duration_seconds = seconds_,
          .acquire_time = "a",
          .renew_time = renew,
          .lease_transitions = transitions};
}

TEST(LeaseObserverTest, CreatesAMissingLease) {
  LeaseObserver me("me", seconds(15));
  const auto plan = me.plan(std::nullopt, kStart, "now");
  EXPECT_EQ(plan.action, Action::kCreate);
  EXPECT_EQ(plan.record.holder_identity, "me");
  EXPECT_EQ(plan.record.lease_duration_seconds, 15);
  EXPECT_EQ(plan.record.acquire_time, "now");
  EXPECT_EQ(plan.record.lease_transitions, 0);
}

TEST(LeaseObserverTest, WaitsForAValidLeaseHeldByAnother) {
  LeaseObserver me("me", seconds(15));
  EXPECT_EQ(me.plan(held_by("other", 10), kStart, "t").action, Action::kWait);
  EXPECT_EQ(me.plan(held_by("other", 10), kStart + milliseconds(9999), "t").action, Action::kWait);
  EXPECT_FALSE(me.is_leader());
}

TEST(LeaseObserverTest, ExpiryCountsFromTheLocalObservationOfTheLastChange) {
  LeaseObserver me("me", seconds(15));
  EXPECT_EQ(me.plan(held_by("other", 10, "r1"), kStart, "t").action, Action::kWait);
  EXPECT_EQ(me.plan(held_by("other", 10, "r1"), kStart + seconds(10), "t").action, Action::kUpdate);
  me = LeaseObserver("me", seconds(15));
  EXPECT_EQ(me.plan(held_by("other", 10, "r1"), kStart, "t").action, Action::kWait);
  // The holder renewed at +6 s: a changed record restarts the count, whatever its timestamps.
  EXPECT_EQ(me.plan(held_by("other", 10, "r2"), kStart + seconds(6), "t").action, Action::kWait);
  EXPECT_EQ(me.plan(held_by("other", 10, "r2"), kStart + seconds(15), "t").action, Action::kWait);
  const auto plan = me.plan(held_by("other", 10, "r2"), kStart + seconds(16), "t16");
  ASSERT_EQ(plan.action, Action::kUpdate);
  EXPECT_EQ(plan.record.holder_identity, "me");
  EXPECT_EQ(plan.record.lease_transitions, 1);  // a new holder counts a transition
  EXPECT_EQ(plan.record.acquire_time, "t16");
}

TEST(LeaseObserverTest, TheHoldersDurationDecidesNotOurs) {
  LeaseObserver me("me", seconds(60));
  EXPECT_EQ(me.plan(held_by("other", 1), kStart, "t").action, Action::kWait);
  EXPECT_EQ(me.plan(held_by("other", 1), kStart + seconds(1), "t").action, Action::kUpdate);
}

TEST(LeaseObserverTest, AReleasedLeaseIsTakenAtOnce) {
  LeaseObserver me("me", seconds(15));
  EXPECT_EQ(me.plan(held_by("", 1), kStart, "t").action, Action::kUpdate);
}

TEST(LeaseObserverTest, RenewalKeepsAcquireTimeAndTransitions) {
  LeaseObserver me("me", seconds(15));
  const auto mine = held_by("me", 15, "r1", 3);
  const auto plan = me.plan(mine, kStart, "t2");
  ASSERT_EQ(plan.action, Action::kUpdate);
  EXPECT_EQ(plan.record.acquire_time, "a");
  EXPECT_EQ(plan.record.renew_time, "t2");
  EXPECT_EQ(plan.record.lease_transitions, 3);
}

TEST(LeaseObserverTest, FastRenewalOnlyForAValidLeaseOfOurOwn) {
  LeaseObserver me("me", seconds(15));
  EXPECT_FALSE(me.fast_renewal(kStart, "t"));
  me.observe(held_by("me", 15, "r1", 2), kStart);
  const auto renewal = me.fast_renewal(kStart + seconds(14), "t14");
  ASSERT_TRUE(renewal);
  EXPECT_EQ(renewal->renew_time, "t14");
  EXPECT_EQ(renewal->acquire_time, "a");
  EXPECT_EQ(renewal->lease_transitions, 2);
  EXPECT_FALSE(me.fast_renewal(kStart + seconds(15), "t15"));
  me.observe(held_by("other", 15), kStart);
  EXPECT_FALSE(me.fast_renewal(kStart, "t"));
}

TEST(LeaseObserverTest, ReleaseClearsTheHolder) {
  LeaseObserver me("me", seconds(15));
  me.observe(held_by("me", 15, "r1", 7), kStart);
  const LeaseRecord released = me.release_record("t");
  EXPECT_EQ(released.holder_identity, "");
  EXPECT_EQ(released.lease_duration_seconds, 1);
  EXPECT_EQ(released.lease_transitions, 7);
}

TEST(LeaseRecordTest, RoundTripsThroughALeaseSpec) {
  Json lease = {{"spec", {{"preserved", true}}}};
  const LeaseRecord record = held_by("me", 15, "2026-01-02T03:04:05.000006Z", 2);
  write_lease_record(lease, record);
  EXPECT_EQ(lease_record_from(lease), record);
  EXPECT_TRUE(lease["spec"]["preserved"]);
  EXPECT_EQ(lease_record_from(Json::object()), LeaseRecord{});
}

TEST(LeaseRecordTest, MicroTimeHasSixFractionDigits) {
  const std::chrono::system_clock::time_point time{std::chrono::microseconds(1767323045000006)};
  EXPECT_EQ(micro_time(time), "2026-01-02T03:04:05.000006Z");
}

TEST(LeaderElectorTest, RejectsDurationsThatCannotBeSafe) {
  auto make = [](milliseconds lease, milliseconds renew, milliseconds retry) {
    LeaderElectionConfig config;
    config.identity = "me";
    config.lease_duration = lease;
    config.renew_deadline = renew;
    config.retry_period = retry;
    return LeaderElector(std::shared_ptr<LeaseStore>(), config);
  };
  EXPECT_THROW(make(seconds(10), seconds(10), seconds(2)), Error);         // lease <= renew
  EXPECT_THROW(make(seconds(15), milliseconds(2400), seconds(2)), Error);  // renew <= 1.2*retry
  EXPECT_THROW(make(milliseconds(900), milliseconds(500), milliseconds(100)), Error);
}

// An in-memory Lease with resourceVersion semantics; each store is one candidate's view.
struct FakeLease {
  std::mutex mu;
  std::optional<LeaseRecord> record;
  int version = 0;
  std::atomic<bool> failing{false};
};

class FakeStore final : public LeaseStore {
 public:
  explicit FakeStore(std::shared_ptr<FakeLease> lease) : lease_(std::move(lease)) {}
  std::optional<LeaseRecord> get() override {
    std::lock_guard lock(lease_->mu);
    fail_if_asked();
    seen_ = lease_->version;
    return lease_->record;
  }
  void create(const LeaseRecord& record) override {
    std::lock_guard lock(lease_->mu);
    fail_if_asked();
    if (lease_->record) throw Error(ErrorCode::kAlreadyExists, "exists");
    lease_->record = record;
    seen_ = ++lease_->version;
  }
  void update(const LeaseRecord& record) override {
    std::lock_guard lock(lease_->mu);
    fail_if_asked();
    if (seen_ != lease_->version) throw Error(ErrorCode::kConflict, "stale");
    lease_->record = record;
    seen_ = ++lease_->version;
  }

 private:
  void fail_if_asked() const {
    if (lease_->failing) throw Error(ErrorCode::kUnavailable, "connection refused");
  }
  std::shared_ptr<FakeLease> lease_;
  int seen_ = -1;
};

LeaderElectionConfig short_config(const std::string& identity,
                                  const std::shared_ptr<runtime::ManualClock>& clock) {
  LeaderElectionConfig config;
  config.identity = identity;
  config.lease_duration = seconds(2);
  config.renew_deadline = milliseconds(1500);
  config.retry_period = milliseconds(300);
  config.clock = clock;
  config.random = [] { return 0.0; };
  return config;
}

TEST(LeaderElectorTest, StopsLeadingExactlyAtTheRenewDeadlineWhenRenewalsFail) {
  auto clock = std::make_shared<runtime::ManualClock>(kStart);
  auto lease = std::make_shared<FakeLease>();
  std::atomic<bool> work_aborted{false};
  std::atomic<bool> stopped{false};
  LeaderElectionConfig config = short_config("me", clock);
  config.on_started_leading = [&](runtime::AbortSource& leading) {
    // Waits for the abort without a timer of its own (the test counts pending timers).
    boost::fibers::mutex mu;
    boost::fibers::condition_variable cv;
    bool done = false;
    auto subscription = leading.subscribe([&] {
      std::lock_guard lock(mu);
      done = true;
      cv.notify_all();
    });
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return done; });
    work_aborted = true;
  };
  config.on_stopped_leading = [&] { stopped = true; };
  LeaderElector elector(std::make_shared<FakeStore>(lease), config);
  runtime::FiberPool pool(2);
  runtime::AbortSource stop;
  auto led = pool.submit([&] { return elector.run(pool, stop); });

  clock->wait_for_timers(2);  // the watchdog and the first renew wait
  EXPECT_TRUE(elector.is_leader());
  EXPECT_EQ(lease->record->holder_identity, "me");
  clock->advance(milliseconds(300));  // renewal at +0.3 s succeeds: deadline +1.8 s
  clock->wait_for_timers(2);
  lease->failing = true;
  for (int step = 0; step < 4; ++step) {  // +0.6 .. +1.5 s: every renewal fails
    clock->advance(milliseconds(300));
    clock->wait_for_timers(2);
  }
  EXPECT_FALSE(work_aborted);
  EXPECT_FALSE(stopped);
  clock->advance(milliseconds(300));  // +1.8 s
  EXPECT_TRUE(led.get());
  EXPECT_TRUE(work_aborted);
  EXPECT_TRUE(stopped);
  EXPECT_FALSE(elector.is_leader());
  EXPECT_EQ(elector.attempts(), 6);  // acquire + 5 renewals
}

TEST(LeaderElectorTest, ACrashedHolderIsReplacedAfterTheLeaseDurationAndReleaseIsImmediate) {
  auto clock = std::make_shared<runtime::ManualClock>(kStart);
  auto lease = std::make_shared<FakeLease>();
  LeaderElectionConfig first_config = short_config("first", clock);
  first_config.release_on_cancel = false;  // stopping it looks like a crash
  LeaderElector first(std::make_shared<FakeStore>(lease), first_config);
  LeaderElector second(std::make_shared<FakeStore>(lease), short_config("second", clock));
  runtime::FiberPool pool(2);
  runtime::AbortSource stop_first;
  runtime::AbortSource stop_second;
  auto first_led = pool.submit([&] { return first.run(pool, stop_first); });
  clock->wait_for_timers(2);
  auto second_led = pool.submit([&] { return second.run(pool, stop_second); });
  clock->wait_for_timers(3);  // second waits in its acquire loop
  EXPECT_EQ(second.holder(), "first");
  EXPECT_FALSE(second.is_leader());

  stop_first.request_abort();  // stops renewing, keeps the lease
  EXPECT_TRUE(first_led.get());
  EXPECT_EQ(lease->record->holder_identity, "first");
  // second saw the record at kStart; it may take over once 2 s have passed since then.
  for (int step = 0; step < 6; ++step) {
    clock->advance(milliseconds(300));  // up to +1.8 s
    clock->wait_for_timers(1);
    EXPECT_FALSE(second.is_leader()) << step;
  }
  clock->advance(milliseconds(300));  // +2.1 s
  clock->wait_for_timers(2);          // second leads: watchdog + renew wait
  EXPECT_TRUE(second.is_leader());
  EXPECT_EQ(lease->record->holder_identity, "second");
  EXPECT_EQ(lease->record->lease_transitions, 1);

  stop_second.request_abort();
  EXPECT_TRUE(second_led.get());
  EXPECT_EQ(lease->record->holder_identity, "");  // released
  EXPECT_EQ(lease->record->lease_duration_seconds, 1);
}

}  // namespace
}  // namespace sluice::kube
