// Event de-duplication and rate limits (EventDeduplicator), on explicit monotonic times.
#include "kube/events.h"

#include <chrono>
#include <string>

#include <gtest/gtest.h>

namespace sluice::kube {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using Action = EventDeduplicator::Action;
using TimePoint = runtime::Clock::TimePoint;

const TimePoint kStart{seconds(1000)};

class EventDeduplicatorTest : public ::testing::Test {
 protected:
  EventDeduplicator::Decision observe(const std::string& key, TimePoint at,
                                      const std::string& object = "pod/a") {
    ++names_;
    return dedup_.observe(key, object, at, "wall" + std::to_string(names_), "ns",
                          "name" + std::to_string(names_));
  }

  EventDeduplicator dedup_{EventLimits{}};
  int names_ = 0;
};

TEST_F(EventDeduplicatorTest, TheFirstOccurrenceCreatesTheSecondStartsASeries) {
  const auto first = observe("k", kStart);
  EXPECT_EQ(first.action, Action::kCreate);
  EXPECT_EQ(first.name, "name1");
  EXPECT_EQ(first.count, 1);
  const auto second = observe("k", kStart + seconds(1));
  EXPECT_EQ(second.action, Action::kUpdateSeries);
  EXPECT_EQ(second.name, "name1");  // the same Event object
  EXPECT_EQ(second.count, 2);
  EXPECT_EQ(second.last_observed, "wall2");
}

TEST_F(EventDeduplicatorTest, SeriesUpdatesAreWrittenAtMostOncePerInterval) {
  int writes = 0;
  for (int i = 0; i < 1000; ++i) {
    const auto decision = observe("k", kStart + milliseconds(i * 10));  // 10 s in all
    if (decision.action == Action::kCreate || decision.action == Action::kUpdateSeries) ++writes;
  }
  EXPECT_EQ(writes, 2);
  EXPECT_TRUE(dedup_.due_updates(kStart + seconds(29)).empty());
  const auto due = dedup_.due_updates(kStart + seconds(31));  // 30 s after the last write
  ASSERT_EQ(due.size(), 1U);
  EXPECT_EQ(due[0].count, 1000);
  EXPECT_EQ(due[0].name, "name1");
  EXPECT_TRUE(dedup_.due_updates(kStart + minutes(5)).empty());  // nothing new since
  // The next occurrence after the interval is written directly.
  const auto later = observe("k", kStart + seconds(61));
  EXPECT_EQ(later.action, Action::kUpdateSeries);
  EXPECT_EQ(later.count, 1001);
}

TEST_F(EventDeduplicatorTest, DueUpdatesCanFlushEverythingOnShutdown) {
  observe("k", kStart);
  observe("k", kStart);
  observe("k", kStart);
  EXPECT_TRUE(dedup_.due_updates(kStart).empty());
  const auto all = dedup_.due_updates(kStart, /*all=*/true);
  ASSERT_EQ(all.size(), 1U);
  EXPECT_EQ(all[0].count, 3);
}

TEST_F(EventDeduplicatorTest, DifferentKeysAreSeparateEvents) {
  EXPECT_EQ(observe("a", kStart).action, Action::kCreate);
  EXPECT_EQ(observe("b", kStart).action, Action::kCreate);
  EXPECT_EQ(dedup_.tracked(), 2U);
}

TEST_F(EventDeduplicatorTest, ASeriesEndsAfterTheWindowWithoutOccurrences) {
  observe("k", kStart);
  EXPECT_EQ(observe("k", kStart + minutes(6)).action, Action::kUpdateSeries);
  const auto fresh = observe("k", kStart + minutes(12) + milliseconds(1));
  EXPECT_EQ(fresh.action, Action::kCreate);
  EXPECT_EQ(fresh.count, 1);
  EXPECT_EQ(fresh.name, "name3");
}

TEST_F(EventDeduplicatorTest, NewEventsPerObjectAreRateLimitedByATokenBucket) {
  for (int i = 0; i < 25; ++i) {
    EXPECT_EQ(observe("k" + std::to_string(i), kStart).action, Action::kCreate) << i;
  }
  EXPECT_EQ(observe("k25", kStart).action, Action::kDropped);
  EXPECT_EQ(observe("other-object", kStart, "pod/b").action, Action::kCreate);
  // A known series is still counted: the limit is on new objects.
  EXPECT_EQ(observe("k0", kStart).action, Action::kUpdateSeries);
  EXPECT_EQ(observe("k26", kStart + minutes(4)).action, Action::kDropped);
  EXPECT_EQ(observe("k27", kStart + minutes(5)).action, Action::kCreate);  // one token back
  EXPECT_EQ(observe("k28", kStart + minutes(5)).action, Action::kDropped);
}

TEST_F(EventDeduplicatorTest, MemoryIsBoundedByEvictingTheLeastRecentlyUsed) {
  EventLimits limits;
  limits.max_tracked = 3;
  limits.object_burst = 1000;
  dedup_ = EventDeduplicator(limits);
  observe("a", kStart);
  observe("b", kStart);
  observe("c", kStart);
  observe("a", kStart);  // a is now the most recent
  observe("d", kStart);  // evicts b
  EXPECT_EQ(dedup_.tracked(), 3U);
  EXPECT_EQ(observe("a", kStart).action, Action::kCounted);
  EXPECT_EQ(observe("b", kStart).action, Action::kCreate);  // forgotten: a new object
  // Per-object buckets are capped too: many objects, one event each.
  for (int i = 0; i < 100; ++i) {
    observe("x" + std::to_string(i), kStart, "obj" + std::to_string(i));
  }
  EXPECT_EQ(dedup_.tracked(), 3U);
}

TEST_F(EventDeduplicatorTest, ForgetMakesTheNextOccurrenceANewObject) {
  observe("k", kStart);
  dedup_.forget("k");
  EXPECT_EQ(observe("k", kStart).action, Action::kCreate);
}

TEST(ObjectReferenceTest, ComesFromTheObjectsMetadata) {
  const Json pod = {{"apiVersion", "v1"},
                    {"kind", "Pod"},
                    {"metadata", {{"name", "p"}, {"namespace", "n"}, {"uid", "u-1"}}}};
  const ObjectReference ref = ObjectReference::to(pod);
  EXPECT_EQ(ref.api_version, "v1");
  EXPECT_EQ(ref.kind, "Pod");
  EXPECT_EQ(ref.ns, "n");
  EXPECT_EQ(ref.name, "p");
  EXPECT_EQ(ref.uid, "u-1");
}

}  // namespace
}  // namespace sluice::kube
