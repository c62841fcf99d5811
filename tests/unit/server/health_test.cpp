#include "server/health.h"

#include <atomic>
#include <stdexcept>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "core/error.h"
#include "http_test_client.h"
#include "test_helpers.h"

namespace sluice::server {
namespace {

using sluice::testing::error_of;

HttpRequest request_with(std::vector<std::pair<std::string, std::string>> query = {}) {
  HttpRequest request;
  request.method = "GET";
  request.query = std::move(query);
  return request;
}

TEST(Health, NoChecksIsOk) {
  HealthChecks checks;
  const auto response = checks.answer(Probe::kReadiness, request_with());
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "ok");
  EXPECT_EQ(checks.answer(Probe::kLiveness, request_with({{"verbose", ""}})).body,
            "healthz check passed\n");
}

TEST(Health, PassingChecksAreOkAndListedWhenVerbose) {
  HealthChecks checks;
  checks.add(Probe::kReadiness, "informers", [] { return true; });
  checks.add(Probe::kReadiness, "leader-election", [] { return std::string(); });
  auto response = checks.answer(Probe::kReadiness, request_with());
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "ok");
  EXPECT_EQ(response.content_type, "text/plain; charset=utf-8");
  EXPECT_EQ(response.headers, (HeaderList{{"X-Content-Type-Options", "nosniff"}}));

  response = checks.answer(Probe::kReadiness, request_with({{"verbose", ""}}));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "[+]informers ok\n[+]leader-election ok\nreadyz check passed\n");
}

TEST(Health, FailingChecksAre503AndListedWithReasonsWithheld) {
  std::vector<std::tuple<std::string, std::string, std::string>> reported;
  HealthChecks checks(
      [&](std::string_view endpoint, std::string_view check, std::string_view reason) {
        reported.emplace_back(endpoint, check, reason);
      });
  std::atomic<bool> synced{false};
  checks.add(Probe::kReadiness, "ping", [] { return true; });
  checks.add(Probe::kReadiness, "informers", [&] { return synced.load(); });
  checks.add(Probe::kReadiness, "cache", [] { return std::string("3 of 5 caches warm"); });
  checks.add(Probe::kReadiness, "thrower", []() -> std::string { throw not_found("gone"); });

  const auto response = checks.answer(Probe::kReadiness, request_with());
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.body,
            "[+]ping ok\n"
            "[-]informers failed: reason withheld\n"
            "[-]cache failed: reason withheld\n"
            "[-]thrower failed: reason withheld\n"
            "readyz check failed\n");
  using Report = std::tuple<std::string, std::string, std::string>;
  EXPECT_EQ(reported, (std::vector<Report>{{"readyz", "informers", "not healthy"},
                                           {"readyz", "cache", "3 of 5 caches warm"},
                                           {"readyz", "thrower", "gone"}}));

  // Liveness is a separate list.
  EXPECT_EQ(checks.answer(Probe::kLiveness, request_with()).status, 200);

  synced = true;
  const auto excluded = checks.answer(
      Probe::kReadiness,
      request_with(
          {{"exclude", "cache"}, {"exclude", "thrower"}, {"exclude", "nope"}, {"verbose", ""}}));
  EXPECT_EQ(excluded.status, 200);
  EXPECT_EQ(excluded.body,
            "[+]ping ok\n"
            "[+]informers ok\n"
            "[+]cache excluded: ok\n"
            "[+]thrower excluded: ok\n"
            "warn: some health checks cannot be excluded: no matches for \"nope\"\n"
            "readyz check passed\n");
}

TEST(Health, CheckNamesAreValidatedAndUnique) {
  HealthChecks checks;
  checks.add(Probe::kLiveness, "deadlock", [] { return true; });
  checks.add(Probe::kReadiness, "deadlock", [] { return true; });  // other probe: fine
  EXPECT_EQ(error_of([&] { checks.add(Probe::kLiveness, "deadlock", [] { return true; }); }).code(),
            ErrorCode::kAlreadyExists);
  for (const char* bad : {"", "two words", "line\nbreak"}) {
    EXPECT_EQ(error_of([&] { checks.add(Probe::kLiveness, bad, [] { return true; }); }).code(),
              ErrorCode::kInvalidArgument)
        << bad;
  }
  EXPECT_EQ(error_of([&] { checks.add(Probe::kLiveness, "empty", HealthCheck()); }).code(),
            ErrorCode::kInvalidArgument);
}

TEST(Health, EndpointsOnAServer) {
  auto checks = std::make_shared<HealthChecks>();
  std::atomic<bool> ready{false};
  checks->add(Probe::kLiveness, "ping", [] { return true; });
  checks->add(Probe::kReadiness, "informers", [&] { return ready.load(); });
  auto registry = std::make_shared<Registry>();
  registry->counter("sluice_probes_total", "Probes.").labels({}).inc(2);

  HttpServer server(HttpServer::Options{});
  mount_health(server, checks);
  mount_metrics(server, registry);
  server.start();
  const auto port = server.port();

  auto response = testing::get(port, "/healthz");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "ok");
  response = testing::get(port, "/readyz");
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.body, "[-]informers failed: reason withheld\nreadyz check failed\n");
  // Checks added while serving count from the next probe on.
  ready = true;
  checks->add(Probe::kReadiness, "late", [] { return true; });
  response = testing::get(port, "/readyz?verbose");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "[+]informers ok\n[+]late ok\nreadyz check passed\n");

  response = testing::get(port, "/metrics");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.headers["content-type"], "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(response.body,
            "# HELP sluice_probes_total Probes.\n"
            "# TYPE sluice_probes_total counter\n"
            "sluice_probes_total 2\n");
  EXPECT_EQ(testing::round_trip(port,
                                "POST /metrics HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n"
                                "Connection: close\r\n\r\n")
                .status,
            405);
}

}  // namespace
}  // namespace sluice::server
