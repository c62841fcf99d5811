#include "apply/diff.h"

#include <gtest/gtest.h>

#include "fake_live_objects.h"

namespace sluice::apply {
namespace {

Json config_map(const std::string& name, const std::string& value) {
  return Json{{"apiVersion", "v1"},
              {"kind", "ConfigMap"},
              {"metadata", {{"name", name}, {"namespace", "shop"}}},
              {"data", {{"key", value}}}};
}

TEST(Diff, SendsOnlyWhatChangedDriftedOrIsMissing) {
  testing::FakeLiveObjects live;
  const std::vector<Object> desired{Object(config_map("same", "1")), Object(config_map("new", "1")),
                                    Object(config_map("drifted", "1")),
                                    Object(config_map("gone", "1"))};
  AppliedStates remembered;
  for (const char* name : {"same", "drifted", "gone"}) {
    Json answer = config_map(name, "1");
    answer["metadata"]["resourceVersion"] = "5";
    remembered[Object(answer).id()] = applied_state(config_map(name, "1"), answer);
    live.put(answer);
  }
  live.put(config_map("new", "0"));
  Json changed = config_map("drifted", "edited by hand");
  live.put(changed);
  live.erase(config_map("gone", "1"));

  const Plan result = plan(desired, remembered, live);
  std::vector<std::string> sent;
  for (const Object& object : result.to_apply) sent.push_back(object.name());
  EXPECT_EQ(sent, (std::vector<std::string>{"new", "drifted", "gone"}));
  ASSERT_EQ(result.unchanged.size(), 1U);
  EXPECT_EQ(result.unchanged[0].name, "same");
  ASSERT_EQ(result.drifted.size(), 1U);
  EXPECT_EQ(result.drifted[0].name, "drifted");
  EXPECT_EQ(result.drift_fields.at(result.drifted[0]), std::vector<std::string>{"data.key"});
  EXPECT_EQ(result.drift_fields.size(), 1U);
  ASSERT_EQ(result.missing.size(), 1U);
  EXPECT_EQ(result.missing[0].name, "gone");
}

TEST(Diff, LeavesObjectsWithReconcileDisabledAlone) {
  testing::FakeLiveObjects live;
  Json held = config_map("held", "by hand");
  held["metadata"]["annotations"] = Json{{"sluice.dev/reconcile", "disabled"}};
  live.put(held);
  const Plan result = plan({Object(config_map("held", "1"))}, {}, live);
  EXPECT_TRUE(result.to_apply.empty());
  ASSERT_EQ(result.disabled.size(), 1U);
}

TEST(Diff, AdoptsWhatStillHoldsOnlyWhenToldItWasAppliedBefore) {
  testing::FakeLiveObjects live;
  Json listed = config_map("kept", "1");
  listed["metadata"]["resourceVersion"] = "7";
  live.put_listed(listed);
  live.put(config_map("edited", "by hand"));
  const std::vector<Object> desired{Object(config_map("kept", "1")),
                                    Object(config_map("edited", "1")),
                                    Object(config_map("absent", "1"))};

  // A fresh process, and the status does not vouch for this desired set: everything is sent.
  EXPECT_EQ(plan(desired, {}, live).to_apply.size(), 3U);

  const Plan adopting = plan(desired, {}, live, true);
  std::vector<std::string> sent;
  for (const Object& object : adopting.to_apply) sent.push_back(object.name());
  EXPECT_EQ(sent, (std::vector<std::string>{"edited", "absent"}));
  ASSERT_EQ(adopting.adopted.size(), 1U);
  const ObjectId kept = Object(config_map("kept", "1")).id();
  ASSERT_TRUE(adopting.adopted.contains(kept));
  // Remembered as if applied: the next plan finds it unchanged, and drift still shows.
  EXPECT_TRUE(plan({desired[0]}, adopting.adopted, live).to_apply.empty());
  Json drifted = config_map("kept", "2");
  live.put(drifted);
  EXPECT_EQ(plan({desired[0]}, adopting.adopted, live).drifted.size(), 1U);
}

}  // namespace
}  // namespace sluice::apply
