// Sharding: two `sluice run --watch-label-selector` deployments split the GitSources and
// Applications of one namespace by label, as Flux's sharding does. Each reconciles its share and
// nothing else; an Application in no shard is left alone by both. Each shard runs as a
// ServiceAccount of its own, so the API server's audit log says which one wrote what.
#include <thread>

#include <gtest/gtest.h>

#include "core/error.h"
#include "manifests.h"
#include "operator_fixture.h"

namespace sluice::testing {
namespace {

using std::chrono::seconds;

constexpr const char* kShardLabel = "sharding.sluice.dev/key";

// `yaml` (one object) with `labels: {key: shard}` added to its metadata.
std::string labelled(const std::string& yaml, const std::string& shard) {
  const std::string metadata = "metadata:\n";
  const auto at = yaml.find(metadata);
  return yaml.substr(0, at + metadata.size()) + "  labels: {" + kShardLabel + ": " + shard + "}\n" +
         yaml.substr(at + metadata.size());
}

class ShardingTest : public OperatorTest {
 protected:
  bool start_operator() const override { return false; }

  std::unique_ptr<OperatorProcess> shard(const std::string& name) {
    const std::string account = name + "-" + ns().substr(ns().size() - 6);
    accounts_[name] = account;
    return std::make_unique<OperatorProcess>(
        env(), account_kubeconfig(account), ns(), storage_dir().string() + "-" + name,
        std::vector<std::string>{"--watch-label-selector",
                                 std::string(kShardLabel) + " in (" + name + ")"},
        name);
  }

  // Whether shard `name` wrote the status of Application `app` since `offset`.
  bool wrote_status(const std::string& name, const std::string& app, std::uintmax_t offset) const {
    const std::string path = "/applications/" + app + "/status";
    for (const std::string& request : audit_requests(accounts_.at(name), offset)) {
      if (request.find(" patch ") != std::string::npos && request.find(path) != std::string::npos) {
        return true;
      }
    }
    return false;
  }

  std::map<std::string, std::string> accounts_;
};

TEST_F(ShardingTest, TwoShardsSplitApplicationsAndSourcesByLabel) {
  repo().commit({{"one/a.yaml", config_map_yaml("a", "1")},
                 {"two/b.yaml", config_map_yaml("b", "1")},
                 {"none/c.yaml", config_map_yaml("c", "1")}},
                "three apps");
  const std::uintmax_t offset = audit_offset();
  apply(labelled(git_source_yaml("repo-1", "1h"), "shard1") + "---\n" +
        labelled(git_source_yaml("repo-2", "1h"), "shard2") + "---\n" +
        labelled(application_yaml("one", "./one", "", "repo-1"), "shard1") + "---\n" +
        labelled(application_yaml("two", "./two", "", "repo-2"), "shard2") + "---\n" +
        application_yaml("none", "./none", "", "repo-1"));

  auto shard1 = shard("shard1");
  auto shard2 = shard("shard2");
  ASSERT_NO_THROW(shard1->start());
  ASSERT_NO_THROW(shard2->start());
  wait_ready("one");
  wait_ready("two");

  // Each sees only its share.
  for (auto* process : {shard1.get(), shard2.get()}) {
    const Json vars = process->debug_vars();
    EXPECT_EQ(vars["informers"]["applications"], 1) << vars.dump(2);
    EXPECT_EQ(vars["informers"]["gitsources"], 1) << vars.dump(2);
  }
  EXPECT_TRUE(wrote_status("shard1", "one", offset));
  EXPECT_FALSE(wrote_status("shard1", "two", offset));
  EXPECT_TRUE(wrote_status("shard2", "two", offset));
  EXPECT_FALSE(wrote_status("shard2", "one", offset));

  // The Application in no shard is nobody's.
  std::this_thread::sleep_for(seconds(3));
  EXPECT_FALSE(get("applications.sluice.dev", "none").contains("status"));
  EXPECT_TRUE(get("configmap", "c").is_null());

  // Relabelled into shard 2 (with a source there), it moves: shard 2 takes it up.
  ASSERT_EQ(
      env()
          .kubectl({"-n", ns(), "patch", "applications.sluice.dev", "none", "--type=merge", "-p",
                    std::string(R"({"metadata":{"labels":{")") + kShardLabel +
                        R"(":"shard2"}},"spec":{"sourceRef":{"name":"repo-2"}}})"})
          .exit_code,
      0);
  wait_ready("none");
  EXPECT_FALSE(get("configmap", "c").is_null());
  EXPECT_FALSE(wrote_status("shard1", "none", offset));
  EXPECT_EQ(shard1->stop(), 0) << shard1->log();
  EXPECT_EQ(shard2->stop(), 0) << shard2->log();
}

TEST_F(ShardingTest, AMalformedSelectorIsRefusedAtStart) {
  OperatorProcess bad(env(), operator_kubeconfig(), ns(), storage_dir(),
                      {"--watch-label-selector", "key in (unclosed"}, "bad");
  EXPECT_THROW(bad.start(), Error);
  EXPECT_NE(bad.log().find("watch label selector"), std::string::npos) << bad.log();
}

}  // namespace
}  // namespace sluice::testing
