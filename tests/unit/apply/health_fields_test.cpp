#include "apply/health_fields.h"

#include <cstdint>
#include <limits>
#include <string>

#include <gtest/gtest.h>

#include "apply_test_support.h"
#include "core/error.h"
#include "core/json.h"
#include "test_helpers.h"

namespace sluice::apply::detail {
namespace {

using sluice::testing::error_of;

// kstatus's util_test.go object, in JSON (Go's int32 has no JSON spelling of its own).
const Json& util_object() {
  static const Json object = Json::parse(R"({
    "f1": {"f2": {"i64": 64, "float": 64.02, "ms": [{"f1f2ms0f1": 22}]}},
    "ride": "dragon"
  })");
  return object;
}

TEST(HealthFieldsTest, IntFieldAsKstatusUtilTest) {
  EXPECT_EQ(int_field(util_object(), {"f1", "f2", "i64"}, -1), 64);
  EXPECT_EQ(int_field(util_object(), {"f1", "f2", "wrongname"}, -1), -1);
  EXPECT_EQ(int_field(util_object(), {"f1", "f2", "float"}, -1), -1);
}

TEST(HealthFieldsTest, StringFieldAsKstatusUtilTest) {
  EXPECT_EQ(string_field(util_object(), {"ride"}, "horse"), "dragon");
  EXPECT_EQ(string_field(util_object(), {"destination"}, "north"), "north");
}

TEST(HealthFieldsTest, LenientFieldsFallBackOnAnythingUnexpected) {
  const Json object = Json::parse(R"({"spec": {"replicas": "3", "suspend": "true", "type": 5},
                                      "status": "ok", "n": null})");
  EXPECT_EQ(int_field(object, {"spec", "replicas"}, 1), 1);
  EXPECT_EQ(int_field(object, {"status", "replicas"}, 7), 7);  // parent not an object
  EXPECT_EQ(int_field(object, {"n", "replicas"}, 7), 7);       // parent null
  EXPECT_FALSE(bool_field(object, {"spec", "suspend"}, false));
  EXPECT_EQ(string_field(object, {"spec", "type"}, "ClusterIP"), "ClusterIP");
  EXPECT_EQ(string_field(object, {"status", "phase"}, ""), "");
}

TEST(HealthFieldsTest, IntegersAreWhatGoDecodesAsInt64) {
  EXPECT_EQ(as_int64(Json::parse("9223372036854775807")), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(as_int64(Json::parse("-9223372036854775808")),
            std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(as_int64(Json::parse("9223372036854775808")), std::nullopt);
  EXPECT_EQ(as_int64(Json::parse("2.0")), std::nullopt);
  EXPECT_EQ(as_int64(Json::parse("1e3")), std::nullopt);
  EXPECT_EQ(as_int64(Json::parse("\"1\"")), std::nullopt);
  EXPECT_EQ(as_int64(Json::parse("true")), std::nullopt);
}

TEST(HealthFieldsTest, StrictFieldsFindAbsentAndNullParents) {
  const Json object = Json::parse(R"({"metadata": {"generation": 3}, "status": null})");
  EXPECT_EQ(nested_int64(object, {"metadata", "generation"}), 3);
  EXPECT_EQ(nested_int64(object, {"metadata", "other"}), std::nullopt);
  EXPECT_EQ(nested_int64(object, {"status", "observedGeneration"}), std::nullopt);
  EXPECT_EQ(nested_string(object, {"spec", "x", "y"}), std::nullopt);
}

TEST(HealthFieldsTest, StrictFieldsNameTheFieldOfTheWrongType) {
  const Json object = Json::parse(R"({"metadata": {"generation": "3", "deletionTimestamp": null},
                                      "status": ["x"]})");
  Error error = error_of([&] { (void)nested_int64(object, {"metadata", "generation"}); });
  EXPECT_EQ(error.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(error.message(), "metadata.generation: must be an integer, not a string");
  error = error_of([&] { (void)nested_string(object, {"metadata", "deletionTimestamp"}); });
  EXPECT_EQ(error.message(), "metadata.deletionTimestamp: must be a string, not null");
  error = error_of([&] { (void)nested_int64(object, {"status", "observedGeneration"}); });
  EXPECT_EQ(error.message(), "status.observedGeneration: status must be an object, not a list");
}

TEST(HealthFieldsTest, ConditionsReadAsKstatusConvertsThem) {
  const Json object = Json::parse(R"({"status": {"conditions": [
    null,
    {"type": "Ready", "status": "True", "reason": null, "lastTransitionTime": 5},
    {"type": "Ready", "status": "False", "reason": "Later", "message": "m"}
  ]}})");
  const std::vector<Condition> conditions = read_conditions(object);
  ASSERT_EQ(conditions.size(), 3U);
  EXPECT_EQ(conditions[0].type, "");
  EXPECT_EQ(conditions[1].status, "True");
  EXPECT_EQ(conditions[1].reason, "");
  EXPECT_EQ(find_condition(conditions, "Ready", "False"), &conditions[2]);
  EXPECT_EQ(find_condition(conditions, "Ready", "Unknown"), nullptr);
  EXPECT_TRUE(read_conditions(Json::parse(R"({"status": {"conditions": null}})")).empty());
  EXPECT_TRUE(read_conditions(Json::parse(R"({"status": {}})")).empty());
  EXPECT_TRUE(read_conditions(Json::object()).empty());
}

TEST(HealthFieldsTest, MalformedConditionsNameTheField) {
  const auto message = [](const char* text) {
    return error_of([&] { (void)read_conditions(Json::parse(text)); }).message();
  };
  EXPECT_EQ(message(R"({"status": 5})"), "status: must be an object, not an integer");
  EXPECT_EQ(message(R"({"status": {"conditions": "Ready"}})"),
            "status.conditions: must be a list, not a string");
  EXPECT_EQ(message(R"({"status": {"conditions": [{}, 1.5]}})"),
            "status.conditions[1]: must be an object, not a floating-point number");
  EXPECT_EQ(message(R"({"status": {"conditions": [{"message": {}}]}})"),
            "status.conditions[0].message: must be a string, not an object");
}

TEST(HealthFieldsTest, GroupKindKeyAsKstatusLooksRulesUp) {
  const auto key = [](const char* text) { return group_kind_key(Json::parse(text)); };
  EXPECT_EQ(key(R"({"apiVersion": "v1", "kind": "Pod"})"), "Pod");
  EXPECT_EQ(key(R"({"apiVersion": "apps/v1", "kind": "Deployment"})"), "apps/Deployment");
  EXPECT_EQ(key(R"({"apiVersion": "/", "kind": "Pod"})"), "Pod");
  EXPECT_EQ(key(R"({"apiVersion": "/v1", "kind": "Pod"})"), "Pod");
  EXPECT_EQ(key(R"({"apiVersion": "apps/", "kind": "Deployment"})"), "apps/Deployment");
  EXPECT_EQ(key(R"({"apiVersion": "a/b/c", "kind": "Deployment"})"), "");
  EXPECT_EQ(key(R"({"kind": "Pod"})"), "Pod");
  EXPECT_EQ(key(R"({"apiVersion": "apps/v1", "kind": 5})"), "apps/");
}

TEST(HealthFieldsTest, SubtractionWrapsAsInGo) {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  EXPECT_EQ(go_subtract(5, 3), 2);
  EXPECT_EQ(go_subtract(kMax, -1), kMin);
  EXPECT_EQ(go_subtract(kMin, 1), kMax);
}

TEST(HealthFieldsTest, ResultsCarryKstatusConditions) {
  EXPECT_EQ(in_progress("LessReady", "Ready: 1/2"),
            (Health{HealthStatus::kInProgress, "Ready: 1/2",
                    HealthCondition{"Reconciling", "LessReady", "Ready: 1/2"}}));
  EXPECT_EQ(failed("JobFailed", "Job Failed. failed: 1/1"),
            (Health{HealthStatus::kFailed, "Job Failed. failed: 1/1",
                    HealthCondition{"Stalled", "JobFailed", "Job Failed. failed: 1/1"}}));
  EXPECT_EQ(current("PVC is Bound"), (Health{HealthStatus::kCurrent, "PVC is Bound", {}}));
}

}  // namespace
}  // namespace sluice::apply::detail
