// A no-op costs nothing: interval reconciles of an unchanged revision without drift send no
// request at all to the API server, counted by the API server itself (its audit log, which
// tests/env/cluster-up writes for ServiceAccounts of the sluice-operator-test namespace).
#include <thread>

#include <gtest/gtest.h>

#include "manifests.h"
#include "operator_fixture.h"

namespace sluice::testing {
namespace {

using std::chrono::seconds;

class NoOpTest : public OperatorTest {
 protected:
  // This test's operator runs as a ServiceAccount of its own, so the audit log tells its
  // requests from those of the operators of tests running alongside.
  bool start_operator() const override { return false; }

  void SetUp() override {
    OperatorTest::SetUp();
    account_ = "noop-" + ns().substr(ns().size() - 6);
    ASSERT_NO_THROW(kubeconfig_ = account_kubeconfig(account_));
    noop_operator_ =
        std::make_unique<OperatorProcess>(env(), kubeconfig_, this->ns(), storage_dir());
  }

  void TearDown() override {
    if (noop_operator_ && noop_operator_->running()) {
      EXPECT_EQ(noop_operator_->stop(), 0) << noop_operator_->log();
    }
    OperatorTest::TearDown();
  }

  double reconciles() const {
    const std::string metrics =
        noop_operator_->get(noop_operator_->metrics_port(), "/metrics").second;
    const std::string series = "sluice_reconcile_total{kind=\"Application\",result=\"success\"} ";
    const auto at = metrics.find(series);
    return at == std::string::npos ? 0 : std::stod(metrics.substr(at + series.size()));
  }

  std::string account_;
  std::string kubeconfig_;
  std::unique_ptr<OperatorProcess> noop_operator_;
};

TEST_F(NoOpTest, IntervalReconcilesOfAnUnchangedRevisionSendNothing) {
  ASSERT_FALSE(env().var("SLUICE_AUDIT_LOG").empty());
  repo().commit({{"app/web.yaml", deployment_yaml("web", 2)},
                 {"app/a.yaml", config_map_yaml("a", "1")},
                 {"app/b.yaml", config_map_yaml("b", "1")}},
                "app");
  apply(git_source_yaml("repo", "2s") + "---\n" +
        application_yaml("shop", "./app", "interval: 2s\nwait: true\ntimeout: 60s"));
  ASSERT_NO_THROW(noop_operator_->start());
  Json app;
  ASSERT_TRUE(eventually(
      [&] {
        app = get("applications.sluice.dev", "shop");
        return string_member(condition(app, "Ready"), {"status"}) == "True";
      },
      seconds(90)))
      << app.dump(2) << noop_operator_->log();
  // Let the rollout's own status churn settle (kwok, the deployment controller).
  std::this_thread::sleep_for(seconds(3));

  const std::uintmax_t offset = audit_offset();
  const double before = reconciles();
  const std::string resource_version = string_member(app, {"metadata", "resourceVersion"});
  std::this_thread::sleep_for(seconds(12));
  const double after = reconciles();
  const std::vector<std::string> requests = audit_requests(account_, offset);

  EXPECT_GE(after - before, 4) << "the interval reconciles did not run";
  std::string listed;
  for (const std::string& request : requests) listed += request + "\n";
  EXPECT_TRUE(requests.empty()) << requests.size() << " requests during no-op reconciles:\n"
                                << listed;
  EXPECT_EQ(string_member(get("applications.sluice.dev", "shop"), {"metadata", "resourceVersion"}),
            resource_version);

  // /debug/vars tells what it has been doing.
  const Json vars = noop_operator_->debug_vars();
  ASSERT_TRUE(vars.is_object());
  EXPECT_EQ(vars["informers"]["applications"], 1) << vars.dump(2);
  EXPECT_EQ(vars["informers"]["owned_objects"], 3) << vars.dump(2);
  EXPECT_GT(vars["informers"]["owned_cache_bytes"].get<double>(), 100) << vars.dump(2);
  EXPECT_GE(vars["pipeline"]["stages"]["render"]["count"].get<double>(), after) << vars.dump(2);
  EXPECT_GE(vars["pipeline"]["stages"]["finish"]["count"].get<double>(), after) << vars.dump(2);
  EXPECT_EQ(vars["queues"]["applications"], 0) << vars.dump(2);
  EXPECT_EQ(vars["leader_election"]["working"], true);
  EXPECT_GT(vars["process"]["peak_rss_bytes"].get<double>(), 0);
}

}  // namespace
}  // namespace sluice::testing
