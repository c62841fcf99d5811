#pragma once

// What a running Manager holds (controller/manager.h), shared by manager.cpp (start, the
// election, stop) and manager_state.cpp (how it is built, the source and policy workers'
// reconcile, /debug/vars). Private to the controller library.

#include <atomic>
#include <memory>
#include <string>

#include "controller/application_pipeline.h"
#include "controller/event_router.h"
#include "controller/git_source_reconciler.h"
#include "controller/manager.h"
#include "controller/policy_reconciler.h"
#include "controller/standby_webhooks.h"
#include "kube/leader_election.h"
#include "server/debug_vars.h"
#include "server/health.h"
#include "server/http_server.h"
#include "server/status_page.h"
#include "server/webhook_receiver.h"
#include "verify/policy_verifiers.h"

namespace sluice::controller {

// Declared in the order things are built; stop() tears down explicitly, in reverse.
struct Manager::State {
  explicit State(const ManagerOptions& options);

  ManagerOptions options;
  runtime::ClockPtr clock = runtime::SystemClock::instance();
  server::RegistryPtr registry = std::make_shared<server::Registry>();
  Metrics metrics{*registry};
  kube::Client client;
  kube::RestMapper mapper;
  runtime::BlockingPool blocking;
  runtime::FiberPool pool;
  // What the status page lists as recent events; filled by `events` as it records.
  server::RecentEventsPtr recent_events = std::make_shared<server::RecentEvents>();
  kube::EventRecorder events;
  Context context{client, mapper, pool, blocking, events, metrics, *clock};

  kube::Informer sources;
  kube::Informer applications;
  kube::Informer policies;
  Caches caches{applications, sources, policies};

  KeyQueue source_queue;
  KeyQueue application_queue;
  KeyQueue policy_queue;
  EventRouter router{caches, source_queue, application_queue, policy_queue};
  std::unique_ptr<server::WebhookReceiver> webhooks;  // null without --webhook-addr
  std::unique_ptr<StandbyWebhooks> standby_webhooks;  // with webhooks and leader election

  ArtifactStore store;
  OwnedObjects owned;
  verify::PolicyCommitVerifier commit_verifier;
  verify::PolicyImageVerifier image_verifier;
  GitSourceReconciler source_reconciler;
  PolicyReconciler policy_reconciler;
  ApplicationReconciler application_reconciler;
  ApplicationPipeline pipeline;

  runtime::AbortSource stopping;  // informers, routers, the election
  runtime::Gate fibers;
  runtime::AbortSource work_stopping;  // source and policy workers
  runtime::Gate work;
  std::unique_ptr<kube::LeaderElector> elector;  // with --leader-elect
  std::atomic<bool> working{false};

  server::HealthChecksPtr health = std::make_shared<server::HealthChecks>();
  server::DebugVarsPtr debug_vars = std::make_shared<server::DebugVars>();
  server::HttpServer metrics_server;
  server::HttpServer health_server;
  std::unique_ptr<server::HttpServer> webhook_server;  // with `webhooks` only
  std::unique_ptr<server::StatusPage> status_page;     // with --status-addr only
  std::unique_ptr<server::HttpServer> status_server;   // with `status_page` only
  bool started = false;
  bool stopped = false;

  // One GitSource or SigningPolicy reconcile from its queue, with metrics and requeue.
  void reconcile_source(const std::string& key);
  void reconcile_policy(const std::string& name);
  void add_debug_vars();
  // What the status page shows, read from the informers' caches (no API request).
  server::StatusInputs status_inputs() const;
  // A genuine webhook push: fetch now, or (a standby) ask the leader to.
  void on_push(const std::string& source_key) {
    if (working || !standby_webhooks) {
      source_queue.add(source_key);
    } else {
      standby_webhooks->forward(source_key);
    }
  }
};

}  // namespace sluice::controller
