// The EventRecorder against the kube-apiserver of tests/env: events.k8s.io/v1 objects,
// de-duplication into series, and how few writes a burst costs.
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "core/error.h"
#include "kube/client.h"
#include "kube/config.h"
#include "kube/events.h"
#include "runtime/fiber_pool.h"
#include "test_env.h"

namespace sluice::testing {
namespace {

using kube::Client;
using kube::Event;
using kube::EventRecorder;
using kube::EventRecorderOptions;
using kube::EventType;

class KubeEventsTest : public EnvTest {
 protected:
  Client admin() const { return Client(kube::load_kubeconfig(env().var("KUBECONFIG"))); }

  void SetUp() override {
    EnvTest::SetUp();
    regarding_ = admin().create(
        kube::configmaps(), ns(),
        {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "subject"}}}});
    regarding_["apiVersion"] = "v1";
    regarding_["kind"] = "ConfigMap";
  }

  std::unique_ptr<EventRecorder> recorder(
      std::chrono::milliseconds series_update_interval = std::chrono::seconds(30)) {
    EventRecorderOptions options;
    options.reporting_instance = "sluice-test-0";
    options.limits.series_update_interval = series_update_interval;
    auto made = std::make_unique<EventRecorder>(admin(), options);
    made->start(pool_);
    return made;
  }

  Event event(const std::string& reason, const std::string& note = "could not apply") const {
    return {.regarding = kube::ObjectReference::to(regarding_),
            .type = EventType::kWarning,
            .reason = reason,
            .action = "Apply",
            .note = note};
  }

  std::vector<Json> events_in_api() const { return admin().list_all(kube::events(), ns()); }

  Json regarding_;
  runtime::FiberPool pool_{2};
};

TEST_F(KubeEventsTest, ARepeatedEventIsOneObjectWithASeries) {
  auto events = recorder();
  for (int i = 0; i < 5; ++i) events->record(event("SyncFailed"));
  events->stop();
  const auto stats = events->stats();
  EXPECT_EQ(stats.recorded, 5U);
  EXPECT_EQ(stats.creates, 1U);
  EXPECT_EQ(stats.write_failures, 0U);

  const std::vector<Json> stored = events_in_api();
  ASSERT_EQ(stored.size(), 1U);
  const Json& stored_event = stored[0];
  EXPECT_EQ(stored_event["series"]["count"], 5);
  EXPECT_TRUE(stored_event["series"]["lastObservedTime"].is_string());
  EXPECT_EQ(stored_event["reason"], "SyncFailed");
  EXPECT_EQ(stored_event["action"], "Apply");
  EXPECT_EQ(stored_event["type"], "Warning");
  EXPECT_EQ(stored_event["note"], "could not apply");
  EXPECT_EQ(stored_event["reportingController"], "sluice");
  EXPECT_EQ(stored_event["reportingInstance"], "sluice-test-0");
  EXPECT_EQ(stored_event["regarding"]["kind"], "ConfigMap");
  EXPECT_EQ(stored_event["regarding"]["name"], "subject");
  EXPECT_EQ(stored_event["regarding"]["uid"], regarding_["metadata"]["uid"]);
}

TEST_F(KubeEventsTest, DifferentReasonsOrNotesAreSeparateObjects) {
  auto events = recorder();
  events->record(event("SyncFailed"));
  events->record(event("SyncSucceeded"));
  events->record(event("SyncFailed", "another note"));
  events->record(event("SyncFailed"));
  events->stop();
  const std::vector<Json> stored = events_in_api();
  ASSERT_EQ(stored.size(), 3U);
  int series = 0;
  for (const Json& stored_event : stored) {
    if (stored_event.contains("series")) {
      ++series;
      EXPECT_EQ(stored_event["reason"], "SyncFailed");
      EXPECT_EQ(stored_event["note"], "could not apply");
      EXPECT_EQ(stored_event["series"]["count"], 2);
    }
  }
  EXPECT_EQ(series, 1);
}

TEST_F(KubeEventsTest, ABurstOfIdenticalEventsCostsAHandfulOfWrites) {
  auto events = recorder();
  for (int i = 0; i < 1000; ++i) events->record(event("SyncFailed"));
  events->stop();
  const auto stats = events->stats();
  EXPECT_EQ(stats.recorded, 1000U);
  // Create, the series' start (count 2), and the final count on stop.
  EXPECT_LE(stats.creates + stats.series_updates + stats.write_failures, 3U);
  EXPECT_EQ(stats.write_failures, 0U);
  const std::vector<Json> stored = events_in_api();
  ASSERT_EQ(stored.size(), 1U);
  EXPECT_EQ(stored[0]["series"]["count"], 1000);
}

TEST_F(KubeEventsTest, CountedOccurrencesAreWrittenWhenTheIntervalPasses) {
  auto events = recorder(std::chrono::seconds(1));
  for (int i = 0; i < 5; ++i) events->record(event("SyncFailed"));
  // Without stop(): the ticker writes the count once the interval has passed.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  int count = 0;
  while (count != 5 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const std::vector<Json> stored = events_in_api();
    ASSERT_LE(stored.size(), 1U);
    if (!stored.empty() && stored[0].contains("series")) count = stored[0]["series"]["count"];
  }
  EXPECT_EQ(count, 5);
  EXPECT_EQ(events->stats().series_updates, 2U);  // count 2 at once, count 5 on the tick
  events->stop();
  EXPECT_EQ(events->stats().series_updates, 2U);  // nothing left to write
}

TEST_F(KubeEventsTest, ManyNewEventsAboutOneObjectAreRateLimited) {
  auto events = recorder();
  for (int i = 0; i < 40; ++i) events->record(event("Reason" + std::to_string(i)));
  events->stop();
  const auto stats = events->stats();
  EXPECT_EQ(stats.creates, 25U);  // the per-object burst
  EXPECT_EQ(stats.rate_limited, 15U);
  EXPECT_EQ(events_in_api().size(), 25U);
}

TEST_F(KubeEventsTest, NotesAreCutToTheApiLimitAndBadReasonsRefused) {
  auto events = recorder();
  events->record(event("Long", std::string(3000, 'x')));
  EXPECT_THROW(events->record(event("")), Error);
  EXPECT_THROW(events->record(event(std::string(129, 'R'))), Error);
  events->stop();
  const std::vector<Json> stored = events_in_api();
  ASSERT_EQ(stored.size(), 1U);
  EXPECT_EQ(stored[0]["note"].get<std::string>().size(), 1024U);
}

}  // namespace
}  // namespace sluice::testing
