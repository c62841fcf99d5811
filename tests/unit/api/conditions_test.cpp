#include "api/conditions.h"

#include <gtest/gtest.h>

namespace sluice::api {
namespace {

TEST(Conditions, TransitionTimeChangesOnlyWithTheStatus) {
  Conditions conditions;
  conditions.set(condition::kReady, ConditionStatus::kFalse, "BuildFailed", "bad", 1,
                 "2026-01-01T00:00:00Z");
  conditions.set(condition::kReady, ConditionStatus::kFalse, "ApplyFailed", "worse", 2,
                 "2026-01-02T00:00:00Z");
  const Condition* ready = conditions.find(condition::kReady);
  ASSERT_NE(ready, nullptr);
  EXPECT_EQ(ready->reason, "ApplyFailed");
  EXPECT_EQ(ready->observed_generation, 2);
  EXPECT_EQ(ready->last_transition_time, "2026-01-01T00:00:00Z");

  conditions.set(condition::kReady, ConditionStatus::kTrue, "Applied", "ok", 2,
                 "2026-01-03T00:00:00Z");
  EXPECT_EQ(conditions.find(condition::kReady)->last_transition_time, "2026-01-03T00:00:00Z");
  EXPECT_TRUE(conditions.is_true(condition::kReady));
}

TEST(Conditions, RoundTripsThroughJsonAndSkipsJunk) {
  Conditions conditions;
  conditions.set(condition::kHealthy, ConditionStatus::kUnknown, "Progressing", "waiting", 3,
                 "2026-01-01T00:00:00Z");
  Json list = conditions.to_json();
  list.push_back("junk");
  list.push_back(Json{{"status", "True"}});  // no type
  EXPECT_EQ(Conditions::from_json(&list), conditions);
  EXPECT_NO_THROW(conditions_schema().validate(conditions.to_json(), "status.conditions"));
}

TEST(Conditions, MessagesAreCutToTheApiLimitOnACharacterBoundary) {
  Conditions conditions;
  std::string long_message(32767, 'a');
  long_message += "äää";
  conditions.set(condition::kReady, ConditionStatus::kFalse, "X", long_message, 1, "t");
  EXPECT_EQ(conditions.find(condition::kReady)->message, std::string(32767, 'a'));
}

TEST(Conditions, Remove) {
  Conditions conditions;
  conditions.set(condition::kReconciling, ConditionStatus::kTrue, "Progressing", "", 1, "t");
  conditions.remove(condition::kReconciling);
  EXPECT_EQ(conditions.find(condition::kReconciling), nullptr);
}

}  // namespace
}  // namespace sluice::api
