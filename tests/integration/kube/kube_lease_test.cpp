// Leader election on a real coordination.k8s.io/v1 Lease, and Client::replace's optimistic
// concurrency, against the kube-apiserver of tests/env. Short durations (2 s lease, 1.5 s renew
// deadline, 0.3 s retry) keep the fail-over tests quick.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include <boost/fiber/condition_variable.hpp>
#include <boost/fiber/mutex.hpp>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/error.h"
#include "kube/client.h"
#include "kube/config.h"
#include "kube/leader_election.h"
#include "runtime/abort_source.h"
#include "runtime/fiber_pool.h"
#include "sanitizer_slowdown.h"
#include "test_env.h"
#include "test_helpers.h"

namespace sluice::testing {
namespace {

using kube::Client;
using kube::LeaderElectionConfig;
using kube::LeaderElector;
using std::chrono::milliseconds;
using std::chrono::seconds;
using SteadyClock = std::chrono::steady_clock;

const char* const kLeaseName = "sluice-leader";

// Polls `done` every 10 ms until it holds or `timeout` passes; returns whether it held.
bool eventually(const std::function<bool()>& done, milliseconds timeout) {
  const auto give_up = SteadyClock::now() + timeout;
  while (!done()) {
    if (SteadyClock::now() > give_up) return false;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return true;
}

double seconds_since(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

// One candidate: an elector running on its own fiber, with what it saw.
struct Candidate {
  explicit Candidate(std::string id) : identity(std::move(id)) {}
  std::string identity;
  std::atomic<bool> leading{false};
  std::atomic<bool> work_aborted{false};
  std::atomic<bool> stopped_leading{false};
  SteadyClock::time_point aborted_at{};
  runtime::AbortSource stop;
  std::unique_ptr<LeaderElector> elector;
  boost::fibers::future<bool> result;
};

class KubeLeaseTest : public EnvTest {
 protected:
  kube::ClusterConfig admin_config() const {
    return kube::load_kubeconfig(env().var("KUBECONFIG"));
  }
  Client admin() const { return Client(admin_config()); }
  // A timeout below the renew deadline and no retries, as leader_election.h asks.
  Client elector_client(kube::ClusterConfig config) const {
    kube::ClientOptions options;
    options.timeout = seconds(1);
    options.retry.max_attempts = 1;
    return Client(std::move(config), options);
  }

  LeaderElectionConfig config_for(Candidate& candidate, milliseconds lease = seconds(2)) {
    LeaderElectionConfig config;
    config.identity = candidate.identity;
    config.lease_duration = lease;
    config.renew_deadline = milliseconds(1500);
    config.retry_period = milliseconds(300);
    config.on_started_leading = [&candidate, this](runtime::AbortSource& leading) {
      if (leaders_.fetch_add(1) + 1 > 1) two_leaders_ = true;
      candidate.leading = true;
      runtime::wait_for_abort(leading);
      candidate.aborted_at = SteadyClock::now();
      candidate.work_aborted = true;
      candidate.leading = false;
      leaders_.fetch_sub(1);
    };
    config.on_stopped_leading = [&candidate] { candidate.stopped_leading = true; };
    return config;
  }

  void start(Candidate& candidate, const std::shared_ptr<kube::LeaseStore>& store,
             const LeaderElectionConfig& config) {
    candidate.elector = std::make_unique<LeaderElector>(store, config);
    candidate.result =
        pool_.submit([&candidate, this] { return candidate.elector->run(pool_, candidate.stop); });
  }
  void start(Candidate& candidate, milliseconds lease = seconds(2), bool release = true) {
    LeaderElectionConfig config = config_for(candidate, lease);
    config.release_on_cancel = release;
    start(
        candidate,
        std::make_shared<kube::ClientLeaseStore>(elector_client(admin_config()), ns(), kLeaseName),
        config);
  }

  kube::LeaseRecord lease_in_api() const {
    return kube::lease_record_from(admin().get(kube::leases(), ns(), kLeaseName));
  }

  void TearDown() override {
    for (Candidate* candidate : {&a_, &b_}) {
      candidate->stop.request_abort();
      if (candidate->result.valid()) candidate->result.get();
    }
    pool_.shutdown();
    EXPECT_FALSE(two_leaders_) << "two candidates led at once";
    EnvTest::TearDown();
  }

  std::atomic<int> leaders_{0};
  std::atomic<bool> two_leaders_{false};
  Candidate a_{"candidate-a"};
  Candidate b_{"candidate-b"};
  runtime::FiberPool pool_{2};
};

TEST_F(KubeLeaseTest, TwoCandidatesExactlyOneLeads) {
  start(a_);
  start(b_);
  ASSERT_TRUE(eventually([&] { return a_.leading || b_.leading; }, seconds(5)));
  std::this_thread::sleep_for(seconds(3));  // longer than a lease: renewals keep it
  EXPECT_NE(a_.leading.load(), b_.leading.load());
  Candidate& leader = a_.leading ? a_ : b_;
  Candidate& follower = a_.leading ? b_ : a_;
  const kube::LeaseRecord record = lease_in_api();
  EXPECT_EQ(record.holder_identity, leader.identity);
  EXPECT_EQ(record.lease_duration_seconds, 2);
  EXPECT_FALSE(record.renew_time.empty());
  EXPECT_TRUE(leader.elector->is_leader());
  EXPECT_FALSE(follower.elector->is_leader());
  EXPECT_EQ(follower.elector->holder(), leader.identity);
}

TEST_F(KubeLeaseTest, ACrashedHolderIsReplacedAfterTheLeaseDuration) {
  start(a_, seconds(2), /*release=*/false);
  ASSERT_TRUE(eventually([&] { return a_.leading.load(); }, seconds(5)));
  start(b_);
  ASSERT_TRUE(eventually([&] { return b_.elector->holder() == a_.identity; }, seconds(5)));
  const int transitions = lease_in_api().lease_transitions;

  const auto crashed = SteadyClock::now();
  a_.stop.request_abort();  // stops renewing and does not release: as a crash looks
  EXPECT_TRUE(a_.result.get());
  EXPECT_EQ(lease_in_api().holder_identity, a_.identity);
  ASSERT_TRUE(eventually([&] { return b_.leading.load(); }, seconds(6)));
  const double takeover = seconds_since(crashed);
  // Not before the lease could have expired (its last renewal was at most one retry period
  // before the crash), not much after (one retry period with jitter, plus slack).
  EXPECT_GE(takeover, 1.6);
  EXPECT_LE(takeover, 3.5);
  const kube::LeaseRecord record = lease_in_api();
  EXPECT_EQ(record.holder_identity, b_.identity);
  EXPECT_EQ(record.lease_transitions, transitions + 1);
}

TEST_F(KubeLeaseTest, ReleaseOnShutdownHandsOverAtOnce) {
  // A 10 s lease: without the release the follower would wait at least that long.
  start(a_, seconds(10));
  ASSERT_TRUE(eventually([&] { return a_.leading.load(); }, seconds(5)));
  start(b_, seconds(10));
  ASSERT_TRUE(eventually([&] { return b_.elector->holder() == a_.identity; }, seconds(5)));

  const auto released = SteadyClock::now();
  a_.stop.request_abort();
  EXPECT_TRUE(a_.result.get());
  EXPECT_TRUE(a_.work_aborted);
  EXPECT_TRUE(a_.stopped_leading);
  ASSERT_TRUE(eventually([&] { return b_.leading.load(); }, seconds(5)));
  EXPECT_LE(seconds_since(released), 2.0);
  EXPECT_EQ(lease_in_api().holder_identity, b_.identity);
}

TEST_F(KubeLeaseTest, ALeaderWhoseLeaseIsTakenByForceStops) {
  start(a_);
  ASSERT_TRUE(eventually([&] { return a_.leading.load(); }, seconds(5)));
  // Another writer takes the lease without waiting for it to expire.
  // The leader renews every 300 ms: a renewal between the read and the write is a conflict,
  // and the intruder reads again (a slow sanitizer build meets that).
  const Client client = admin();
  SteadyClock::time_point taken;
  for (int attempt = 1;; ++attempt) {
    Json lease = client.get(kube::leases(), ns(), kLeaseName);
    lease["spec"]["holderIdentity"] = "intruder";
    lease["spec"]["leaseDurationSeconds"] = 30;
    taken = SteadyClock::now();
    try {
      client.replace(kube::leases(), ns(), kLeaseName, lease);
      break;
    } catch (const Error& e) {
      if (e.code() != ErrorCode::kConflict || attempt == 5) throw;
    }
  }

  ASSERT_TRUE(eventually([&] { return a_.work_aborted.load(); }, seconds(3)));
  EXPECT_LE(std::chrono::duration<double>(a_.aborted_at - taken).count(), 1.5);
  EXPECT_TRUE(a_.result.get());  // run() returns once leadership is lost
  EXPECT_TRUE(a_.stopped_leading);
  EXPECT_FALSE(a_.elector->is_leader());
  EXPECT_EQ(a_.elector->holder(), "intruder");
  EXPECT_EQ(lease_in_api().holder_identity, "intruder");  // and it was not released over
}

// Reads and writes the lease through the apiserver until `broken`, then through a client
// whose server is a closed port.
class BreakableStore final : public kube::LeaseStore {
 public:
  BreakableStore(Client good, Client dead, const std::string& ns)
      : good_(std::move(good), ns, kLeaseName), dead_(std::move(dead), ns, kLeaseName) {}
  std::optional<kube::LeaseRecord> get() override { return store().get(); }
  void create(const kube::LeaseRecord& record) override { store().create(record); }
  void update(const kube::LeaseRecord& record) override { store().update(record); }
  std::atomic<bool> broken{false};

 private:
  kube::LeaseStore& store() {
    if (broken) return dead_;
    return good_;
  }
  kube::ClientLeaseStore good_;
  kube::ClientLeaseStore dead_;
};

TEST_F(KubeLeaseTest, ALeaderThatCannotRenewStopsWithinTheRenewDeadline) {
  kube::ClusterConfig unreachable = admin_config();
  unreachable.server = "https://127.0.0.1:" + std::to_string(unused_loopback_port());
  auto store = std::make_shared<BreakableStore>(elector_client(admin_config()),
                                                elector_client(unreachable), ns());
  start(a_, store, config_for(a_));
  ASSERT_TRUE(eventually([&] { return a_.leading.load(); }, seconds(5)));
  std::this_thread::sleep_for(milliseconds(700));  // a few successful renewals

  const auto broken = SteadyClock::now();
  store->broken = true;
  ASSERT_TRUE(eventually([&] { return a_.work_aborted.load(); }, seconds(4)));
  const double gave_up = std::chrono::duration<double>(a_.aborted_at - broken).count();
  // The last success was before `broken`. What matters is stopping before the 2 s lease
  // could pass to another candidate; a sanitizer build's fibers wake a little later.
  const double slack = kSanitizerSlowdown > 1 ? 0.4 : 0.1;
  EXPECT_LE(gave_up, 1.5 + slack);
  EXPECT_GE(gave_up, 1.5 - 0.3 - 0.2);  // and it kept trying until the deadline
  EXPECT_TRUE(a_.result.get());
  EXPECT_TRUE(a_.stopped_leading);
  EXPECT_FALSE(a_.elector->is_leader());
  EXPECT_GT(a_.elector->attempts(), 4);
}

TEST_F(KubeLeaseTest, ReplaceConflictsOnAStaleResourceVersion) {
  const Client client = admin();
  const Json created =
      client.create(kube::configmaps(), ns(),
                    {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", "cm"}}}});
  Json first = created;
  first["data"] = {{"k", "one"}};
  const Json replaced = client.replace(kube::configmaps(), ns(), "cm", first);
  EXPECT_EQ(replaced["data"]["k"], "one");
  EXPECT_NE(replaced["metadata"]["resourceVersion"], created["metadata"]["resourceVersion"]);

  Json stale = created;  // still carries the first resourceVersion
  stale["data"] = {{"k", "stale"}};
  try {
    client.replace(kube::configmaps(), ns(), "cm", stale);
    ADD_FAILURE() << "no conflict";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kConflict) << e.what();
    EXPECT_NE(e.message().find("PUT "), std::string::npos);
  }
  EXPECT_EQ(client.get(kube::configmaps(), ns(), "cm")["data"]["k"], "one");

  // Without a resourceVersion the PUT is unconditional.
  Json unconditional = stale;
  unconditional["metadata"].erase("resourceVersion");
  EXPECT_EQ(client.replace(kube::configmaps(), ns(), "cm", unconditional)["data"]["k"], "stale");
}

}  // namespace
}  // namespace sluice::testing
