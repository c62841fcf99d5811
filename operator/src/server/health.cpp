#include "server/health.h"

#include <algorithm>
#include <exception>
#include <set>

#include "core/error.h"

namespace sluice::server {
namespace {

std::string_view endpoint_of(Probe probe) {
  return probe == Probe::kLiveness ? "healthz" : "readyz";
}

bool is_valid_check_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return c > ' ' && c < 0x7f;  // printable ASCII, no space
  });
}

// Runs one check; "" when it passes.
std::string run_check(const HealthCheck& check) {
  try {
    return check();
  } catch (const std::exception& e) {
    const std::string what = e.what();
    return what.empty() ? "check threw" : what;
  } catch (...) {
    return "check threw";
  }
}

}  // namespace

HealthChecks::HealthChecks(FailureReporter report) : report_(std::move(report)) {}

void HealthChecks::add(Probe probe, std::string name, HealthCheck check) {
  if (!is_valid_check_name(name)) {
    throw invalid_argument("health check name \"" + name +
                           "\" must be printable ASCII without spaces");
  }
  if (!check) throw invalid_argument("health check \"" + name + "\" has no function");
  std::lock_guard lock(mu_);
  auto& checks = probe == Probe::kLiveness ? liveness_ : readiness_;
  if (std::any_of(checks.begin(), checks.end(),
                  [&](const NamedCheck& existing) { return existing.name == name; })) {
    throw Error(ErrorCode::kAlreadyExists,
                std::string(endpoint_of(probe)) + " check \"" + name + "\" added twice");
  }
  checks.push_back({std::move(name), std::move(check)});
}

void HealthChecks::add(Probe probe, std::string name, std::function<bool()> check) {
  if (!check) throw invalid_argument("health check \"" + name + "\" has no function");
  add(probe, std::move(name), HealthCheck([check = std::move(check)]() -> std::string {
        return check() ? "" : "not healthy";
      }));
}

HttpResponse HealthChecks::answer(Probe probe, const HttpRequest& request) const {
  const auto endpoint = endpoint_of(probe);
  std::vector<NamedCheck> checks;
  {
    std::lock_guard lock(mu_);
    checks = probe == Probe::kLiveness ? liveness_ : readiness_;
  }
  const auto excluded_values = request.query_values("exclude");
  std::set<std::string> excluded(excluded_values.begin(), excluded_values.end());
  std::string listing;
  bool failed = false;
  for (const auto& [name, check] : checks) {
    if (excluded.erase(name) > 0) {
      listing += "[+]" + name + " excluded: ok\n";
      continue;
    }
    const auto reason = run_check(check);
    if (reason.empty()) {
      listing += "[+]" + name + " ok\n";
      continue;
    }
    failed = true;
    listing += "[-]" + name + " failed: reason withheld\n";
    if (report_) report_(endpoint, name, reason);
  }
  if (!excluded.empty()) {
    std::string names;
    for (const auto& name : excluded) names += (names.empty() ? "\"" : ",\"") + name + "\"";
    listing += "warn: some health checks cannot be excluded: no matches for " + names + "\n";
  }

  HttpResponse response;
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  if (failed) {
    // Always verbose on failure, as the kube-apiserver is.
    response.status = 503;
    response.body = listing + std::string(endpoint) + " check failed\n";
  } else if (request.has_query("verbose")) {
    response.body = listing + std::string(endpoint) + " check passed\n";
  } else {
    response.body = "ok";
  }
  return response;
}

void mount_health(HttpServer& server, const HealthChecksPtr& checks) {
  if (!checks) throw invalid_argument("mount_health: no health checks");
  server.handle("GET", "/healthz", [checks](const HttpRequest& request, HttpResponse& response) {
    response = checks->answer(Probe::kLiveness, request);
  });
  server.handle("GET", "/readyz", [checks](const HttpRequest& request, HttpResponse& response) {
    response = checks->answer(Probe::kReadiness, request);
  });
}

void mount_metrics(HttpServer& server, const RegistryPtr& registry) {
  if (!registry) throw invalid_argument("mount_metrics: no registry");
  server.handle("GET", "/metrics",
                [registry](const HttpRequest& /*request*/, HttpResponse& response) {
                  response.content_type = kMetricsContentType;
                  response.body = registry->expose();
                });
}

}  // namespace sluice::server
