// Applications end to end: rollout and prune, broken revisions, suspend, dependencies,
// deletion, reconcile requests.
#include <thread>

#include <gtest/gtest.h>

#include "manifests.h"
#include "operator_fixture.h"

namespace sluice::testing {
namespace {

using std::chrono::seconds;

class ApplicationTest : public OperatorTest {};

std::string revision_of(const std::string& sha) {
  return "main@sha1:" + sha;
}

TEST_F(ApplicationTest, RollsOutTwoRevisionsAndPrunesWhatTheSecondDrops) {
  const std::string first = repo().commit(
      {{"app/kustomization.yaml", kustomization_yaml({"a.yaml", "b.yaml", "web.yaml"})},
       {"app/a.yaml", config_map_yaml("a", "1")},
       {"app/b.yaml", config_map_yaml("b", "1")},
       {"app/web.yaml", deployment_yaml("web", 1)}},
      "first");
  apply(git_source_yaml("repo") + "---\n" + application_yaml("shop", "./app"));
  Json app = wait_ready("shop");
  EXPECT_EQ(app["status"]["lastAppliedRevision"], revision_of(first));
  EXPECT_EQ(app["status"]["inventory"]["entries"].size(), 3U) << app["status"].dump(2);
  const Json a = get("configmap", "a");
  ASSERT_FALSE(a.is_null());
  EXPECT_EQ(a["metadata"]["labels"]["sluice.dev/application-name"], "shop");
  EXPECT_EQ(a["metadata"]["labels"]["sluice.dev/application-namespace"], ns());
  const Json source = get("gitsources.sluice.dev", "repo");
  EXPECT_EQ(source["status"]["artifact"]["revision"], revision_of(first));
  EXPECT_TRUE(string_member(source, {"status", "artifact", "digest"}).starts_with("sha256:"));

  repo().remove({"app/a.yaml"}, "drop a");
  const std::string second =
      repo().commit({{"app/kustomization.yaml", kustomization_yaml({"b.yaml", "web.yaml"})},
                     {"app/b.yaml", config_map_yaml("b", "2")}},
                    "second");
  ASSERT_TRUE(eventually([&] {
    app = get("applications.sluice.dev", "shop");
    return string_member(app, {"status", "lastAppliedRevision"}) == revision_of(second);
  })) << app.dump(2)
      << op().log();
  EXPECT_TRUE(get("configmap", "a").is_null()) << "a was not pruned";
  EXPECT_EQ(get("configmap", "b")["data"]["value"], "2");
  EXPECT_FALSE(get("deployment", "web").is_null());
  EXPECT_EQ(app["status"]["inventory"]["entries"].size(), 2U);
  ASSERT_GE(app["status"]["history"].size(), 2U);
  EXPECT_EQ(app["status"]["history"][0]["revision"], revision_of(second));
  EXPECT_EQ(app["status"]["history"][0]["result"], "Applied");
  EXPECT_EQ(app["status"]["history"][1]["revision"], revision_of(first));
}

TEST_F(ApplicationTest, ABrokenRevisionKeepsTheLastGoodStateAndSaysWhy) {
  const std::string good =
      repo().commit({{"app/kustomization.yaml", kustomization_yaml({"a.yaml"})},
                     {"app/a.yaml", config_map_yaml("a", "good")}},
                    "good");
  apply(git_source_yaml("repo") + "---\n" + application_yaml("shop", "./app"));
  wait_ready("shop");

  const std::string broken =
      repo().commit({{"app/kustomization.yaml", kustomization_yaml({"a.yaml", "missing.yaml"})},
                     {"app/a.yaml", config_map_yaml("a", "never applied")}},
                    "broken");
  Json app;
  ASSERT_TRUE(eventually([&] {
    app = get("applications.sluice.dev", "shop");
    return string_member(app, {"status", "lastAttemptedRevision"}) == revision_of(broken) &&
           string_member(condition(app, "Ready"), {"status"}) == "False";
  })) << app.dump(2)
      << op().log();
  const Json ready = condition(app, "Ready");
  EXPECT_EQ(ready["reason"], "BuildFailed");
  EXPECT_NE(string_member(ready, {"message"}).find("missing.yaml"), std::string::npos)
      << ready.dump();
  EXPECT_EQ(app["status"]["lastAppliedRevision"], revision_of(good));
  EXPECT_EQ(get("configmap", "a")["data"]["value"], "good");
  EXPECT_EQ(app["status"]["history"][0]["result"], "Failed");

  // Fixing the repository recovers.
  const std::string fixed =
      repo().commit({{"app/kustomization.yaml", kustomization_yaml({"a.yaml"})}}, "fixed");
  ASSERT_TRUE(eventually([&] {
    app = get("applications.sluice.dev", "shop");
    return string_member(app, {"status", "lastAppliedRevision"}) == revision_of(fixed);
  })) << app.dump(2);
  EXPECT_EQ(get("configmap", "a")["data"]["value"], "never applied");
}

TEST_F(ApplicationTest, SuspendStopsAllWritesAndResumeCatchesUp) {
  repo().commit({{"app/a.yaml", config_map_yaml("a", "1")}}, "first");
  apply(git_source_yaml("repo") + "---\n" + application_yaml("shop", "./app"));
  wait_ready("shop");
  ASSERT_EQ(env()
                .kubectl({"-n", ns(), "patch", "applications.sluice.dev", "shop", "--type=merge",
                          "-p", R"({"spec":{"suspend":true}})"})
                .exit_code,
            0);
  // The suspended Application is not touched, not even its status (after a reconcile that
  // may have been in flight when it was suspended has ended).
  std::this_thread::sleep_for(seconds(2));
  const std::string resource_version =
      string_member(get("applications.sluice.dev", "shop"), {"metadata", "resourceVersion"});
  const std::string second = repo().commit({{"app/a.yaml", config_map_yaml("a", "2")}}, "second");
  ASSERT_TRUE(eventually([&] {
    return string_member(get("gitsources.sluice.dev", "repo"),
                         {"status", "artifact", "revision"}) == revision_of(second);
  }));
  std::this_thread::sleep_for(seconds(3));  // give a (wrong) reconcile time to happen
  EXPECT_EQ(get("configmap", "a")["data"]["value"], "1");
  EXPECT_EQ(string_member(get("applications.sluice.dev", "shop"), {"metadata", "resourceVersion"}),
            resource_version);

  ASSERT_EQ(env()
                .kubectl({"-n", ns(), "patch", "applications.sluice.dev", "shop", "--type=merge",
                          "-p", R"({"spec":{"suspend":false}})"})
                .exit_code,
            0);
  ASSERT_TRUE(eventually([&] { return get("configmap", "a")["data"]["value"] == "2"; }))
      << op().log();
  EXPECT_EQ(wait_ready("shop")["status"]["lastAppliedRevision"], revision_of(second));
}

TEST_F(ApplicationTest, DependsOnWaitsForTheChainInOrder) {
  repo().commit({{"infra/a.yaml", config_map_yaml("infra", "1")},
                 {"middle/b.yaml", config_map_yaml("middle", "1")},
                 {"top/c.yaml", config_map_yaml("top", "1")}},
                "three layers");
  // top depends on middle, middle on infra; infra is created last.
  apply(git_source_yaml("repo") + "---\n" +
        application_yaml("top", "./top", "dependsOn: [{name: middle}]") + "---\n" +
        application_yaml("middle", "./middle", "dependsOn: [{name: infra}]"));
  Json top;
  ASSERT_TRUE(eventually([&] {
    top = get("applications.sluice.dev", "top");
    return string_member(condition(top, "Ready"), {"reason"}) == "DependencyNotReady";
  })) << top.dump(2)
      << op().log();
  EXPECT_NE(string_member(condition(top, "Ready"), {"message"}).find("middle"), std::string::npos);
  EXPECT_TRUE(get("configmap", "top").is_null());
  EXPECT_TRUE(get("configmap", "middle").is_null());

  apply(application_yaml("infra", "./infra"));
  wait_ready("infra");
  wait_ready("middle");
  wait_ready("top");
  const Json infra_cm = get("configmap", "infra");
  const Json top_cm = get("configmap", "top");
  ASSERT_FALSE(top_cm.is_null());
  // Created in dependency order.
  EXPECT_LE(string_member(infra_cm, {"metadata", "creationTimestamp"}),
            string_member(top_cm, {"metadata", "creationTimestamp"}));
}

TEST_F(ApplicationTest, DeletingAnApplicationWithPruneDeletesItsObjectsFirst) {
  repo().commit(
      {{"app/a.yaml", config_map_yaml("a", "1")}, {"app/web.yaml", deployment_yaml("web", 1)}},
      "first");
  apply(git_source_yaml("repo") + "---\n" + application_yaml("shop", "./app"));
  const Json app = wait_ready("shop");
  EXPECT_NE(app["metadata"]["finalizers"].dump().find("sluice.dev/finalizer"), std::string::npos);
  // An object marked to survive prune.
  repo().commit({{"app/kept.yaml",
                  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: kept\n"
                  "  annotations: {sluice.dev/prune: disabled}\n"}},
                "kept");
  ASSERT_TRUE(eventually([&] { return !get("configmap", "kept").is_null(); })) << op().log();

  ASSERT_EQ(env()
                .kubectl({"-n", ns(), "delete", "applications.sluice.dev", "shop", "--wait=true",
                          "--timeout=60s"})
                .exit_code,
            0)
      << op().log();
  EXPECT_TRUE(get("applications.sluice.dev", "shop").is_null());
  EXPECT_TRUE(get("configmap", "a").is_null());
  EXPECT_TRUE(eventually([&] { return get("deployment", "web").is_null(); }));
  EXPECT_FALSE(get("configmap", "kept").is_null()) << "sluice.dev/prune: disabled was deleted";
}

TEST_F(ApplicationTest, AReconcileRequestIsHandledAndEchoed) {
  repo().commit({{"app/a.yaml", config_map_yaml("a", "1")}}, "first");
  apply(git_source_yaml("repo", "1h") + "---\n" + application_yaml("shop", "./app"));
  wait_ready("shop");
  // Someone deletes the object; the watch puts it back, and a request reconciles at once too.
  ASSERT_EQ(env()
                .kubectl({"-n", ns(), "annotate", "--overwrite", "applications.sluice.dev", "shop",
                          "sluice.dev/reconcile-requested-at=now-1"})
                .exit_code,
            0);
  Json app;
  ASSERT_TRUE(eventually([&] {
    app = get("applications.sluice.dev", "shop");
    return string_member(app, {"status", "lastHandledReconcileAt"}) == "now-1";
  })) << app.dump(2)
      << op().log();
}

}  // namespace
}  // namespace sluice::testing
