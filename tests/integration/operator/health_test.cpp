// Health: with wait: true an Application is Ready only once kstatus calls every object
// Current, as kube-controller-manager, kube-scheduler and kwok roll them out; an object that
// never gets there fails the check at spec.timeout.
#include <gtest/gtest.h>

#include "manifests.h"
#include "operator_fixture.h"

namespace sluice::testing {
namespace {

using std::chrono::seconds;
using std::chrono::steady_clock;

class HealthTest : public OperatorTest {};

TEST_F(HealthTest, ReadyOnlyOnceTheRolloutIsDone) {
  repo().commit({{"app/web.yaml", deployment_yaml("web", 3)}}, "web");
  apply(git_source_yaml("repo", "1h") + "---\n" +
        application_yaml("shop", "./app", "wait: true\ntimeout: 90s"));
  const Json app = wait_ready("shop", "True", seconds(120));
  const Json web = get("deployment", "web");
  EXPECT_EQ(web["status"]["availableReplicas"], 3) << web["status"].dump(2);
  EXPECT_EQ(string_member(condition(app, "Healthy"), {"status"}), "True");
  EXPECT_EQ(app["status"]["health"]["status"], "Current");
}

TEST_F(HealthTest, ADeploymentThatNeverBecomesHealthyFailsAtTheTimeout) {
  repo().commit({{"app/web.yaml", deployment_yaml("web", 1, kNeverReadyImage)}}, "web");
  const auto started = steady_clock::now();
  apply(git_source_yaml("repo", "1h") + "---\n" +
        application_yaml("shop", "./app", "wait: true\ntimeout: 15s\nretryInterval: 1m"));
  const Json app = wait_ready("shop", "False", seconds(60), "HealthCheckFailed");
  const auto took = steady_clock::now() - started;
  const Json ready = condition(app, "Ready");
  EXPECT_EQ(ready["reason"], "HealthCheckFailed") << ready.dump();
  const std::string message = string_member(ready, {"message"});
  EXPECT_NE(message.find("timed out after 15s"), std::string::npos) << message;
  EXPECT_NE(message.find("Deployment/" + ns() + "/web"), std::string::npos) << message;
  EXPECT_GE(took, seconds(15));
  EXPECT_EQ(string_member(condition(app, "Healthy"), {"status"}), "False");
  EXPECT_EQ(app["status"]["health"]["unhealthy"][0]["id"], ns() + "_web_apps_Deployment");
  // It was applied, just not healthy: the revision counts as attempted, not applied.
  EXPECT_FALSE(get("deployment", "web").is_null());
  EXPECT_EQ(find_member(app, {"status", "lastAppliedRevision"}), nullptr) << app["status"].dump(2);
}

}  // namespace
}  // namespace sluice::testing
