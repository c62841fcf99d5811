#include "apply/drift.h"

#include <gtest/gtest.h>

namespace sluice::apply {
namespace {

const Json kDesired = Json::parse(R"({
  "apiVersion": "apps/v1", "kind": "Deployment",
  "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web"}},
  "spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "web", "image": "nginx"}]}}}
})");

// What the server answers: defaults added, other managers' fields, status.
Json server_answer() {
  Json live = kDesired;
  live["metadata"]["resourceVersion"] = "10";
  live["metadata"]["uid"] = "u-1";
  live["metadata"]["labels"]["team"] = "shop";  // someone else's label
  live["spec"]["strategy"] = Json{{"type", "RollingUpdate"}};
  live["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] = "Always";
  live["status"] = Json{{"replicas", 2}};
  return live;
}

TEST(Drift, ProjectsOntoTheDesiredFieldsOnly) {
  const Json projected = project(kDesired, server_answer());
  EXPECT_FALSE(projected["metadata"].contains("resourceVersion"));
  EXPECT_FALSE(projected["metadata"]["labels"].contains("team"));
  EXPECT_FALSE(projected["spec"].contains("strategy"));
  EXPECT_FALSE(projected.contains("status"));
  // Lists are taken whole: the server's defaults inside them are part of the projection.
  EXPECT_EQ(projected["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"], "Always");
}

TEST(Drift, NothingToDoWhenOnlyOthersFieldsAndStatusChanged) {
  const AppliedState state = applied_state(kDesired, server_answer());
  Json live = server_answer();
  live["metadata"]["resourceVersion"] = "11";
  live["status"]["readyReplicas"] = 2;
  live["metadata"]["annotations"] = Json{{"deployment.kubernetes.io/revision", "1"}};
  EXPECT_EQ(need_apply(kDesired, &state, &live), Need::kNothing);
}

TEST(Drift, AChangeToAnAppliedFieldIsDrift) {
  const AppliedState state = applied_state(kDesired, server_answer());
  Json scaled = server_answer();
  scaled["spec"]["replicas"] = 5;  // kubectl scale
  EXPECT_EQ(need_apply(kDesired, &state, &scaled), Need::kApplyDrifted);

  Json relabelled = server_answer();
  relabelled["metadata"]["labels"].erase("app");
  EXPECT_EQ(need_apply(kDesired, &state, &relabelled), Need::kApplyDrifted);

  Json image = server_answer();
  image["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:evil";
  EXPECT_EQ(need_apply(kDesired, &state, &image), Need::kApplyDrifted);
}

TEST(Drift, NewDesiredStateOrMissingObjectMeansApply) {
  const AppliedState state = applied_state(kDesired, server_answer());
  Json next = kDesired;
  next["spec"]["replicas"] = 3;
  const Json live = server_answer();
  EXPECT_EQ(need_apply(next, &state, &live), Need::kApplyChanged);
  EXPECT_EQ(need_apply(kDesired, nullptr, &live), Need::kApplyChanged);
  EXPECT_EQ(need_apply(kDesired, &state, nullptr), Need::kApplyMissing);
}

TEST(Drift, AnObjectFromAListResponseIsTheSameObject) {
  // Items of a list (an informer's relist) carry no apiVersion or kind.
  const AppliedState state = applied_state(kDesired, server_answer());
  Json listed = server_answer();
  listed.erase("apiVersion");
  listed.erase("kind");
  EXPECT_EQ(need_apply(kDesired, &state, &listed), Need::kNothing);
  EXPECT_TRUE(live_object_holds(listed, kDesired));
}

TEST(Drift, LiveHoldsTheDesiredValuesDespiteServerDefaults) {
  EXPECT_TRUE(live_object_holds(server_answer(), kDesired));
  EXPECT_TRUE(holds(server_answer()["spec"], kDesired["spec"]));

  Json scaled = server_answer();
  scaled["spec"]["replicas"] = 5;
  EXPECT_FALSE(live_object_holds(scaled, kDesired));
  Json unlabelled = server_answer();
  unlabelled["metadata"]["labels"].erase("app");
  EXPECT_FALSE(live_object_holds(unlabelled, kDesired));
  Json extra_container = server_answer();
  extra_container["spec"]["template"]["spec"]["containers"].push_back(Json{{"name", "sidecar"}});
  EXPECT_FALSE(live_object_holds(extra_container, kDesired));
  Json normalised = server_answer();
  normalised["spec"]["replicas"] = "2";  // another type is another value
  EXPECT_FALSE(live_object_holds(normalised, kDesired));
  EXPECT_FALSE(live_object_holds(Json(nullptr), kDesired));
}

TEST(Drift, DriftedFieldsNameWhatChangedOrWent) {
  EXPECT_TRUE(drifted_fields(kDesired, server_answer()).empty());
  Json live = server_answer();
  live.erase("apiVersion");  // as listed: not drift
  live["spec"]["replicas"] = 5;
  live["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:evil";
  live["metadata"]["labels"].erase("app");
  EXPECT_EQ(drifted_fields(kDesired, live),
            (std::vector<std::string>{"metadata.labels.app", "spec.replicas",
                                      "spec.template.spec.containers[0].image"}));
  live["spec"]["template"]["spec"]["containers"].push_back(Json{{"name", "sidecar"}});
  EXPECT_EQ(drifted_fields(kDesired, live, 2),
            (std::vector<std::string>{"metadata.labels.app", "spec.replicas"}));
  EXPECT_EQ(drifted_fields(kDesired, live).back(), "spec.template.spec.containers");
}

TEST(Drift, FingerprintIsCanonical) {
  EXPECT_EQ(fingerprint(Json::parse(R"({"a":1,"b":[1,2]})")),
            fingerprint(Json::parse(R"({"b":[1,2],"a":1})")));
  EXPECT_NE(fingerprint(Json::parse(R"({"a":1})")), fingerprint(Json::parse(R"({"a":2})")));
  EXPECT_EQ(fingerprint(Json("x")).size(), 64U);
}

}  // namespace
}  // namespace sluice::apply
