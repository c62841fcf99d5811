#include "controller/manager.h"

#include <spdlog/spdlog.h>

#include "api/group.h"
#include "controller/application_pipeline.h"
#include "controller/event_router.h"
#include "controller/git_source_reconciler.h"
#include "controller/policy_reconciler.h"
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

kube::InformerOptions informer_options() {
  kube::InformerOptions options;
  // Reconcilers read these objects on every run: keep them as trees, not text.
  options.format = kube::StoreFormat::kTree;
  return options;
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

  ArtifactStore store;
  OwnedObjects owned;
  verify::PolicyCommitVerifier commit_verifier;
  verify::PolicyImageVerifier image_verifier;
  GitSourceReconciler source_reconciler;
  PolicyReconciler policy_reconciler;
  ApplicationReconciler application_reconciler;
  ApplicationPipeline pipeline;

  runtime::AbortSource stopping;  // informers, routers, workers
  runtime::Gate fibers;
  server::HealthChecksPtr health = std::make_shared<server::HealthChecks>();
  server::HttpServer metrics_server;
  server::HttpServer health_server;
  std::unique_ptr<server::HttpServer> webhook_server;  // with `webhooks` only
  bool started = false;
  bool stopped = false;
};

Manager::State::State(const ManagerOptions& o)
    : options(o),
      client(o.cluster),
      mapper(client),
      blocking(4),
      pool(pool_options(o.threads)),
      events(client, event_options(o.instance)),
      sources(client, git_sources(), o.watch_namespace, informer_options()),
      applications(client, controller::applications(), o.watch_namespace, informer_options()),
      policies(client, signing_policies(), "", informer_options()),
      webhooks(o.webhook_address.empty()
                   ? nullptr
                   : std::make_unique<server::WebhookReceiver>(
                         server::WebhookReceiver::Options{}, *registry,
                         [this](const std::string& key) { source_queue.add(key); })),
      store(o.storage_dir),
      owned(client, mapper, pool, owned_options(o.watch_namespace, router)),
      source_reconciler(
          context, sources, store, [this](const std::string& key) { router.on_artifact(key); },
          webhooks.get()),
      policy_reconciler(context, policies, applications, o.watch_namespace),
      application_reconciler(context, caches, store, owned, commit_verifier, image_verifier,
                             ApplicationReconcilerOptions{o.operator_namespace, 8}),
      pipeline(application_reconciler, application_queue, pool, pipeline_options(o)),
      metrics_server(server_options(o.metrics_address)),
      health_server(server_options(o.health_address)),
      webhook_server(
          webhooks ? std::make_unique<server::HttpServer>(webhook_server_options(o.webhook_address))
                   : nullptr) {}

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
  server::mount_metrics(s.metrics_server, s.registry);
  server::mount_health(s.health_server, s.health);
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

  // Informers and the routers that turn their events into keys.
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

  for (std::size_t i = 0; i < options_.concurrency; ++i) {
    s.pool.spawn([&s, holder = s.fibers.enter()] {
      while (std::optional<std::string> key = s.source_queue.get()) {
        const auto started = std::chrono::steady_clock::now();
        std::optional<Duration> again;
        std::string result = "success";
        try {
          again = s.source_reconciler.reconcile(*key, s.stopping);
        } catch (...) {
          const Error error = Error::from_current_exception();
          if (error.code() != ErrorCode::kCancelled) {
            spdlog::error("GitSource {}: {}", *key, error.message());
          }
          result = "failure";
          again = std::chrono::seconds(30);
        }
        const auto [ns, name] = split_key(*key);
        s.metrics.reconcile_duration.labels({"GitSource", ns, name})
            .observe(
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
        s.metrics.reconcile_total.labels({"GitSource", result}).inc();
        s.source_queue.done(*key);
        if (again && !s.stopping.abort_requested()) {
          s.source_queue.add_after(*key,
                                   std::chrono::duration_cast<runtime::Clock::Duration>(*again));
        }
      }
    });
  }
  s.pool.spawn([&s, holder = s.fibers.enter()] {
    while (std::optional<std::string> key = s.policy_queue.get()) {
      try {
        s.policy_reconciler.reconcile(*key);
        s.metrics.reconcile_total.labels({"SigningPolicy", "success"}).inc();
      } catch (...) {
        spdlog::error("SigningPolicy {}: {}", *key, Error::from_current_exception().message());
        s.metrics.reconcile_total.labels({"SigningPolicy", "failure"}).inc();
        s.policy_queue.add_after(*key, std::chrono::seconds(30));
      }
      s.policy_queue.done(*key);
    }
  });
  s.pipeline.start();
  spdlog::info("sluice operator started: metrics on {}, health on {}, watching {}",
               s.metrics_server.local_address(), s.health_server.local_address(),
               options_.watch_namespace.empty() ? "all namespaces"
                                                : "namespace " + options_.watch_namespace);
}

void Manager::stop() {
  if (!state_ || state_->stopped) return;
  State& s = *state_;
  s.stopped = true;
  if (s.started) {
    s.pipeline.stop();
    s.source_queue.shut_down();
    s.policy_queue.shut_down();
    s.owned.stop();
    s.stopping.request_abort("operator stopping");
    s.fibers.close();
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
