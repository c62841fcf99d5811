// The git server down and back (label `fault`): the operator's own git daemon for this test
// (git daemon on 127.0.0.1, serving the environment's repositories) is stopped while the
// Application runs and started again on the same port.
#include <map>
#include <memory>
#include <random>
#include <thread>

#include <gtest/gtest.h>

#include "loopback_servers.h"
#include "manifests.h"
#include "operator_fixture.h"
#include "test_helpers.h"

namespace sluice::testing {
namespace {

using std::chrono::seconds;

class GitServerFaultTest : public OperatorTest {
 protected:
  void TearDown() override {
    OperatorTest::TearDown();
    if (daemon_) daemon_->stop();
  }

  // Starts a git daemon on `port_` and waits until it serves the test's repository. git-daemon
  // itself, not `git daemon`: the wrapper would leave its child running when killed.
  void start_daemon() {
    const std::string root = env().var("GIT_ROOT");
    const ProcessResult exec_path = run_process({"git", "--exec-path"});
    ASSERT_EQ(exec_path.exit_code, 0) << exec_path.err;
    const std::string git_daemon =
        exec_path.out.substr(0, exec_path.out.find('\n')) + "/git-daemon";
    daemon_ = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{git_daemon, "--reuseaddr", "--listen=127.0.0.1",
                                 "--port=" + std::to_string(port_), "--base-path=" + root,
                                 "--export-all", "--informative-errors", root},
        storage_dir().string() + "-git-daemon.log",
        std::map<std::string, std::string>{{"GIT_CONFIG_COUNT", "1"},
                                           {"GIT_CONFIG_KEY_0", "safe.directory"},
                                           {"GIT_CONFIG_VALUE_0", "*"}});
    ASSERT_TRUE(eventually(
        [&] {
          return run_process({"git", "ls-remote", url()}).exit_code == 0;
        },
        seconds(15)))
        << "the private git daemon did not start";
  }
  void stop_daemon() {
    ASSERT_NE(daemon_, nullptr);
    daemon_->stop();
    daemon_.reset();
  }
  std::string url() {
    return "git://127.0.0.1:" + std::to_string(port_) + "/" + repo().name() + ".git";
  }

  int port_ = unused_loopback_port();
  std::unique_ptr<BackgroundProcess> daemon_;
};

// Down: the GitSource says why (Ready=False, GitOperationFailed) within a few intervals, and
// the last fetched artifact and the applied revision stay. Back: the commit pushed meanwhile is
// fetched and applied.
TEST_F(GitServerFaultTest, DownThenBackKeepsTheLastRevisionThenRecovers) {
  const std::string first = repo().commit({{"app/a.yaml", config_map_yaml("a", "1")}}, "first");
  ASSERT_NO_FATAL_FAILURE(start_daemon());
  apply("apiVersion: sluice.dev/v1alpha1\nkind: GitSource\nmetadata:\n  name: repo\n  namespace: " +
        ns() + "\nspec:\n  url: " + url() + "\n  ref: {branch: main}\n  interval: 2s\n---\n" +
        application_yaml("shop", "./app"));
  Json app = wait_ready("shop");
  const std::string first_revision = "main@sha1:" + first;
  ASSERT_EQ(app["status"]["lastAppliedRevision"], first_revision);

  ASSERT_NO_FATAL_FAILURE(stop_daemon());
  const auto down = std::chrono::steady_clock::now();
  const std::string second = repo().commit({{"app/a.yaml", config_map_yaml("a", "2")}}, "second");
  Json source;
  ASSERT_TRUE(eventually(
      [&] {
        source = get("gitsources.sluice.dev", "repo");
        const Json ready = condition(source, "Ready");
        return string_member(ready, {"status"}) == "False";
      },
      seconds(30)))
      << source.dump(2) << op().log();
  const double noticed = seconds_since(down);
  const Json ready = condition(source, "Ready");
  EXPECT_EQ(string_member(ready, {"reason"}), "GitOperationFailed") << ready.dump();
  EXPECT_NE(string_member(ready, {"message"}).find("127.0.0.1:" + std::to_string(port_)),
            std::string::npos)
      << ready.dump();
  // Meanwhile the last artifact and what was applied from it stay.
  EXPECT_EQ(source["status"]["artifact"]["revision"], first_revision);
  std::this_thread::sleep_for(seconds(4));  // two more failed fetches
  EXPECT_EQ(get("gitsources.sluice.dev", "repo")["status"]["artifact"]["revision"], first_revision);
  EXPECT_EQ(get("applications.sluice.dev", "shop")["status"]["lastAppliedRevision"],
            first_revision);
  EXPECT_EQ(get("configmap", "a")["data"]["value"], "1");

  ASSERT_NO_FATAL_FAILURE(start_daemon());
  const auto up = std::chrono::steady_clock::now();
  wait_applied("shop", second);
  const double recovered = seconds_since(up);
  EXPECT_EQ(get("configmap", "a")["data"]["value"], "2");
  wait_source_ready("repo");
  std::cout << "[fault] git server down: Ready=False after " << noticed
            << " s; back: the new revision applied after " << recovered << " s\n";
}

// Killed mid-fetch: the git server's connection dies in the middle of the pack of a new
// commit (CuttingProxy, as a killed server would leave it), fetch after fetch. The GitSource
// says so, the last artifact and what was applied from it stay; once the server is whole the
// new commit is fetched (into the same cache) and applied.
TEST_F(GitServerFaultTest, KilledMidFetchKeepsTheLastArtifactThenRecovers) {
  const std::string first = repo().commit({{"app/a.yaml", config_map_yaml("a", "1")}}, "first");
  const std::string daemon = repo().daemon_url();  // git://127.0.0.1:PORT/NAME.git
  const std::size_t port_at = daemon.rfind(':') + 1;
  CuttingProxy proxy(std::stoi(daemon.substr(port_at, daemon.find('/', port_at) - port_at)));
  const std::string via_proxy =
      "git://127.0.0.1:" + std::to_string(proxy.port()) + daemon.substr(daemon.find('/', port_at));
  apply("apiVersion: sluice.dev/v1alpha1\nkind: GitSource\nmetadata:\n  name: repo\n  namespace: " +
        ns() + "\nspec:\n  url: " + via_proxy + "\n  ref: {branch: main}\n  interval: 2s\n---\n" +
        application_yaml("shop", "./app"));
  ASSERT_EQ(wait_ready("shop")["status"]["lastAppliedRevision"], "main@sha1:" + first);

  // Random bytes do not compress: the pack is megabytes long and the cut lands inside it.
  std::mt19937 random(7);
  std::string big(3'000'000, '\0');
  for (char& c : big) c = static_cast<char>(random() & 0xff);
  proxy.arm("PACK", 200'000);
  const auto armed = std::chrono::steady_clock::now();
  const std::string second =
      repo().commit({{"big.bin", big}, {"app/a.yaml", config_map_yaml("a", "2")}}, "big");
  Json source;
  ASSERT_TRUE(eventually(
      [&] {
        source = get("gitsources.sluice.dev", "repo");
        return proxy.cuts() >= 1 &&
               string_member(condition(source, "Ready"), {"status"}) == "False";
      },
      seconds(30)))
      << source.dump(2) << op().log();
  const double noticed = seconds_since(armed);
  const Json ready = condition(source, "Ready");
  EXPECT_EQ(string_member(ready, {"reason"}), "GitOperationFailed") << ready.dump();
  EXPECT_NE(string_member(ready, {"message"}).find(via_proxy), std::string::npos) << ready.dump();
  std::this_thread::sleep_for(seconds(4));  // more fetches, each cut
  EXPECT_GE(proxy.cuts(), 2);
  EXPECT_EQ(get("gitsources.sluice.dev", "repo")["status"]["artifact"]["revision"],
            "main@sha1:" + first);
  EXPECT_EQ(get("applications.sluice.dev", "shop")["status"]["lastAppliedRevision"],
            "main@sha1:" + first);
  EXPECT_EQ(get("configmap", "a")["data"]["value"], "1");

  const int cuts = proxy.cuts();
  proxy.disarm();
  const auto whole = std::chrono::steady_clock::now();
  wait_applied("shop", second);
  const double recovered = seconds_since(whole);
  EXPECT_EQ(get("configmap", "a")["data"]["value"], "2");
  wait_source_ready("repo");
  std::cout << "[fault] git connection cut mid-pack: " << cuts << " fetches cut, Ready=False after "
            << noticed << " s; whole again: the new revision applied after " << recovered << " s\n";
}

}  // namespace
}  // namespace sluice::testing
