// sluice killed (SIGKILL) in the middle of an apply and started again: it converges, and
// nothing it created is forgotten. The inventory is recorded before the apply, so even objects
// of a revision that never finished are pruned when a later revision drops them.
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "manifests.h"
#include "operator_fixture.h"
#include "test_helpers.h"

namespace sluice::testing {
namespace {

using std::chrono::seconds;

class RestartTest : public OperatorTest {
 protected:
  // The ConfigMaps carrying the Application's ownership label.
  std::set<std::string> labelled() const {
    const ProcessResult listed =
        env().kubectl({"-n", ns(), "get", "configmaps", "-l", "sluice.dev/application-name=shop",
                       "-o", "jsonpath={range .items[*]}{.metadata.name}{\"\\n\"}{end}"});
    return nonempty_lines(listed.out);
  }

  // Commits `count` ConfigMaps under many/ and applies an Application of them.
  void start_many(int count) {
    std::map<std::string, std::string> files;
    for (int i = 0; i < count; ++i) {
      files["many/cm-" + std::to_string(i) + ".yaml"] =
          config_map_yaml("cm-" + std::to_string(i), std::to_string(i));
    }
    repo().commit(files, "many");
    apply(git_source_yaml("repo", "1h") + "---\n" + application_yaml("shop", "./many"));
  }
};

TEST_F(RestartTest, KilledMidApplyItConvergesAndOrphansNothing) {
  constexpr int kObjects = 400;
  start_many(kObjects);

  // Kill it once some, not all, of the objects exist (the client's 50 requests/s limit spreads
  // the 400 applies over several seconds).
  std::size_t at_kill = 0;
  ASSERT_TRUE(eventually(
      [&] {
        at_kill = labelled().size();
        return at_kill >= 20;
      },
      seconds(60)))
      << op().log();
  op().kill();
  at_kill = labelled().size();
  ASSERT_LT(at_kill, static_cast<std::size_t>(kObjects)) << "the apply finished before the kill";

  // While it is down, the repository moves on to a revision without any of them.
  repo().remove({"many"}, "none of them");
  const std::string next =
      repo().commit({{"many/only.yaml", config_map_yaml("only", "1")}}, "only one");

  OperatorProcess restarted(env(), operator_kubeconfig(), ns(), storage_dir());
  ASSERT_NO_THROW(restarted.start());
  Json app;
  const bool converged = eventually([&] {
    app = get("applications.sluice.dev", "shop");
    return string_member(app, {"status", "lastAppliedRevision"}) == "main@sha1:" + next;
  });
  EXPECT_TRUE(converged) << app.dump(2) << restarted.log();
  EXPECT_EQ(labelled(), std::set<std::string>{"only"})
      << "objects created before the kill were orphaned";
  EXPECT_EQ(app["status"]["inventory"]["entries"].size(), 1U);
  EXPECT_EQ(restarted.stop(), 0);
}

TEST_F(RestartTest, RestartedOnTheSameRevisionItFinishesTheApply) {
  constexpr int kObjects = 300;
  start_many(kObjects);
  ASSERT_TRUE(eventually([&] { return labelled().size() >= 20; }, seconds(60))) << op().log();
  op().kill();
  ASSERT_LT(labelled().size(), static_cast<std::size_t>(kObjects));

  OperatorProcess restarted(env(), operator_kubeconfig(), ns(), storage_dir());
  ASSERT_NO_THROW(restarted.start());
  const Json app = wait_ready("shop", "True", seconds(120));
  EXPECT_EQ(labelled().size(), static_cast<std::size_t>(kObjects));
  EXPECT_EQ(app["status"]["inventory"]["entries"].size(), static_cast<std::size_t>(kObjects));
  EXPECT_EQ(restarted.stop(), 0);
}

}  // namespace
}  // namespace sluice::testing
