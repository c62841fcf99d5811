// sluice SIGKILLed in the middle of a prune and started again (label `fault`): the fault proxy
// holds every DELETE of a ConfigMap for a moment, so the prune of 70 objects takes long enough
// for the kill to land while deletes are in flight. The restarted operator finishes the prune
// from the inventory still recorded in the status, and touches nothing outside it: a ConfigMap
// carrying the Application's labels that was never in its inventory, and another Application's
// object, keep their resourceVersion and get no DELETE.
#include <map>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "fault_proxy.h"
#include "manifests.h"
#include "test_helpers.h"

namespace sluice::testing {
namespace {

using std::chrono::seconds;
using Steady = std::chrono::steady_clock;

constexpr int kObjects = 80;
constexpr int kKept = 10;  // cm-00 .. cm-09 stay; the rest are pruned
constexpr double kDeleteDelay = 0.3;

std::string cm_name(int i) {
  return std::string("cm-") + (i < 10 ? "0" : "") + std::to_string(i);
}

class PruneKillFaultTest : public FaultTest {
 protected:
  // The ConfigMaps of the namespace carrying Application `app`'s ownership label.
  std::set<std::string> labelled(const std::string& app) const {
    const ProcessResult listed =
        env().kubectl({"-n", ns(), "get", "configmaps", "-l", "sluice.dev/application-name=" + app,
                       "-o", "jsonpath={range .items[*]}{.metadata.name}{\"\\n\"}{end}"});
    return nonempty_lines(listed.out);
  }

  // The ConfigMap names the proxy saw a DELETE for, with how many each.
  std::map<std::string, int> deletes(const Json& seen) const {
    std::map<std::string, int> out;
    const std::string prefix = "/api/v1/namespaces/" + ns() + "/configmaps/";
    for (const Json& request : seen) {
      if (request["method"] != "DELETE") continue;
      const std::string path = request["path"];
      if (path.rfind(prefix, 0) == 0) ++out[path.substr(prefix.size())];
    }
    return out;
  }

  std::string resource_version(const std::string& name) const {
    return string_member(get("configmap", name), {"metadata", "resourceVersion"});
  }
};

TEST_F(PruneKillFaultTest, KilledMidPruneItFinishesThePruneAndTouchesNothingElse) {
  std::map<std::string, std::string> files;
  for (int i = 0; i < kObjects; ++i) {
    files["app/" + cm_name(i) + ".yaml"] = config_map_yaml(cm_name(i), std::to_string(i));
  }
  files["other/other.yaml"] = config_map_yaml("other-0", "x");
  repo().commit(files, "80 config maps, and one of another Application");
  apply(git_source_yaml("repo", "1s") + "---\n" + application_yaml("shop", "./app") + "---\n" +
        application_yaml("other", "./other"));
  ASSERT_EQ(wait_ready("shop")["status"]["inventory"]["entries"].size(),
            static_cast<std::size_t>(kObjects));
  wait_ready("other");
  // Same ownership labels as shop's objects, but never in its inventory.
  apply("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: stray\n  namespace: " + ns() +
        "\n  labels:\n    sluice.dev/application-name: shop\n"
        "    sluice.dev/application-namespace: " +
        ns() + "\ndata: {value: mine}\n");
  const std::string stray_version = resource_version("stray");
  const std::string other_version = resource_version("other-0");
  ASSERT_FALSE(stray_version.empty());
  ASSERT_FALSE(other_version.empty());
  std::map<std::string, std::string> kept_versions;
  for (int i = 0; i < kKept; ++i) kept_versions[cm_name(i)] = resource_version(cm_name(i));

  // Every DELETE of a ConfigMap waits in the proxy: 70 of them take about 21 s in sequence.
  proxy().set_rules(Json::array({{{"methods", {"DELETE"}},
                                  {"path", "/configmaps/"},
                                  {"action", "delay"},
                                  {"seconds", kDeleteDelay}}}));
  proxy().clear_requests();
  std::vector<std::string> dropped;
  std::set<std::string> stale;
  for (int i = kKept; i < kObjects; ++i) {
    dropped.push_back("app/" + cm_name(i) + ".yaml");
    stale.insert(cm_name(i));
  }
  const std::string next = repo().remove(dropped, "keep ten");

  // Kill it once a dozen deletes went out, one of them still held by the proxy.
  std::map<std::string, int> before_kill;
  ASSERT_TRUE(eventually(
      [&] {
        before_kill = deletes(proxy().requests());
        return before_kill.size() >= 12;
      },
      seconds(60)))
      << op().log();
  op().kill();
  const auto killed = Steady::now();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // the held DELETE lands, or not
  before_kill = deletes(proxy().requests());
  const std::set<std::string> at_kill = labelled("shop");
  // Mid-prune: some stale objects are gone, others not; the status still holds all 80.
  std::size_t stale_left = 0;
  for (const std::string& name : at_kill) stale_left += stale.contains(name) ? 1 : 0;
  ASSERT_GT(stale_left, 0u) << "the prune finished before the kill";
  ASSERT_LT(stale_left, stale.size()) << "the prune had not started";
  EXPECT_EQ(get("applications.sluice.dev", "shop")["status"]["inventory"]["entries"].size(),
            static_cast<std::size_t>(kObjects));

  proxy().set_rules(Json::array());
  proxy().clear_requests();
  ASSERT_NO_THROW(op().start());
  Json app;
  const bool converged = eventually(
      [&] {
        app = get("applications.sluice.dev", "shop");
        return string_member(app, {"status", "lastAppliedRevision"}) == "main@sha1:" + next &&
               string_member(condition(app, "Ready"), {"status"}) == "True";
      },
      seconds(60));
  const double converge = seconds_since(killed);
  ASSERT_TRUE(converged) << app.dump(2) << op().log();
  const std::map<std::string, int> after_restart = deletes(proxy().requests());

  // The prune completed: only the ten kept objects and the stray one carry shop's labels.
  std::set<std::string> expected;
  for (int i = 0; i < kKept; ++i) expected.insert(cm_name(i));
  expected.insert("stray");
  EXPECT_EQ(labelled("shop"), expected);
  EXPECT_EQ(app["status"]["inventory"]["entries"].size(), static_cast<std::size_t>(kKept));
  // Nothing outside the stale set was deleted or changed, before the kill or after.
  EXPECT_EQ(resource_version("stray"), stray_version);
  EXPECT_EQ(resource_version("other-0"), other_version);
  for (const auto& [name, version] : kept_versions) {
    EXPECT_EQ(resource_version(name), version) << name;
  }
  int sent = 0;
  for (const auto& phase : {before_kill, after_restart}) {
    for (const auto& [name, count] : phase) {
      EXPECT_TRUE(stale.contains(name)) << "DELETE of " << name << ", not in the stale set";
      sent += count;
    }
  }
  // One DELETE per stale object, give or take the one in flight at the kill.
  EXPECT_GE(sent, static_cast<int>(stale.size()));
  EXPECT_LE(sent, static_cast<int>(stale.size()) + 1);
  wait_ready("other");
  std::cout << "[fault] killed after " << before_kill.size() << " of " << stale.size()
            << " deletes (" << stale_left << " stale objects left); the restarted operator sent "
            << after_restart.size() << " more and converged " << converge
            << " s after the kill; DELETEs in all: " << sent << "\n";
}

}  // namespace
}  // namespace sluice::testing
