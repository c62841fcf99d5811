// GitSources: artifact and evidence in status, failures that keep the last artifact,
// credentials from a Secret, and the CRD's validation at the API server.
#include <gtest/gtest.h>

#include "manifests.h"
#include "operator_fixture.h"

namespace sluice::testing {
namespace {

using std::chrono::seconds;

class SourceTest : public OperatorTest {};

TEST_F(SourceTest, StoresAnArtifactAndReportsTheRevision) {
  const std::string sha = repo().commit({{"README.md", "hello\n"}}, "first");
  apply(git_source_yaml("repo"));
  const Json source = wait_source_ready("repo");
  const Json ready = condition(source, "Ready");
  EXPECT_EQ(ready["reason"], "ArtifactStored");
  EXPECT_EQ(source["status"]["artifact"]["revision"], "main@sha1:" + sha);
  EXPECT_EQ(source["status"]["verification"]["method"], "unsigned");
  EXPECT_EQ(source["status"]["observedGeneration"], source["metadata"]["generation"]);
}

TEST_F(SourceTest, AFailedFetchKeepsTheLastArtifact) {
  const std::string sha = repo().commit({{"app/a.yaml", config_map_yaml("a", "1")}}, "first");
  apply(git_source_yaml("repo") + "---\n" + application_yaml("shop", "./app"));
  wait_ready("shop");
  ASSERT_EQ(env()
                .kubectl({"-n", ns(), "patch", "gitsources.sluice.dev", "repo", "--type=merge",
                          "-p", R"({"spec":{"ref":{"branch":"no-such-branch"}}})"})
                .exit_code,
            0);
  Json source;
  ASSERT_TRUE(eventually([&] {
    source = get("gitsources.sluice.dev", "repo");
    return string_member(condition(source, "Ready"), {"status"}) == "False";
  })) << source.dump(2)
      << op().log();
  EXPECT_EQ(condition(source, "Ready")["reason"], "RefNotFound");
  EXPECT_EQ(source["status"]["artifact"]["revision"], "main@sha1:" + sha);
  // The Application keeps reconciling the last artifact.
  EXPECT_EQ(string_member(condition(get("applications.sluice.dev", "shop"), "Ready"), {"status"}),
            "True");
}

TEST_F(SourceTest, CredentialsComeFromTheSecretAndABadPasswordIsNamed) {
  const std::string sha = repo().commit({{"README.md", "hello\n"}}, "first");
  std::string url = env().var("GIT_HTTP_URL") + "/" + repo().name() + ".git";
  apply(
      "apiVersion: v1\nkind: Secret\nmetadata: {name: git, namespace: " + ns() +
      "}\nstringData:\n  username: " + env().var("GIT_HTTP_USER") + "\n  password: wrong\n" +
      "---\napiVersion: sluice.dev/v1alpha1\nkind: GitSource\nmetadata: {name: repo, namespace: " +
      ns() + "}\nspec:\n  url: " + url + "\n  ref: {branch: main}\n  interval: 2s\n" +
      "  secretRef: {name: git}\n");
  Json source;
  ASSERT_TRUE(eventually([&] {
    source = get("gitsources.sluice.dev", "repo");
    return string_member(condition(source, "Ready"), {"reason"}) == "AuthenticationFailed";
  })) << source.dump(2)
      << op().log();
  EXPECT_EQ(op().log(200).find("wrong"), std::string::npos) << "a password reached the log";

  apply("apiVersion: v1\nkind: Secret\nmetadata: {name: git, namespace: " + ns() +
        "}\nstringData:\n  username: " + env().var("GIT_HTTP_USER") +
        "\n  password: " + env().var("GIT_HTTP_PASSWORD") + "\n");
  source = wait_source_ready("repo");
  EXPECT_EQ(source["status"]["artifact"]["revision"], "main@sha1:" + sha);
}

TEST_F(SourceTest, TheApiServerRefusesAnInvalidSpec) {
  const ProcessResult both = env().kubectl(
      {"apply", "-f", "-"},
      "apiVersion: sluice.dev/v1alpha1\nkind: GitSource\nmetadata: {name: bad, namespace: " + ns() +
          "}\nspec:\n  url: https://x/y.git\n  ref: {branch: main, tag: v1}\n");
  EXPECT_NE(both.exit_code, 0);
  EXPECT_NE(both.err.find("exactly one of branch, tag, semver, commit must be set"),
            std::string::npos)
      << both.err;
  const ProcessResult url = env().kubectl(
      {"apply", "-f", "-"},
      "apiVersion: sluice.dev/v1alpha1\nkind: GitSource\nmetadata: {name: bad, namespace: " + ns() +
          "}\nspec:\n  url: ftp://x/y\n  ref: {branch: main}\n");
  EXPECT_NE(url.exit_code, 0);
  EXPECT_NE(url.err.find("spec.url"), std::string::npos) << url.err;
  const ProcessResult interval = env().kubectl(
      {"apply", "-f", "-"},
      "apiVersion: sluice.dev/v1alpha1\nkind: Application\nmetadata: {name: bad, namespace: " +
          ns() + "}\nspec:\n  sourceRef: {name: x}\n  interval: 0s\n");
  EXPECT_NE(interval.exit_code, 0);
  EXPECT_NE(interval.err.find("must be longer than 0s"), std::string::npos) << interval.err;
  const ProcessResult drift = env().kubectl(
      {"apply", "-f", "-"},
      "apiVersion: sluice.dev/v1alpha1\nkind: Application\nmetadata: {name: bad, namespace: " +
          ns() + "}\nspec:\n  sourceRef: {name: x}\n  drift: Sometimes\n");
  EXPECT_NE(drift.exit_code, 0);
  EXPECT_NE(drift.err.find("spec.drift"), std::string::npos) << drift.err;
}

TEST_F(SourceTest, KubectlListsTheCategoryWithPrinterColumns) {
  repo().commit({{"app/a.yaml", config_map_yaml("a", "1")}}, "first");
  apply(git_source_yaml("repo") + "---\n" + application_yaml("shop", "./app"));
  wait_ready("shop");
  const ProcessResult listed = env().kubectl({"-n", ns(), "get", "sluice"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find("gitsource.sluice.dev/repo"), std::string::npos) << listed.out;
  EXPECT_NE(listed.out.find("application.sluice.dev/shop"), std::string::npos) << listed.out;
  const ProcessResult apps = env().kubectl({"-n", ns(), "get", "sapp"});
  EXPECT_NE(apps.out.find("READY"), std::string::npos) << apps.out;
  EXPECT_NE(apps.out.find("REVISION"), std::string::npos) << apps.out;
  EXPECT_NE(apps.out.find("main@sha1:"), std::string::npos) << apps.out;
}

TEST_F(SourceTest, MetricsAndProbesAreServed) {
  repo().commit({{"app/a.yaml", config_map_yaml("a", "1")}}, "first");
  apply(git_source_yaml("repo") + "---\n" + application_yaml("shop", "./app"));
  wait_ready("shop");
  EXPECT_EQ(op().get(op().health_port(), "/healthz").first, 200);
  EXPECT_EQ(op().get(op().health_port(), "/readyz").first, 200);
  const auto [status, metrics] = op().get(op().metrics_port(), "/metrics");
  ASSERT_EQ(status, 200);
  for (const std::string& series :
       {"sluice_reconcile_duration_seconds_bucket{kind=\"Application\",namespace=\"" + ns() +
            "\",name=\"shop\"",
        std::string("sluice_reconcile_total{kind=\"Application\",result=\"success\"}"),
        std::string("sluice_git_fetch_duration_seconds_count{result=\"success\"}"),
        std::string("sluice_objects_applied_total{action=\"created\"}"),
        std::string("sluice_workqueue_depth{queue=\"applications\"}"),
        std::string("sluice_workqueue_latency_seconds_count{queue=\"applications\"}")}) {
    EXPECT_NE(metrics.find(series), std::string::npos) << series;
  }
  const ProcessResult promtool =
      run_process({"promtool", "check", "metrics"}, ProcessOptions{}.set_input(metrics));
  EXPECT_EQ(promtool.exit_code, 0) << promtool.out << promtool.err;
}

}  // namespace
}  // namespace sluice::testing
