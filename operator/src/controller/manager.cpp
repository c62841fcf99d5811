#include "controller/manager.h"

#include <random>

#include <spdlog/spdlog.h>

#include "api/group.h"
#include "controller/application_pipeline.h"
#include "controller/event_router.h"
#include "controller/git_source_reconciler.h"
#include "controller/policy_reconciler.h"
#include "controller/standby_webhooks.h"
#include "kube/leader_election.h"
#include "render/transformers/patches.h"
#include "server/debug_vars.h"
#include "server/health.h"
#include "server/http_server.h"
#include "server/webhook_receiver.h"
#include "verify/policy_verifiers.h"

namespace sluice::controller {
namespace {

runtime::WorkQueue<std::string>::Options queue_options() {
  runtime::WorkQueue<std::string>::Options options;
  // Per-key retry backoff is the reconcilers' (retryInterval); this only limits hand-outs.
  options.qps = 50;
  options.burst = 200;
  return options;
}

kube::InformerOptions informer_options(const std::string& label_selector = "") {
  kube::InformerOptions options;
  // Reconcilers read these objects on every run: keep them as trees, not text.
  options.format = kube::StoreFormat::kTree;
  options.label_selector = label_selector;
  return options;
}

// Refuses a malformed --watch-label-selector at start, not as a watch failing forever.
const std::string& checked_selector(const std::string& selector) {
  if (!selector.empty()) {
    try {
      render::transformers::matches_label_selector(selector, {});
    } catch (const Error& e) {
      throw Error(ErrorCode::kInvalidArgument,
                  "watch label selector \"" + selector + "\": " + e.message());
    }
  }
  return selector;
}

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

server::HttpServer::Options server_options(const std::string& address) {
  server::HttpServer::Options options;
  options.address = address;
  options.threads = 1;
  return options;
}

// Webhooks come from outside the cluster: fewer connections, a shorter patience, and a body
// bound that still takes a large push's payload (GitHub's carry up to 20 commits' file lists).
server::HttpServer::Options webhook_server_options(const std::string& address) {
  server::HttpServer::Options options = server_options(address);
  options.max_body_bytes = std::size_t{1024} * 1024;
  options.max_connections = 64;
  options.io_timeout = std::chrono::seconds(10);
  return options;
}

runtime::FiberPool::Options pool_options(std::size_t threads) {
  runtime::FiberPool::Options options;
  options.threads = threads;
  // The default 128 KiB is tight for JSON work on a fiber; stacks are virtual memory until used.
  options.stack_size = std::size_t{256} * 1024;
  options.on_error = [](const Error& e) { spdlog::error("fiber failed: {}", e.message()); };
  return options;
}

kube::EventRecorderOptions event_options(const std::string& instance) {
  kube::EventRecorderOptions options;
  options.reporting_instance = instance;
  return options;
}

OwnedObjectsOptions owned_options(const std::string& watch_namespace, EventRouter& router) {
  OwnedObjectsOptions options;
  options.label_selector = api::label::kApplicationName;
  if (!watch_namespace.empty()) {
    options.label_selector +=
        "," + std::string(api::label::kApplicationNamespace) + "=" + watch_namespace;
  }
  options.on_drift = [&router](const std::string& key) { router.on_drift(key); };
  return options;
}

PipelineOptions pipeline_options(const ManagerOptions& o) {
  PipelineOptions options;
  options.render_workers = std::max<std::size_t>(2, o.threads);
  options.verify_workers = o.concurrency;
  options.apply_workers = o.concurrency;
  options.health_workers = std::max<std::size_t>(16, 4 * o.concurrency);
  return options;
}

}  // namespace

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
  kube::EventRecorder events;
  Context context{client, mapper, pool, blocking, events, metrics, *clock};

  kube::Informer sources;
  kube::Informer applications;
  kube::Informer policies;
  Caches caches{applications, sources, policies};

  KeyQueue source_queue{"gitsources", metrics, queue_options()};
  KeyQueue application_queue{"applications", metrics, queue_options()};
  KeyQueue policy_queue{"signingpolicies", metrics, queue_options()};
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
  bool started = false;
  bool stopped = false;

  // One GitSource or SigningPolicy reconcile from its queue, with metrics and requeue.
  void reconcile_source(const std::string& key);
  void reconcile_policy(const std::string& name);
  void add_debug_vars();
  // A genuine webhook push: fetch now, or (a standby) ask the leader to.
  void on_push(const std::string& source_key) {
    if (working || !standby_webhooks) {
      source_queue.add(source_key);
    } else {
      standby_webhooks->forward(source_key);
    }
  }
};

Manager::State::State(const ManagerOptions& o)
    : options(o),
      client(o.cluster),
      mapper(client),
      blocking(4),
      pool(pool_options(o.threads)),
      events(client, event_options(o.instance)),
      sources(client, git_sources(), o.watch_namespace,
              informer_options(checked_selector(o.watch_label_selector))),
      applications(client, controller::applications(), o.watch_namespace,
                   informer_options(o.watch_label_selector)),
      policies(client, signing_policies(), "", informer_options()),
      webhooks(o.webhook_address.empty() ? nullptr
                                         : std::make_unique<server::WebhookReceiver>(
                                               server::WebhookReceiver::Options{}, *registry,
                                               [this](const std::string& key) { on_push(key); })),
      store(o.storage_dir),
      owned(client, mapper, pool, owned_options(o.watch_namespace, router)),
      source_reconciler(
          context, sources, store, [this](const std::string& key) { router.on_artifact(key); },
          webhooks.get()),
      policy_reconciler(context, policies, applications, o.watch_namespace),
      application_reconciler(
          context, caches, store, owned, commit_verifier, image_verifier,
          ApplicationReconcilerOptions{.operator_namespace = o.operator_namespace,
                                       .apply_parallelism = 8,
                                       .default_service_account = o.default_service_account,
                                       .no_cross_namespace_refs = o.no_cross_namespace_refs}),
      pipeline(application_reconciler, application_queue, pool, metrics, pipeline_options(o)),
      metrics_server(server_options(o.metrics_address)),
      health_server(server_options(o.health_address)),
      webhook_server(
          webhooks ? std::make_unique<server::HttpServer>(webhook_server_options(o.webhook_address))
                   : nullptr) {}

void Manager::State::reconcile_source(const std::string& key) {
  const auto start = std::chrono::steady_clock::now();
  std::optional<Duration> again;
  std::string result = "success";
  try {
    again = source_reconciler.reconcile(key, work_stopping);
  } catch (...) {
    const Error error = Error::from_current_exception();
    if (error.code() != ErrorCode::kCancelled) {
      spdlog::error("GitSource {}: {}", key, error.message());
    }
    result = "failure";
    again = std::chrono::seconds(30);
  }
  const auto [ns, name] = split_key(key);
  metrics.reconcile_duration.labels({"GitSource", ns, name})
      .observe(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  metrics.reconcile_total.labels({"GitSource", result}).inc();
  source_queue.done(key);
  if (again && !work_stopping.abort_requested()) {
    source_queue.add_after(key, std::chrono::duration_cast<runtime::Clock::Duration>(*again));
  }
}

void Manager::State::reconcile_policy(const std::string& name) {
  try {
    policy_reconciler.reconcile(name);
    metrics.reconcile_total.labels({"SigningPolicy", "success"}).inc();
  } catch (...) {
    spdlog::error("SigningPolicy {}: {}", name, Error::from_current_exception().message());
    metrics.reconcile_total.labels({"SigningPolicy", "failure"}).inc();
    policy_queue.add_after(name, std::chrono::seconds(30));
  }
  policy_queue.done(name);
}

namespace {

Json histogram_vars(server::Family<server::Histogram>& family,
                    const std::vector<std::string>& labels) {
  Json out = Json::object();
  for (const std::string& label : labels) {
    const server::Histogram::Snapshot snapshot = family.labels({label}).snapshot();
    out[label] =
        Json{{"count", snapshot.count},
             {"mean_seconds",
              snapshot.count == 0 ? 0.0 : snapshot.sum / static_cast<double>(snapshot.count)}};
  }
  return out;
}

}  // namespace

void Manager::State::add_debug_vars() {
  State& s = *this;
  server::DebugVars& vars = *debug_vars;
  vars.set("queues", [&s] {
    return Json{{"gitsources", s.source_queue.depth()},
                {"applications", s.application_queue.depth()},
                {"signingpolicies", s.policy_queue.depth()}};
  });
  vars.set("pipeline", [&s] {
    return Json{{"in_flight", s.pipeline.in_flight()},
                {"stages", histogram_vars(s.metrics.stage_duration,
                                          {"render", "verify", "apply", "health", "finish"})}};
  });
  vars.set("informers", [&s] {
    return Json{{"gitsources", s.sources.size()},
                {"applications", s.applications.size()},
                {"signingpolicies", s.policies.size()},
                {"owned_objects", s.owned.objects()},
                {"owned_kinds", s.owned.kinds()}};
  });
  vars.set("artifacts", [&s] { return Json{{"current", s.store.size()}}; });
  vars.set("pools", [&s] {
    return Json{{"fiber_threads", s.pool.size()}, {"blocking_threads", s.blocking.size()}};
  });
  vars.set("leader_election", [&s] {
    Json out{{"enabled", s.elector != nullptr}, {"working", s.working.load()}};
    if (s.elector) {
      out["leading"] = s.elector->is_leader();
      out["holder"] = s.elector->holder();
    }
    return out;
  });
}

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
  s.registry->gauge_function("sluice_owned_objects",
                             "Objects in the watch cache of applied objects.",
                             [&s] { return static_cast<double>(s.owned.objects()); });
  s.registry->gauge_function("sluice_owned_kinds", "Kinds watched among the applied objects.",
                             [&s] { return static_cast<double>(s.owned.kinds()); });
  s.events.start(s.pool);
  s.started = true;

  // Informers and the routers that turn their events into keys: on every replica, so that a
  // standby's caches and queues are current when it takes over.
  const auto watch = [&s](kube::Informer& informer,
                          void (EventRouter::*route)(const kube::InformerEvent&)) {
    s.pool.spawn([&s, &informer, holder = s.fibers.enter()] { informer.run(s.stopping); });
    s.pool.spawn([&s, &informer, route, holder = s.fibers.enter()] {
      while (std::optional<kube::InformerEvent> event = informer.events()->receive()) {
        (s.router.*route)(*event);
      }
    });
  };
  watch(s.sources, &EventRouter::on_source);
  watch(s.applications, &EventRouter::on_application);
  watch(s.policies, &EventRouter::on_policy);

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
    spdlog::info("stopping work: {}",
                 s.stopping.abort_requested() ? "shutting down" : "leadership lost");
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
  if (s.webhooks) {
    s.standby_webhooks = std::make_unique<StandbyWebhooks>(s.client, s.sources, *s.webhooks);
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

}  // namespace sluice::controller
