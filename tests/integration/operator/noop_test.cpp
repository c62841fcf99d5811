// A no-op costs nothing: interval reconciles of an unchanged revision without drift send no
// request at all to the API server, counted by the API server itself (its audit log, which
// tests/env/cluster-up writes for ServiceAccounts of the sluice-operator-test namespace).
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "manifests.h"
#include "operator_fixture.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;

class NoOpTest : public OperatorTest {
 protected:
  // This test's operator runs as a ServiceAccount of its own, so the audit log tells its
  // requests from those of the operators of tests running alongside.
  bool start_operator() const override { return false; }

  void SetUp() override {
    OperatorTest::SetUp();
    account_ = "noop-" + ns().substr(ns().size() - 6);
    const std::string ns = "sluice-operator-test";
    ASSERT_EQ(env().kubectl({"-n", ns, "create", "serviceaccount", account_}).exit_code, 0);
    for (const auto& [suffix, role] :
         {std::pair<std::string, std::string>{"c", "sluice-controller"}, {"a", "cluster-admin"}}) {
      ASSERT_EQ(env()
                    .kubectl({"create", "clusterrolebinding", account_ + "-" + suffix,
                              "--clusterrole=" + role, "--serviceaccount=" + ns + ":" + account_})
                    .exit_code,
                0);
    }
    const ProcessResult token =
        env().kubectl({"create", "token", account_, "-n", ns, "--duration=1h"});
    ASSERT_EQ(token.exit_code, 0) << token.err;
    kubeconfig_ = storage_dir().string() + ".kubeconfig";
    std::stringstream text;
    text << std::ifstream(operator_kubeconfig()).rdbuf();
    std::string config = text.str();
    config = std::regex_replace(config, std::regex("token: .*"),
                                "token: " + token.out.substr(0, token.out.find('\n')));
    std::ofstream(kubeconfig_) << config;
    noop_operator_ =
        std::make_unique<OperatorProcess>(env(), kubeconfig_, this->ns(), storage_dir());
  }

  void TearDown() override {
    if (noop_operator_ && noop_operator_->running()) {
      EXPECT_EQ(noop_operator_->stop(), 0) << noop_operator_->log();
    }
    for (const char* suffix : {"-c", "-a"}) {
      env().kubectl({"delete", "clusterrolebinding", account_ + suffix, "--ignore-not-found"});
    }
    env().kubectl({"-n", "sluice-operator-test", "delete", "serviceaccount", account_});
    fs::remove(kubeconfig_);
    OperatorTest::TearDown();
  }

  // This account's requests in the audit log from byte `offset` on: "VERB URI" lines.
  std::vector<std::string> requests_since(std::uintmax_t offset) const {
    std::ifstream log(env().var("SLUICE_AUDIT_LOG"));
    log.seekg(static_cast<std::streamoff>(offset));
    std::vector<std::string> found;
    const std::string user = "system:serviceaccount:sluice-operator-test:" + account_;
    for (std::string line; std::getline(log, line);) {
      if (line.find(user) == std::string::npos) continue;
      const Json event = Json::parse(line, nullptr, false);
      if (event.is_discarded() || string_member(event, {"user", "username"}) != user) continue;
      found.push_back(string_member(event, {"stage"}) + " " + string_member(event, {"verb"}) + " " +
                      string_member(event, {"requestURI"}));
    }
    return found;
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

  const std::uintmax_t offset = fs::file_size(env().var("SLUICE_AUDIT_LOG"));
  const double before = reconciles();
  const std::string resource_version = string_member(app, {"metadata", "resourceVersion"});
  std::this_thread::sleep_for(seconds(12));
  const double after = reconciles();
  const std::vector<std::string> requests = requests_since(offset);

  EXPECT_GE(after - before, 4) << "the interval reconciles did not run";
  std::string listed;
  for (const std::string& request : requests) listed += request + "\n";
  EXPECT_TRUE(requests.empty()) << requests.size() << " requests during no-op reconciles:\n"
                                << listed;
  EXPECT_EQ(string_member(get("applications.sluice.dev", "shop"), {"metadata", "resourceVersion"}),
            resource_version);
}

}  // namespace
}  // namespace sluice::testing
