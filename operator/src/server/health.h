#pragma once

// The operator's probe and scrape endpoints on an HttpServer:
//
//  * /healthz (liveness) and /readyz (readiness), each the sum of named checks, answered the
//    way the kube-apiserver answers its own (k8s.io/apiserver/pkg/server/healthz): 200 `ok`
//    when every check passes; otherwise 503 listing each check as `[+]name ok` or
//    `[-]name failed: reason withheld`, then `readyz check failed`. `?verbose` lists the checks
//    on success too (ending `readyz check passed`); `?exclude=name` (repeatable) skips a check.
//    Reasons are withheld because probe endpoints are unauthenticated; they go to the
//    FailureReporter instead (the operator logs them). The two lists are separate: a check
//    that matters to both is added to both.
//  * /metrics, a Registry in the text format 0.0.4.

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/http_message.h"
#include "server/http_server.h"
#include "server/metrics.h"

namespace sluice::server {

// Passes by returning ""; otherwise the text says what is wrong ("informers not synced"). A
// check runs on a server thread at each probe, so it must be quick and must not block: read an
// atomic or a snapshot. A check that throws fails with what it threw.
using HealthCheck = std::function<std::string()>;

enum class Probe { kLiveness, kReadiness };

class HealthChecks {
 public:
  // Told about each failing check at each probe: endpoint ("healthz" or "readyz"), check name
  // and reason. Runs on the probing server thread.
  using FailureReporter = std::function<void(std::string_view endpoint, std::string_view check,
                                             std::string_view reason)>;

  explicit HealthChecks(FailureReporter report = {});

  // Adds a check; checks run in the order added. `name` must be printable ASCII without spaces
  // (e.g. "informers", "leader-election"; kInvalidArgument otherwise) and new to that probe
  // (kAlreadyExists otherwise). Callable at any time, also while the server runs.
  void add(Probe probe, std::string name, HealthCheck check);
  // A check that passes when it returns true.
  void add(Probe probe, std::string name, std::function<bool()> check);

  // What /healthz (kLiveness) or /readyz (kReadiness) answers to `request` (its query counts).
  HttpResponse answer(Probe probe, const HttpRequest& request) const;

 private:
  struct NamedCheck {
    std::string name;
    HealthCheck check;
  };

  FailureReporter report_;
  mutable std::mutex mu_;  // guards the lists, never held while a check runs
  std::vector<NamedCheck> liveness_;
  std::vector<NamedCheck> readiness_;
};

using HealthChecksPtr = std::shared_ptr<HealthChecks>;

// Serves GET /healthz and GET /readyz from `checks` (the server keeps it alive).
void mount_health(HttpServer& server, const HealthChecksPtr& checks);

// Serves GET /metrics from `registry` with `Content-Type: text/plain; version=0.0.4;
// charset=utf-8` (the server keeps it alive).
void mount_metrics(HttpServer& server, const RegistryPtr& registry);

inline constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace sluice::server
