#include "controller/manager_state.h"

#include <spdlog/spdlog.h>

#include "api/group.h"
#include "core/rfc3339.h"
#include "render/transformers/patches.h"

namespace sluice::controller {
namespace {

runtime::WorkQueue<std::string>::Options queue_options() {
  runtime::WorkQueue<std::string>::Options options;
  // Per-key retry backoff is the reconcilers' (retryInterval); this only limits hand-outs, as
  // a guard against a hot loop. A no-op reconcile costs well under a millisecond of CPU, so
  // it must not be what keeps a thousand Applications on a 15 s interval from their time.
  options.qps = 500;
  options.burst = 1000;
  return options;
}

kube::ClientOptions client_options(const ManagerOptions& o) {
  kube::ClientOptions options;
  options.qps = o.kube_api_qps;
  options.burst = o.kube_api_burst;
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

kube::EventRecorderOptions event_options(const std::string& instance,
                                         const server::RecentEventsPtr& recent) {
  kube::EventRecorderOptions options;
  options.reporting_instance = instance;
  options.on_record = [recent](const kube::Event& event, std::chrono::system_clock::time_point at) {
    recent->add(server::StatusEvent{
        .time = format_rfc3339(at),
        .type = event.type == kube::EventType::kWarning ? "Warning" : "Normal",
        .reason = event.reason,
        .action = event.action,
        .note = event.note,
        .kind = event.regarding.kind,
        .ns = event.regarding.ns,
        .name = event.regarding.name,
    });
  };
  return options;
}

// The status page is for people: few connections, and a bound on the live streams.
server::HttpServer::Options status_server_options(const std::string& address) {
  server::HttpServer::Options options = server_options(address);
  options.max_body_bytes = std::size_t{4} * 1024;  // GET only
  options.max_connections = 64;
  options.max_streams = 16;
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

Manager::State::State(const ManagerOptions& o)
    : options(o),
      client(o.cluster, client_options(o)),
      mapper(client),
      blocking(4),
      pool(pool_options(o.threads)),
      events(client, event_options(o.instance, recent_events)),
      sources(client, git_sources(), o.watch_namespace,
              informer_options(checked_selector(o.watch_label_selector))),
      applications(client, controller::applications(), o.watch_namespace,
                   informer_options(o.watch_label_selector)),
      policies(client, signing_policies(), "", informer_options()),
      source_queue("gitsources", metrics, queue_options()),
      application_queue("applications", metrics, queue_options()),
      policy_queue("signingpolicies", metrics, queue_options()),
      webhooks(o.webhook_address.empty() ? nullptr
                                         : std::make_unique<server::WebhookReceiver>(
                                               server::WebhookReceiver::Options{}, *registry,
                                               [this](const std::string& key) { on_push(key); })),
      standby_webhooks(webhooks && o.leader_election.enabled
                           ? std::make_unique<StandbyWebhooks>(client, sources, *webhooks)
                           : nullptr),
      store(o.storage_dir),
      owned(client, mapper, pool, owned_options(o.watch_namespace, router)),
      source_reconciler(
          context, sources, store, [this](const std::string& key) { router.on_artifact(key); },
          webhooks.get(), o.snapshot_max_files),
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
                   : nullptr) {
  if (!o.status_address.empty()) {
    status_page = std::make_unique<server::StatusPage>(
        [this] { return status_inputs(); }, recent_events, server::StatusPage::Options{});
    status_server = std::make_unique<server::HttpServer>(status_server_options(o.status_address));
  }
}

server::StatusInputs Manager::State::status_inputs() const {
  server::StatusInputs inputs;
  inputs.applications = applications.list();
  inputs.sources = sources.list();
  inputs.policies = policies.list();
  return inputs;
}

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
                {"owned_cache_bytes", s.owned.cache_bytes()},
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

}  // namespace sluice::controller
