#include "controller/manager.h"

#include <random>

#include <spdlog/spdlog.h>

#include "controller/manager_state.h"

namespace sluice::controller {
namespace {

// The Lease is a coordination object, not a reconcile: each call bounded well inside the renew
// deadline and never retried by the client (the elector retries every retry period), so a
// hanging request cannot delay giving leadership up (kube/leader_election.h).
kube::Client lease_client(const ManagerOptions& o) {
  kube::ClientOptions options;
  options.timeout = std::max(
      std::chrono::seconds(1),
      std::chrono::duration_cast<std::chrono::seconds>(o.leader_election.renew_deadline / 2));
  options.retry.max_attempts = 1;
  return kube::Client(o.cluster, options);
}

// client-go's identity: the host name (the pod name) and a random suffix, so two processes on
// one host, or a restarted pod, never mistake each other for themselves.
std::string candidate_identity(const std::string& instance) {
  std::random_device random;
  return fmt::format("{}_{:08x}", instance, random());
}

}  // namespace

Manager::Manager(ManagerOptions options) : options_(std::move(options)) {}

Manager::~Manager() {
  stop();
}

void Manager::start() {
  state_ = std::make_unique<State>(options_);
  State& s = *state_;
  s.health->add(server::Probe::kReadiness, "informers", [&s] {
    return s.sources.has_synced() && s.applications.has_synced() && s.policies.has_synced();
  });
  s.health->add(server::Probe::kLiveness, "ping", [] { return true; });
  s.add_debug_vars();
  server::mount_metrics(s.metrics_server, s.registry);
  server::mount_health(s.health_server, s.health);
  server::mount_debug_vars(s.health_server, s.debug_vars);
  s.metrics_server.start();
  s.health_server.start();
  if (s.webhook_server) {
    s.webhooks->mount(*s.webhook_server);
    s.webhook_server->start();
    spdlog::info("webhook receiver on {}", s.webhook_server->local_address());
  }
  if (s.status_server) {
    s.status_page->mount(*s.status_server);
    s.status_server->start();
    s.status_page->start();
    spdlog::info("status page on http://{}/", s.status_server->local_address());
  }
  s.registry->gauge_function("sluice_owned_objects",
                             "Objects in the watch cache of applied objects.",
                             [&s] { return static_cast<double>(s.owned.objects()); });
  s.registry->gauge_function("sluice_owned_kinds", "Kinds watched among the applied objects.",
                             [&s] { return static_cast<double>(s.owned.kinds()); });
  s.events.start(s.pool);
  s.started = true;

  // Informers and the routers that turn their events into keys: on every replica, so that a
  // standby's caches and queues are current when it takes over.
  using Route = std::function<void(const kube::InformerEvent&)>;
  const auto watch = [&s](kube::Informer& informer, Route route) {
    s.pool.spawn([&s, &informer, holder = s.fibers.enter()] { informer.run(s.stopping); });
    s.pool.spawn([&informer, route = std::move(route), holder = s.fibers.enter()] {
      while (std::optional<kube::InformerEvent> event = informer.events()->receive()) {
        route(*event);
      }
    });
  };
  watch(s.sources, [&s](const kube::InformerEvent& event) {
    s.router.on_source(event);
    if (s.status_page) s.status_page->changed();
    if (s.standby_webhooks) s.standby_webhooks->changed(event);
  });
  watch(s.applications, [&s](const kube::InformerEvent& event) {
    s.router.on_application(event);
    if (s.status_page) s.status_page->changed();
  });
  watch(s.policies, [&s](const kube::InformerEvent& event) {
    s.router.on_policy(event);
    if (s.status_page) s.status_page->changed();
  });

  if (options_.leader_election.enabled) {
    campaign();
  } else {
    start_work();
  }
  spdlog::info(
      "sluice operator started: metrics on {}, health on {}, watching {}{}",
      s.metrics_server.local_address(), s.health_server.local_address(),
      options_.watch_namespace.empty() ? "all namespaces" : "namespace " + options_.watch_namespace,
      options_.watch_label_selector.empty()
          ? ""
          : " with labels \"" + options_.watch_label_selector + "\"");
}

void Manager::campaign() {
  State& s = *state_;
  const LeaderElectionOptions& le = options_.leader_election;
  kube::LeaderElectionConfig config;
  config.identity = candidate_identity(options_.instance);
  config.lease_duration = le.lease_duration;
  config.renew_deadline = le.renew_deadline;
  config.retry_period = le.retry_period;
  config.clock = s.clock;
  config.on_started_leading = [this, &s](runtime::AbortSource& leading) {
    spdlog::info("leading: lease {} acquired, starting work", options_.leader_election.lease_name);
    start_work();
    runtime::wait_for_abort(leading);
    if (s.stopping.abort_requested()) {
      spdlog::info("stopping work: shutting down");
    } else {
      try {
        leading.check();
      } catch (const Error& e) {  // the reason: the renew deadline passed, or who holds it
        spdlog::info("stopping work: {}", e.message());
      }
    }
    stop_work();
  };
  config.on_stopped_leading = [this, &s] {
    if (!s.stopping.abort_requested() && options_.on_leadership_lost) {
      options_.on_leadership_lost();
    }
  };
  config.on_new_leader = [](const std::string& holder) {
    spdlog::info("leader is {}", holder.empty() ? "nobody (the lease was released)" : holder);
  };
  const std::string lease_namespace =
      le.lease_namespace.empty() ? options_.operator_namespace : le.lease_namespace;
  spdlog::info("leader election: campaigning for lease {}/{} as {}", lease_namespace, le.lease_name,
               config.identity);
  if (s.standby_webhooks) {
    s.pool.spawn([&s, holder = s.fibers.enter()] {
      s.standby_webhooks->run(s.stopping, [&s] { return s.working.load(); });
    });
    s.pool.spawn(
        [&s, holder = s.fibers.enter()] { s.standby_webhooks->run_forwarder(s.stopping); });
  }
  s.elector = std::make_unique<kube::LeaderElector>(
      std::make_shared<kube::ClientLeaseStore>(lease_client(options_), lease_namespace,
                                               le.lease_name),
      std::move(config));
  s.pool.spawn([&s, holder = s.fibers.enter()] { s.elector->run(s.pool, s.stopping); });
}

void Manager::start_work() {
  State& s = *state_;
  for (std::size_t i = 0; i < options_.concurrency; ++i) {
    s.pool.spawn([&s, holder = s.work.enter()] {
      while (std::optional<std::string> key = s.source_queue.get()) s.reconcile_source(*key);
    });
  }
  s.pool.spawn([&s, holder = s.work.enter()] {
    while (std::optional<std::string> key = s.policy_queue.get()) s.reconcile_policy(*key);
  });
  s.pipeline.start();
  s.working = true;
  s.metrics.leader.labels({}).set(1);
}

void Manager::stop_work() {
  State& s = *state_;
  s.pipeline.stop();
  s.source_queue.shut_down();
  s.policy_queue.shut_down();
  s.work_stopping.request_abort("operator stopping");
  s.work.close();
  s.working = false;
  s.metrics.leader.labels({}).set(0);
}

void Manager::stop() {
  if (!state_ || state_->stopped) return;
  State& s = *state_;
  s.stopped = true;
  if (s.started) {
    // With an election, the abort ends leadership: the leader's work drains (stop_work, on the
    // elector's fiber) and then the lease is released for a standby; the gate waits for both.
    if (!s.elector) stop_work();
    s.stopping.request_abort("operator stopping");
    s.fibers.close();
    s.owned.stop();
    s.events.stop();
  }
  // The page first: it ends its streams, so nothing writes into a server being torn down.
  if (s.status_page) s.status_page->stop();
  if (s.status_server) s.status_server->stop();
  s.metrics_server.stop();
  s.health_server.stop();
  if (s.webhook_server) s.webhook_server->stop();
  s.pool.shutdown();
  s.blocking.shutdown();
  spdlog::info("sluice operator stopped");
}

std::uint16_t Manager::metrics_port() const {
  return state_->metrics_server.port();
}
std::uint16_t Manager::health_port() const {
  return state_->health_server.port();
}
std::uint16_t Manager::webhook_port() const {
  return state_->webhook_server ? state_->webhook_server->port() : 0;
}
std::uint16_t Manager::status_port() const {
  return state_->status_server ? state_->status_server->port() : 0;
}

}  // namespace sluice::controller
