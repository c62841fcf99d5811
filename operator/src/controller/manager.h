#pragma once

// The operator process (`sluice run`): everything the controllers need, started in order and
// stopped in reverse. docs/architecture.md has the runtime picture; in short:
//
//   informers (GitSource, Application, SigningPolicy) ─▶ event routers ─▶ work queues
//   sources queue ─▶ source workers ─▶ GitSourceReconciler ─▶ ArtifactStore ─▶ (enqueue apps)
//   applications queue ─▶ ApplicationPipeline (stages on channels) ─▶ apply engine
//   OwnedObjects (informers of applied kinds) ─▶ drift ─▶ applications queue
//   policies queue ─▶ PolicyReconciler
//   HTTP: /metrics on --metrics-addr, /healthz and /readyz on --health-addr, the webhook
//   receiver (server/webhook_receiver.h) on --webhook-addr: a push ─▶ sources queue; the
//   read-only status page (server/status_page.h) on --status-addr, fed from the informers'
//   caches and the events recorded
//
// Ready (/readyz) once the three informers have synced. Stop drains: no new work is taken,
// reconciles in flight finish (health waits are cut short), then informers, events, servers
// and pools stop.
//
// Leader election (LeaderElectionOptions::enabled, `sluice run --leader-elect`): every replica
// serves its endpoints and keeps its informers and work queues current (a warm standby), but
// only the holder of the Lease runs workers, so only it writes. It takes over the queues as
// they are, so every GitSource and Application is reconciled once at take-over. On stop() the
// leader drains its work first and then releases the Lease (holder "", one second), so a
// standby takes over on its next retry instead of waiting for the lease to expire. A leader
// that fails to renew stops its work at the renew deadline (before any standby may take the
// lease) and calls on_leadership_lost: the process should then exit and restart as a standby,
// as client-go's controllers do, since its queues and memory are no longer trustworthy.
//
// Sharding (watch_label_selector): GitSources and Applications are watched through a label
// selector, so several deployments each take their share; SigningPolicies are watched whole,
// since every shard must gate by every policy.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "git/snapshot.h"
#include "kube/config.h"
#include "runtime/abort_source.h"

namespace sluice::controller {

struct LeaderElectionOptions {
  bool enabled = false;
  std::string lease_name = "sluice-leader-election";
  std::string lease_namespace;  // empty: ManagerOptions::operator_namespace
  std::chrono::milliseconds lease_duration = std::chrono::seconds(15);
  std::chrono::milliseconds renew_deadline = std::chrono::seconds(10);
  std::chrono::milliseconds retry_period = std::chrono::seconds(2);
};

struct ManagerOptions {
  kube::ClusterConfig cluster;
  std::string watch_namespace;  // empty: all namespaces
  std::filesystem::path storage_dir = "/tmp/sluice";
  std::size_t concurrency = 4;  // parallel reconciles per stage
  std::size_t threads = 2;      // fiber pool threads
  // The API client's own rate limit (kube/client.h), shared by every request the operator
  // sends. client-go's 5/10 and even 50 make a large first sync wait on the limiter rather
  // than on the API server, whose priority and fairness (429 + Retry-After, honoured) is the
  // real guard; qps <= 0 turns the limiter off.
  double kube_api_qps = 200;
  int kube_api_burst = 400;
  std::string operator_namespace = "sluice-system";
  std::string metrics_address = "127.0.0.1:8080";
  std::string health_address = "127.0.0.1:8081";
  std::string webhook_address;      // empty: no webhook receiver (spec.webhook is ignored)
  std::string status_address;       // empty: no status page (server/status_page.h)
  std::string instance = "sluice";  // reportingInstance of events (the pod name)
  // Kubernetes label selector syntax ("sharding.sluice.dev/key in (shard1)"); empty: all.
  std::string watch_label_selector;
  // Tenancy (controller/application_reconciler.h): the ServiceAccount Applications without
  // spec.serviceAccountName are applied as; refuse references into other namespaces.
  std::string default_service_account;
  bool no_cross_namespace_refs = false;
  // The most files and symlinks a GitSource's snapshot may write (git/snapshot.h, max_entries):
  // a tree over it fails with ArtifactFailed, the previous artifact kept.
  std::size_t snapshot_max_files = git::SnapshotOptions{}.max_entries;
  LeaderElectionOptions leader_election;
  // Called once, from a fiber, when this replica led and lost the Lease (not on stop()).
  std::function<void()> on_leadership_lost;
};

class Manager {
 public:
  explicit Manager(ManagerOptions options);
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;
  // stop().
  ~Manager();

  // Starts servers, informers and workers (or the election that starts them); returns once the
  // HTTP servers listen. Throws what keeps it from starting (a port in use, an unwritable
  // storage directory, a malformed label selector).
  void start();
  // Stops in order (see above) and waits. Idempotent; from outside the fiber pool.
  void stop();

  std::uint16_t metrics_port() const;
  std::uint16_t health_port() const;
  std::uint16_t webhook_port() const;  // 0 without a receiver
  std::uint16_t status_port() const;   // 0 without a status page

 private:
  struct State;
  // The reconcile workers: started when leading (or at once without leader election), drained
  // by stop_work(), which may run on a fiber or a plain thread.
  void start_work();
  void stop_work();
  void campaign();
  ManagerOptions options_;
  std::unique_ptr<State> state_;
};

}  // namespace sluice::controller
