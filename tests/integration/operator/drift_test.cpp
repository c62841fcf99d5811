// Drift: changes someone else makes to what sluice applied are seen from the watch of owned
// objects and put back at once (spec.drift: Correct), or only reported (Report).
#include <thread>

#include <gtest/gtest.h>

#include "manifests.h"
#include "operator_fixture.h"

namespace sluice::testing {
namespace {

using std::chrono::seconds;

class DriftTest : public OperatorTest {};

TEST_F(DriftTest, AScaleByHandIsPutBackWithinSeconds) {
  repo().commit(
      {{"app/web.yaml", deployment_yaml("web", 2)}, {"app/a.yaml", config_map_yaml("a", "1")}},
      "web");
  apply(git_source_yaml("repo", "1h") + "---\n" + application_yaml("shop", "./app"));
  wait_ready("shop");

  ASSERT_EQ(env().kubectl({"-n", ns(), "scale", "deployment/web", "--replicas=5"}).exit_code, 0);
  // The interval is a minute: only the watch can explain a correction within seconds.
  Json web;
  ASSERT_TRUE(eventually(
      [&] {
        web = get("deployment", "web");
        return web["spec"]["replicas"] == 2;
      },
      seconds(15)))
      << web.dump(2) << op().log();
  Json app;
  ASSERT_TRUE(eventually([&] {
    app = get("applications.sluice.dev", "shop");
    return string_member(app, {"status", "drift", "action"}) == "Corrected";
  })) << app.dump(2);
  EXPECT_EQ(app["status"]["drift"]["objects"][0], ns() + "_web_apps_Deployment");
  const ProcessResult events = env().kubectl(
      {"-n", ns(), "get", "events", "--field-selector", "reason=DriftCorrected", "-o", "name"});
  EXPECT_FALSE(events.out.empty()) << events.err;

  // A deleted object comes back the same way.
  ASSERT_EQ(env().kubectl({"-n", ns(), "delete", "configmap", "a"}).exit_code, 0);
  EXPECT_TRUE(eventually([&] { return !get("configmap", "a").is_null(); }, seconds(15)))
      << op().log();
}

TEST_F(DriftTest, ReportModeRecordsDriftAndLeavesIt) {
  repo().commit({{"app/a.yaml", config_map_yaml("a", "1")}}, "a");
  apply(git_source_yaml("repo", "1h") + "---\n" +
        application_yaml("shop", "./app", "drift: Report\ninterval: 3s"));
  wait_ready("shop");
  const std::uintmax_t offset = audit_offset();
  ASSERT_EQ(env()
                .kubectl({"-n", ns(), "patch", "configmap", "a", "--type=merge", "-p",
                          R"({"data":{"value":"by hand"}})"})
                .exit_code,
            0);
  Json app;
  ASSERT_TRUE(eventually([&] {
    app = get("applications.sluice.dev", "shop");
    return string_member(app, {"status", "drift", "action"}) == "Reported";
  })) << app.dump(2)
      << op().log();
  EXPECT_EQ(app["status"]["drift"]["objects"][0], ns() + "_a__ConfigMap");
  EXPECT_EQ(app["status"]["drift"]["fields"][0]["object"], ns() + "_a__ConfigMap");
  EXPECT_EQ(app["status"]["drift"]["fields"][0]["paths"], Json::array({"data.value"}));
  const std::string found_at = string_member(app, {"status", "drift", "time"});
  // Several intervals later it is still as the person left it, and sluice wrote nothing to
  // it: the API server's audit log has no write of the operator's to this namespace's
  // ConfigMaps. The drift, found again each interval, keeps the time it was first found.
  std::this_thread::sleep_for(seconds(7));
  EXPECT_EQ(get("configmap", "a")["data"]["value"], "by hand");
  for (const std::string& request : audit_requests("sluice", offset)) {
    const bool write = request.find(" get ") == std::string::npos &&
                       request.find(" list ") == std::string::npos &&
                       request.find(" watch ") == std::string::npos;
    EXPECT_FALSE(write && request.find("/namespaces/" + ns() + "/configmaps") != std::string::npos)
        << request;
  }
  EXPECT_EQ(string_member(get("applications.sluice.dev", "shop"), {"status", "drift", "time"}),
            found_at);
  const ProcessResult events =
      env().kubectl({"-n", ns(), "get", "events", "--field-selector", "reason=DriftDetected", "-o",
                     "jsonpath={.items[*].message}"});
  EXPECT_NE(events.out.find("data.value"), std::string::npos) << events.out << events.err;
  EXPECT_EQ(string_member(condition(get("applications.sluice.dev", "shop"), "Ready"), {"status"}),
            "True");
}

}  // namespace
}  // namespace sluice::testing
