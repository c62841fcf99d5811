#include "apply/waiter.h"

#include <gtest/gtest.h>

#include "fake_live_objects.h"
#include "runtime/clock.h"

namespace sluice::apply {
namespace {

using std::chrono::seconds;

Json deployment(int generation, int observed, int ready) {
  return Json{
      {"apiVersion", "apps/v1"},
      {"kind", "Deployment"},
      {"metadata", {{"name", "web"}, {"namespace", "shop"}, {"generation", generation}}},
      {"spec", {{"replicas", 2}}},
      {"status",
       {{"observedGeneration", observed},
        {"replicas", 2},
        {"updatedReplicas", 2},
        {"readyReplicas", ready},
        {"availableReplicas", ready},
        {"conditions",
         {{{"type", "Available"}, {"status", ready == 2 ? "True" : "False"}},
          {{"type", "Progressing"}, {"status", "True"}, {"reason", "NewReplicaSetAvailable"}}}}}}};
}

std::vector<std::pair<GroupVersionKind, ObjectId>> objects_of(const std::vector<Json>& list) {
  std::vector<std::pair<GroupVersionKind, ObjectId>> out;
  for (const Json& json : list) out.emplace_back(Object(json).gvk(), Object(json).id());
  return out;
}

TEST(Waiter, WaitsForChangesUntilEverythingIsCurrent) {
  testing::FakeLiveObjects live;
  runtime::ManualClock clock;
  runtime::AbortSource abort;
  live.put(deployment(2, 1, 0));
  live.on_wait = [&](runtime::Clock::TimePoint) {
    clock.advance(seconds(1));
    live.put(live.waits == 1 ? deployment(2, 2, 1) : deployment(2, 2, 2));
  };
  const HealthReport report = wait_for_health(objects_of({deployment(2, 2, 2)}), live,
                                              clock.now() + seconds(60), clock, abort);
  EXPECT_TRUE(report.healthy()) << report.message();
  EXPECT_EQ(live.waits, 2);
  EXPECT_FALSE(report.timed_out);
}

TEST(Waiter, GivesUpAtTheDeadlineNamingWhatIsNotReady) {
  testing::FakeLiveObjects live;
  runtime::ManualClock clock;
  runtime::AbortSource abort;
  live.put(deployment(1, 1, 0));
  live.on_wait = [&](runtime::Clock::TimePoint deadline) { clock.advance(deadline - clock.now()); };
  const HealthReport report = wait_for_health(objects_of({deployment(1, 1, 0)}), live,
                                              clock.now() + seconds(30), clock, abort);
  EXPECT_FALSE(report.healthy());
  EXPECT_TRUE(report.timed_out);
  EXPECT_EQ(report.status, HealthStatus::kInProgress);
  ASSERT_EQ(report.not_current.size(), 1U);
  EXPECT_NE(report.message().find("Deployment/shop/web: InProgress"), std::string::npos)
      << report.message();
}

TEST(Waiter, AFailedObjectEndsTheWaitAtOnce) {
  testing::FakeLiveObjects live;
  runtime::ManualClock clock;
  runtime::AbortSource abort;
  const Json job{
      {"apiVersion", "batch/v1"},
      {"kind", "Job"},
      {"metadata", {{"name", "migrate"}, {"namespace", "shop"}}},
      {"spec", {{"completions", 1}}},
      {"status",
       {{"failed", 3},
        {"conditions",
         {{{"type", "Failed"}, {"status", "True"}, {"reason", "BackoffLimitExceeded"}}}}}}};
  live.put(job);
  const HealthReport report =
      wait_for_health(objects_of({job}), live, clock.now() + seconds(60), clock, abort);
  EXPECT_EQ(report.status, HealthStatus::kFailed);
  EXPECT_EQ(live.waits, 0);
}

TEST(Waiter, AnObjectNotYetSeenIsInProgress) {
  testing::FakeLiveObjects live;
  const Json config{{"apiVersion", "v1"},
                    {"kind", "ConfigMap"},
                    {"metadata", {{"name", "c"}, {"namespace", "shop"}}}};
  HealthReport report = check_health(objects_of({config}), live);
  EXPECT_EQ(report.status, HealthStatus::kInProgress);
  live.put(config);
  report = check_health(objects_of({config}), live);
  EXPECT_TRUE(report.healthy());
}

}  // namespace
}  // namespace sluice::apply
