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
//   receiver (server/webhook_receiver.h) on --webhook-addr: a push ─▶ sources queue
//
// Ready (/readyz) once the three informers have synced. Stop drains: no new work is taken,
// reconciles in flight finish (health waits are cut short), then informers, events, servers
// and pools stop.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "kube/config.h"
#include "runtime/abort_source.h"

namespace sluice::controller {

struct ManagerOptions {
  kube::ClusterConfig cluster;
  std::string watch_namespace;  // empty: all namespaces
  std::filesystem::path storage_dir = "/tmp/sluice";
  std::size_t concurrency = 4;  // parallel reconciles per stage
  std::size_t threads = 2;      // fiber pool threads
  std::string operator_namespace = "sluice-system";
  std::string metrics_address = "127.0.0.1:8080";
  std::string health_address = "127.0.0.1:8081";
  std::string webhook_address;      // empty: no webhook receiver (spec.webhook is ignored)
  std::string instance = "sluice";  // reportingInstance of events (the pod name)
};

class Manager {
 public:
  explicit Manager(ManagerOptions options);
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;
  // stop().
  ~Manager();

  // Starts servers, informers and workers; returns once the HTTP servers listen. Throws what
  // keeps it from starting (a port in use, an unwritable storage directory).
  void start();
  // Stops in order (see above) and waits. Idempotent; from outside the fiber pool.
  void stop();

  std::uint16_t metrics_port() const;
  std::uint16_t health_port() const;
  std::uint16_t webhook_port() const;  // 0 without a receiver

 private:
  struct State;
  ManagerOptions options_;
  std::unique_ptr<State> state_;
};

}  // namespace sluice::controller
