// High availability: two `sluice run --leader-elect` processes against the real API server. One
// leads and does the work, the other keeps its caches warm; when the leader dies the standby
// takes over within the lease duration, when the leader is stopped (SIGTERM, a rolling upgrade)
// it hands over at once, and no change made around a hand-over is lost. Each replica runs as a
// ServiceAccount of its own, so the API server's audit log says which one wrote what.
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "core/rfc3339.h"
#include "manifests.h"
#include "operator_fixture.h"

namespace sluice::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Clock = std::chrono::steady_clock;

class LeaderElectionTest : public OperatorTest {
 protected:
  bool start_operator() const override { return false; }

  // A replica named `name` (its own ServiceAccount) with a lease of `lease`.
  std::unique_ptr<OperatorProcess> replica(const std::string& name, seconds lease) {
    const std::string account = name + "-" + ns().substr(ns().size() - 6);
    const std::string kubeconfig = account_kubeconfig(account);
    accounts_[name] = account;
    const std::string renew = std::to_string(lease.count() * 3 / 4 * 1000) + "ms";
    return std::make_unique<OperatorProcess>(
        env(), kubeconfig, ns(), storage_dir().string() + "-" + name,
        std::vector<std::string>{
            "--leader-elect", "--leader-election-namespace", ns(),
            "--leader-election-lease-duration", std::to_string(lease.count()) + "s",
            "--leader-election-renew-deadline", renew, "--leader-election-retry-period", "500ms"},
        name);
  }

  // Writes of replica `name` since `offset`, other than to its Lease and Events.
  std::vector<std::string> writes(const std::string& name, std::uintmax_t offset) const {
    std::vector<std::string> out;
    for (const std::string& request : audit_requests(accounts_.at(name), offset)) {
      if (!request.starts_with("ResponseComplete ")) continue;
      const bool write = request.find(" create ") != std::string::npos ||
                         request.find(" update ") != std::string::npos ||
                         request.find(" patch ") != std::string::npos ||
                         request.find(" delete ") != std::string::npos;
      if (write && request.find("/leases") == std::string::npos &&
          request.find("/events") == std::string::npos) {
        out.push_back(request);
      }
    }
    return out;
  }

  // `sluice reconcile source`'s request: the leader fetches now.
  void request_fetch(const std::string& tag) {
    ASSERT_EQ(env()
                  .kubectl({"-n", ns(), "annotate", "--overwrite", "gitsource", "repo",
                            "sluice.dev/reconcile-requested-at=" + tag})
                  .exit_code,
              0);
  }

  std::string revision_of(const std::string& app) const {
    return string_member(get("applications.sluice.dev", app), {"status", "lastAppliedRevision"});
  }

  std::map<std::string, std::string> accounts_;
};

// Counts, on a thread of its own every 100 ms until stopped, the samples where `working` says
// more than one replica works.
class WorkSampler {
 public:
  explicit WorkSampler(std::function<int()> working)
      : working_(std::move(working)), thread_([this] { run(); }) {}
  ~WorkSampler() { stop(); }

  std::unique_lock<std::mutex> pause() { return std::unique_lock(mu_); }
  int stop() {
    sampling_ = false;
    if (thread_.joinable()) thread_.join();
    return both_;
  }

 private:
  void run() {
    while (sampling_) {
      {
        std::lock_guard lock(mu_);
        if (working_() > 1) ++both_;
      }
      std::this_thread::sleep_for(milliseconds(100));
    }
  }

  std::function<int()> working_;
  std::mutex mu_;
  std::atomic<bool> sampling_{true};
  std::atomic<int> both_{0};
  std::thread thread_;
};

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) out += line + "\n";
  return out;
}

TEST_F(LeaderElectionTest, TheStandbyTakesOverWithinTheLeaseDurationWhenTheLeaderDies) {
  constexpr seconds kLease{4};
  repo().commit(
      {{"app/a.yaml", config_map_yaml("a", "1")}, {"app/b.yaml", config_map_yaml("b", "1")}},
      "app");
  apply(git_source_yaml("repo", "1h") + "---\n" +
        application_yaml("shop", "./app", "interval: 1h"));

  auto first = replica("first", kLease);
  ASSERT_NO_THROW(first->start());
  ASSERT_TRUE(eventually([&] { return first->working(); }, seconds(15))) << first->log();
  auto second = replica("second", kLease);
  ASSERT_NO_THROW(second->start());
  wait_ready("shop");
  EXPECT_FALSE(second->working()) << "two replicas work at once";
  EXPECT_EQ(second->debug_vars()["informers"]["applications"], 1) << "the standby's cache is cold";
  const std::string config_map_version =
      string_member(get("configmap", "a"), {"metadata", "resourceVersion"});

  const std::string first_holder = string_member(
      get("leases.coordination.k8s.io", "sluice-leader-election"), {"spec", "holderIdentity"});
  const std::uintmax_t offset = audit_offset();
  first->kill();
  const auto killed = std::chrono::system_clock::now();
  ASSERT_TRUE(eventually([&] { return second->working(); }, seconds(20))) << second->log();
  // Timed by the Lease itself (acquireTime, written by the standby as it takes the lease), not
  // by this test's polling, which would add its own period.
  const Json lease = get("leases.coordination.k8s.io", "sluice-leader-election");
  const std::string acquired = string_member(lease, {"spec", "acquireTime"});
  const std::optional<UnixTime> acquire_time = parse_rfc3339(acquired);
  ASSERT_TRUE(acquire_time.has_value()) << lease.dump(2);
  EXPECT_NE(string_member(lease, {"spec", "holderIdentity"}), first_holder) << lease.dump(2);
  const auto took =
      std::chrono::duration_cast<milliseconds>(*to_time_point(*acquire_time) - killed);
  // The lease may have been renewed just before the kill; the standby then notices its expiry
  // at its next retry (500 ms, jittered) and needs one request to take it.
  EXPECT_LE(took, kLease + milliseconds(1500)) << second->log();
  std::cout << "take-over after the leader was killed: " << took.count() << " ms\n";

  // The new leader reconciles everything once (its queue holds every key) and finds nothing to
  // do: the objects are as the first leader left them.
  ASSERT_TRUE(eventually([&] {
    const std::string metrics = second->get(second->metrics_port(), "/metrics").second;
    return metrics.find("sluice_reconcile_total{kind=\"Application\",result=\"success\"}") !=
           std::string::npos;
  })) << second->log();
  EXPECT_EQ(string_member(get("configmap", "a"), {"metadata", "resourceVersion"}),
            config_map_version);
  const std::vector<std::string> rewritten = writes("second", offset);
  EXPECT_TRUE(rewritten.empty()) << "the new leader wrote again what the old one had written:\n"
                                 << joined(rewritten);

  // And it does the work from now on.
  const std::string next = repo().commit({{"app/a.yaml", config_map_yaml("a", "2")}}, "a=2");
  ASSERT_NO_FATAL_FAILURE(request_fetch("after-fail-over"));
  EXPECT_TRUE(eventually([&] { return revision_of("shop") == "main@sha1:" + next; }))
      << second->log();
  EXPECT_EQ(get("configmap", "a")["data"]["value"], "2");
  EXPECT_EQ(second->stop(), 0) << second->log();
}

TEST_F(LeaderElectionTest, SigtermHandsOverAtOnceAndARollingUpgradeLosesNoReconcile) {
  // A long lease: a hand-over that waited for it to expire would show.
  constexpr seconds kLease{12};
  repo().commit(
      {{"app/a.yaml", config_map_yaml("a", "1")}, {"late/l.yaml", config_map_yaml("l", "1")}},
      "app");
  apply(git_source_yaml("repo", "1h") + "---\n" +
        application_yaml("shop", "./app", "interval: 1h"));

  std::unique_ptr<OperatorProcess> replicas[3] = {
      replica("old-1", kLease), replica("old-2", kLease), replica("new-1", kLease)};
  ASSERT_NO_THROW(replicas[0]->start());
  ASSERT_TRUE(eventually([&] { return replicas[0]->working(); }, seconds(15)));
  ASSERT_NO_THROW(replicas[1]->start());
  wait_ready("shop");

  // Sampled all along: never two replicas doing the work. (A replica not started yet, or
  // stopped, does not answer, which counts as not working.)
  WorkSampler sampler([&] {
    int working = 0;
    for (auto& r : replicas) working += r->working() ? 1 : 0;
    return working;
  });

  // Step 1 of the upgrade: the leader is stopped while a new revision is waiting and a new
  // Application appears in the middle of the hand-over.
  std::string next = repo().commit({{"app/a.yaml", config_map_yaml("a", "2")}}, "a=2");
  ASSERT_NO_FATAL_FAILURE(request_fetch("step-1"));
  auto stopping = Clock::now();
  EXPECT_EQ(replicas[0]->stop(), 0) << replicas[0]->log();
  apply(application_yaml("late", "./late", "interval: 1h"));
  ASSERT_TRUE(eventually([&] { return replicas[1]->working(); }, seconds(20)));
  auto took = std::chrono::duration_cast<milliseconds>(Clock::now() - stopping);
  EXPECT_LT(took, kLease / 2) << "the lease was not released: the standby waited for it";
  std::cout << "hand-over after SIGTERM (stop included): " << took.count() << " ms\n";
  EXPECT_TRUE(eventually([&] { return revision_of("shop") == "main@sha1:" + next; }))
      << replicas[1]->log();
  wait_ready("late");

  // Step 2: the new replica starts, the second old one is stopped.
  {
    const auto paused = sampler.pause();  // the replica learns its ports while starting
    ASSERT_NO_THROW(replicas[2]->start());
  }
  next = repo().commit({{"app/a.yaml", config_map_yaml("a", "3")}}, "a=3");
  ASSERT_NO_FATAL_FAILURE(request_fetch("step-2"));
  stopping = Clock::now();
  EXPECT_EQ(replicas[1]->stop(), 0) << replicas[1]->log();
  ASSERT_TRUE(eventually([&] { return replicas[2]->working(); }, seconds(20)));
  took = std::chrono::duration_cast<milliseconds>(Clock::now() - stopping);
  EXPECT_LT(took, kLease / 2);
  EXPECT_TRUE(eventually([&] { return revision_of("shop") == "main@sha1:" + next; }))
      << replicas[2]->log();
  EXPECT_TRUE(eventually([&] { return revision_of("late") == "main@sha1:" + next; }))
      << replicas[2]->log();
  EXPECT_EQ(get("configmap", "a")["data"]["value"], "3");

  EXPECT_EQ(sampler.stop(), 0) << "two replicas worked at the same time";
  EXPECT_EQ(replicas[2]->stop(), 0);
}

}  // namespace
}  // namespace sluice::testing
