// A GitSource whose status cannot be written (label `fault`): the fault proxy answers every
// PATCH of its status with 500 while a new commit arrives. The Applications read artifacts from
// the operator's store, not from that status, so the new revision must reach them at once
// rather than at their own interval. (Found by the etcd outage scenario of
// control_plane_fault_test.cpp: the Application used to be told only after a successful status
// patch, and a retry found nothing fresh to tell, so it waited for its interval.)
#include <thread>

#include <gtest/gtest.h>

#include "fault_proxy.h"
#include "manifests.h"
#include "test_helpers.h"

namespace sluice::testing {
namespace {

using std::chrono::seconds;
using Steady = std::chrono::steady_clock;

class SourceStatusFaultTest : public FaultTest {};

TEST_F(SourceStatusFaultTest, NewArtifactReachesApplicationsWhenTheSourceStatusCannotBeWritten) {
  const std::string first = repo().commit({{"app/a.yaml", config_map_yaml("a", "1")}}, "first");
  // The Application's interval is a minute: only the artifact notification is fast.
  apply(git_source_yaml("repo", "1s") + "---\n" + application_yaml("shop", "./app"));
  ASSERT_EQ(wait_ready("shop")["status"]["lastAppliedRevision"], "main@sha1:" + first);

  proxy().set_rules(Json::array({{{"methods", {"PATCH"}},
                                  {"path", "/gitsources/repo/status$"},
                                  {"action", "status"},
                                  {"status", 500}}}));
  const auto pushed = Steady::now();
  const std::string second = repo().commit({{"app/a.yaml", config_map_yaml("a", "2")}}, "second");
  Json app;
  const bool applied = eventually(
      [&] {
        app = get("applications.sluice.dev", "shop");
        return string_member(app, {"status", "lastAppliedRevision"}) == "main@sha1:" + second;
      },
      seconds(20));
  const double took = seconds_since(pushed);
  ASSERT_TRUE(applied) << "the Application waited for its interval:\n"
                       << app.dump(2) << "\n"
                       << op().log();
  EXPECT_EQ(get("configmap", "a")["data"]["value"], "2");
  // The source's status patch really was refused meanwhile.
  const Json source = get("gitsources.sluice.dev", "repo");
  EXPECT_EQ(string_member(source, {"status", "artifact", "revision"}), "main@sha1:" + first);

  // Once its status can be written again, the GitSource records the new artifact too (its
  // failed reconciles are retried every 30 s).
  proxy().set_rules(Json::array());
  EXPECT_TRUE(eventually(
      [&] {
        return string_member(get("gitsources.sluice.dev", "repo"),
                             {"status", "artifact", "revision"}) == "main@sha1:" + second;
      },
      seconds(60)))
      << op().log();
  std::cout << "[fault] GitSource status patches refused: the new commit applied " << took
            << " s after the push (Application interval 60 s)\n";
}

}  // namespace
}  // namespace sluice::testing
