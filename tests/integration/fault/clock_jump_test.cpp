// Clock jumps (label `fault`): the operator's wall clock jumps 2 h forward, then 2 h back, while
// it runs and leads. libfaketime, preloaded into the operator only, reads the offset from a file
// on every call (FAKETIME_NO_CACHE) and leaves the monotonic clock alone
// (FAKETIME_DONT_FAKE_MONOTONIC), which is what a step of the system clock (NTP, a suspended
// VM) does to a process.
//
// What is right, and asserted: timers run on the steady clock (runtime/clock.h), as client-go's
// and Flux's do, so a wall jump neither fires an interval early (no refetch of an hourly
// source, no reconcile storm) nor postpones it (a 2 s source keeps polling after the clock went
// back); the leader keeps its Lease (expiry is judged by local steady time, renewTime is only
// written), and a standby whose clock runs 2 h ahead does not take the lease from a leader
// whose renewTime looks 2 h old to it (client-go judges expiry the same way); wall time only
// shows in what is written (condition times, the Lease's renewTime).
// The jump back ends at the real time: further back the apiserver's certificate, made when the
// environment came up, would not be valid yet, and TLS verification would rightly refuse it.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <map>
#include <thread>

#include <gtest/gtest.h>

#include "core/rfc3339.h"
#include "manifests.h"
#include "operator_fixture.h"
#include "test_helpers.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;
using Steady = std::chrono::steady_clock;

constexpr const char* kLibfaketime = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1";
// How long each quiet window after a jump is watched for reconciles.
constexpr auto kWindow = seconds(8);

class ClockJumpTest : public OperatorTest {
 protected:
  void TearDown() override {
    for (auto* process : {&leader_, &standby_}) {
      if (!*process || !(*process)->running()) continue;
      if (HasFailure()) std::cerr << "--- replica log:\n" << (*process)->log() << "\n";
      EXPECT_EQ((*process)->stop(), 0) << (*process)->log();
    }
    for (const char* name : {"leader", "standby"}) {
      fs::remove(offset_file(name));
      fs::remove_all(storage_dir().string() + "-" + name);
    }
    OperatorTest::TearDown();
  }

  // libfaketime's offset file of replica `name`.
  fs::path offset_file(const std::string& name) const {
    return storage_dir().string() + "-" + name + ".faketime";
  }
  // Sets replica `name`'s offset from the real time, e.g. "+2h", "+0". Written aside and
  // renamed into place: the operator reads the file at every clock call and must never see it
  // half-written.
  void set_offset(const std::string& name, const std::string& offset) const {
    const fs::path next = offset_file(name).string() + ".next";
    std::ofstream(next) << offset << "\n";
    fs::rename(next, offset_file(name));
  }
  // A replica `name` with leader election and libfaketime, its clock at the real time.
  std::unique_ptr<OperatorProcess> replica(const std::string& name) const {
    set_offset(name, "+0");
    auto process = std::make_unique<OperatorProcess>(
        env(), operator_kubeconfig(), ns(), storage_dir().string() + "-" + name,
        std::vector<std::string>{"--leader-elect", "--leader-election-namespace", ns(),
                                 "--leader-election-lease-duration", "15s",
                                 "--leader-election-renew-deadline", "10s",
                                 "--leader-election-retry-period", "1s"},
        name);
    std::map<std::string, std::string> environment{
        {"LD_PRELOAD", kLibfaketime},
        {"FAKETIME_TIMESTAMP_FILE", offset_file(name).string()},
        {"FAKETIME_NO_CACHE", "1"},
        {"FAKETIME_DONT_FAKE_MONOTONIC", "1"}};
#if defined(__SANITIZE_ADDRESS__)
    // The ASan operator refuses to start behind a preloaded library unless told it may.
    const char* asan_options = std::getenv("ASAN_OPTIONS");
    environment["ASAN_OPTIONS"] =
        std::string(asan_options != nullptr ? asan_options : "") + ":verify_asan_link_order=0";
#endif
    process->set_environment(std::move(environment));
    return process;
  }
  // Whether the Lease is still held by `holder`, never handed over.
  void expect_lease_kept(const std::string& holder, const Json& transitions) const {
    const Json now = lease();
    EXPECT_EQ(string_member(now, {"spec", "holderIdentity"}), holder);
    EXPECT_EQ(now["spec"]["leaseTransitions"], transitions);
  }

  // The sum of the counter samples of `family` whose labels contain `labels` (from /metrics).
  double metric(const std::string& family, const std::string& labels) const {
    std::string text;
    // A few tries: on a loaded machine one scrape may take longer than curl's 5 s.
    EXPECT_TRUE(eventually(
        [&] {
          auto [status, body] = leader_->get(leader_->metrics_port(), "/metrics");
          text = std::move(body);
          return status == 200;
        },
        seconds(30)))
        << "/metrics does not answer";
    double sum = 0;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      if (!line.starts_with(family + "{") || line.find(labels) == std::string::npos) continue;
      sum += std::stod(line.substr(line.rfind(' ') + 1));
    }
    return sum;
  }
  double reconciles(const std::string& kind) const {
    return metric("sluice_reconcile_total", "kind=\"" + kind + "\"");
  }

  std::string revision_of(const std::string& source) const {
    return string_member(get("gitsources.sluice.dev", source), {"status", "artifact", "revision"});
  }
  Json lease() const {
    return get("leases.coordination.k8s.io", "sluice-leader-election");
  }

  // Commits value `value` of configmap a and returns the seconds until it is applied.
  double commit_and_time(int value) {
    repo().commit({{"app/a.yaml", config_map_yaml("a", std::to_string(value))}},
                  "value " + std::to_string(value));
    const auto committed = Steady::now();
    EXPECT_TRUE(eventually(
        [&] {
          return string_member(get("configmap", "a"), {"data", "value"}) == std::to_string(value);
        },
        seconds(60)))
        << "value " << value << " was not applied:\n"
        << leader_->log();
    return seconds_since(committed);
  }

  // Reconciles of each kind over kWindow from now, with nothing committed.
  std::pair<double, double> quiet_window() {
    const double sources = reconciles("GitSource");
    const double apps = reconciles("Application");
    std::this_thread::sleep_for(kWindow);
    return {reconciles("GitSource") - sources, reconciles("Application") - apps};
  }

  std::unique_ptr<OperatorProcess> leader_;
  std::unique_ptr<OperatorProcess> standby_;
};

TEST_F(ClockJumpTest, WallClockJumpsFireNoTimerAndLoseNoLease) {
  ASSERT_TRUE(fs::exists(kLibfaketime)) << "libfaketime is missing: run scripts/bootstrap";
  const std::string first = repo().commit({{"app/a.yaml", config_map_yaml("a", "0")}}, "value 0");
  // The fixture's operator gives way to two replicas with libfaketime and leader election.
  ASSERT_EQ(op().stop(), 0);
  leader_ = replica("leader");
  ASSERT_NO_THROW(leader_->start());
  ASSERT_TRUE(eventually([&] { return leader_->working(); }, seconds(30))) << leader_->log();
  standby_ = replica("standby");
  ASSERT_NO_THROW(standby_->start());

  // "slow" polls hourly, "repo" every 2 s for the Application (whose own interval is 1m).
  apply(git_source_yaml("slow", "1h") + "---\n" + git_source_yaml("repo", "2s") + "---\n" +
        application_yaml("shop", "./app"));
  ASSERT_TRUE(eventually([&] { return revision_of("slow") == "main@sha1:" + first; }))
      << leader_->log();
  const double before = commit_and_time(1);  // "slow" stays at the first commit from here on
  const std::string holder = string_member(lease(), {"spec", "holderIdentity"});
  const Json transitions = lease()["spec"]["leaseTransitions"];
  ASSERT_FALSE(holder.empty());
  const auto [idle_sources, idle_apps] = quiet_window();

  // +2 h: an hourly timer kept on the wall clock would be overdue now.
  set_offset("leader", "+2h");
  const auto real_now = std::chrono::system_clock::now();
  std::string renewed;
  ASSERT_TRUE(eventually(
      [&] {
        renewed = string_member(lease(), {"spec", "renewTime"});
        const auto at = parse_rfc3339(renewed);
        const auto now = unix_time(real_now);
        return at && at->seconds > now.seconds + 3600;
      },
      seconds(15)))
      << "the jump did not reach the operator (renewTime " << renewed << ")";
  const auto [ahead_sources, ahead_apps] = quiet_window();
  EXPECT_EQ(revision_of("slow"), "main@sha1:" + first) << "the hourly source was refetched";
  const double after_forward = commit_and_time(2);
  expect_lease_kept(holder, transitions);

  // -2 h, back to the real time: a 2 s timer kept on the wall clock would wait 2 h now.
  set_offset("leader", "+0");
  ASSERT_TRUE(eventually(
      [&] {
        const auto at = parse_rfc3339(string_member(lease(), {"spec", "renewTime"}));
        return at && at->seconds < unix_time(std::chrono::system_clock::now()).seconds + 60;
      },
      seconds(15)))
      << "the jump back did not reach the operator";
  const auto [back_sources, back_apps] = quiet_window();
  const double after_backward = commit_and_time(3);
  EXPECT_EQ(revision_of("slow"), "main@sha1:" + first) << "the hourly source was refetched";
  expect_lease_kept(holder, transitions);

  // The standby's clock 2 h ahead: the leader's renewTime looks 2 h old to it. Judged by the
  // wall clock the lease would have expired and the standby would take it (two leaders); it
  // must judge by how long it has seen the record unchanged, on its steady clock.
  set_offset("standby", "+2h");
  std::this_thread::sleep_for(kWindow);  // eight retry periods of the standby
  expect_lease_kept(holder, transitions);
  EXPECT_FALSE(standby_->working()) << "two replicas work at once";
  EXPECT_TRUE(leader_->running()) << "the leader exited (leadership lost?)";
  EXPECT_TRUE(leader_->working());
  EXPECT_TRUE(standby_->running());
  // And the standby's clock did run ahead: handed the lease (the leader stops and releases
  // it), it writes renewTimes 2 h ahead.
  EXPECT_EQ(leader_->stop(), 0);
  std::string standby_renewed;
  EXPECT_TRUE(eventually(
      [&] {
        const Json now = lease();
        standby_renewed = string_member(now, {"spec", "renewTime"});
        const auto at = parse_rfc3339(standby_renewed);
        return string_member(now, {"spec", "holderIdentity"}) != holder && at &&
               at->seconds > unix_time(std::chrono::system_clock::now()).seconds + 3600;
      },
      seconds(30)))
      << "the standby did not take over with its clock ahead (renewTime " << standby_renewed
      << ")\n"
      << standby_->log();

  std::cout << "[fault] clock jumps: reconciles in " << kWindow.count()
            << " s windows (GitSource/Application): idle " << idle_sources << "/" << idle_apps
            << ", after +2h " << ahead_sources << "/" << ahead_apps << ", after -2h "
            << back_sources << "/" << back_apps << "; commit applied in " << before << " s before, "
            << after_forward << " s after +2h, " << after_backward << " s after -2h; lease holder "
            << holder << ", transitions " << transitions << "\n";
  // No storm: a jump changes nothing in how often things run. The 2 s source polls about four
  // times a window either way; the Application (interval 1m) has nothing to do.
  for (const double window : {ahead_sources, back_sources}) {
    EXPECT_LE(window, idle_sources + 2);
    EXPECT_GE(window, 1) << "the 2 s source stopped polling";
  }
  EXPECT_LE(ahead_apps, idle_apps + 1);
  EXPECT_LE(back_apps, idle_apps + 1);
  for (const double took : {after_forward, after_backward}) EXPECT_LT(took, 15.0);
}

}  // namespace
}  // namespace sluice::testing
