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

TEST(Conditions, MessagesAreCutToTheApiLimitOnCharacterBoundaries) {
  Conditions conditions;
  // The cause is at the end, after a long name: both ends are kept.
  const std::string name(40'000, 'n');
  const std::string cause = ": must be no more than 253 characters";
  conditions.set(condition::kReady, ConditionStatus::kFalse, "X", "ConfigMap/" + name + cause, 1,
                 "t");
  const std::string& message = conditions.find(condition::kReady)->message;
  EXPECT_EQ(message.size(), 32768U);
  EXPECT_EQ(message.rfind("ConfigMap/nnn", 0), 0U);
  EXPECT_NE(message.find("n [...] n"), std::string::npos);
  EXPECT_EQ(message.substr(message.size() - cause.size()), cause);

  // Multi-byte characters at both cuts are neither split nor kept in halves.
  std::string wide;
  while (wide.size() < 40'000) wide += "\u00e4";
  conditions.set(condition::kReady, ConditionStatus::kFalse, "X", wide, 1, "t");
  const std::string& cut = conditions.find(condition::kReady)->message;
  EXPECT_LE(cut.size(), 32768U);
  const std::size_t marker = cut.find(" [...] ");
  ASSERT_NE(marker, std::string::npos);
  EXPECT_EQ(marker % 2, 0U);
  EXPECT_EQ((cut.size() - marker - 7) % 2, 0U);
  EXPECT_EQ(cut.substr(0, 2), "\u00e4");
  EXPECT_EQ(cut.substr(cut.size() - 2), "\u00e4");
}

TEST(Conditions, Remove) {
  Conditions conditions;
  conditions.set(condition::kReconciling, ConditionStatus::kTrue, "Progressing", "", 1, "t");
  conditions.remove(condition::kReconciling);
  EXPECT_EQ(conditions.find(condition::kReconciling), nullptr);
}

}  // namespace
}  // namespace sluice::api
