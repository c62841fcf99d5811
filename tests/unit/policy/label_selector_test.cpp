#include "policy/label_selector.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "core/yaml_reader.h"

namespace sluice::policy {
namespace {

using ::testing::HasSubstr;

LabelSelector selector(std::string_view yaml) {
  return LabelSelector::parse(parse_yaml(yaml), "spec.match.applicationSelector");
}

std::string problem(std::string_view yaml) {
  try {
    selector(yaml);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    return e.message();
  }
  return "accepted";
}

const StringMap kProd{{"env", "prod"}, {"tier", "web"}};
const StringMap kDev{{"env", "dev"}};
const StringMap kNone{};

TEST(LabelSelector, EmptyMatchesEverything) {
  EXPECT_TRUE(selector("{}").matches(kNone));
  EXPECT_TRUE(selector("{}").matches(kProd));
}

TEST(LabelSelector, MatchLabels) {
  const LabelSelector s = selector("matchLabels: {env: prod, tier: web}");
  EXPECT_TRUE(s.matches(kProd));
  EXPECT_FALSE(s.matches(kDev));
  EXPECT_FALSE(s.matches({{"env", "prod"}}));
  EXPECT_TRUE(selector("matchLabels: {empty: ''}").matches({{"empty", ""}}));
  EXPECT_FALSE(selector("matchLabels: {empty: ''}").matches(kNone));
}

TEST(LabelSelector, In) {
  const LabelSelector s =
      selector("matchExpressions: [{key: env, operator: In, values: [prod, staging]}]");
  EXPECT_TRUE(s.matches(kProd));
  EXPECT_FALSE(s.matches(kDev));
  EXPECT_FALSE(s.matches(kNone));
}

TEST(LabelSelector, NotInMatchesAbsentLabels) {
  const LabelSelector s =
      selector("matchExpressions: [{key: env, operator: NotIn, values: [prod]}]");
  EXPECT_FALSE(s.matches(kProd));
  EXPECT_TRUE(s.matches(kDev));
  EXPECT_TRUE(s.matches(kNone));
}

TEST(LabelSelector, ExistsAndDoesNotExist) {
  EXPECT_TRUE(selector("matchExpressions: [{key: tier, operator: Exists}]").matches(kProd));
  EXPECT_FALSE(selector("matchExpressions: [{key: tier, operator: Exists}]").matches(kDev));
  EXPECT_FALSE(selector("matchExpressions: [{key: tier, operator: DoesNotExist}]").matches(kProd));
  EXPECT_TRUE(selector("matchExpressions: [{key: tier, operator: DoesNotExist, values: []}]")
                  .matches(kDev));
}

TEST(LabelSelector, AllTermsMustHold) {
  const LabelSelector s = selector(
      "matchLabels: {env: prod}\n"
      "matchExpressions: [{key: tier, operator: In, values: [web]}, {key: canary, operator: "
      "DoesNotExist}]");
  EXPECT_TRUE(s.matches(kProd));
  EXPECT_FALSE(s.matches({{"env", "prod"}, {"tier", "web"}, {"canary", "true"}}));
  EXPECT_FALSE(s.matches({{"env", "dev"}, {"tier", "web"}}));
}

TEST(LabelSelector, Malformed) {
  EXPECT_THAT(problem("[]"), HasSubstr("spec.match.applicationSelector: must be an object"));
  EXPECT_THAT(problem("{matchLabel: {a: b}}"), HasSubstr("unknown field \"matchLabel\""));
  EXPECT_THAT(problem("matchLabels: {a: 1}"),
              HasSubstr("spec.match.applicationSelector.matchLabels.a: must be a string"));
  EXPECT_THAT(problem("matchLabels: [a]"), HasSubstr("matchLabels: must be an object"));
  EXPECT_THAT(problem("matchExpressions: {key: a}"), HasSubstr("matchExpressions: must be a list"));
  EXPECT_THAT(problem("matchExpressions: [{key: a, operator: in, values: [x]}]"),
              HasSubstr("matchExpressions[0].operator: must be one of In, NotIn, Exists, "
                        "DoesNotExist, not \"in\""));
  EXPECT_THAT(problem("matchExpressions: [{operator: Exists}]"),
              HasSubstr("matchExpressions[0].key: required"));
  EXPECT_THAT(problem("matchExpressions: [{key: a}]"),
              HasSubstr("matchExpressions[0].operator: required"));
  EXPECT_THAT(problem("matchExpressions: [{key: a, operator: In}]"),
              HasSubstr("values: must be non-empty for operator In and NotIn"));
  EXPECT_THAT(problem("matchExpressions: [{key: a, operator: NotIn, values: []}]"),
              HasSubstr("values: must be non-empty"));
  EXPECT_THAT(problem("matchExpressions: [{key: a, operator: Exists, values: [x]}]"),
              HasSubstr("values: must be empty for operator Exists and DoesNotExist"));
  EXPECT_THAT(problem("matchExpressions: [{key: a, operator: In, values: [1]}]"),
              HasSubstr("values[0]: must be a string"));
  EXPECT_THAT(problem("matchExpressions: [{key: '', operator: Exists}]"),
              HasSubstr("key: must not be empty"));
}

}  // namespace
}  // namespace sluice::policy
