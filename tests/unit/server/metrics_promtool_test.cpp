// Prometheus' own checker on what the Registry writes: `promtool check metrics` (Debian's
// prometheus package, installed by scripts/bootstrap) parses the text with Prometheus' parser
// and lints it (HELP present, counters named *_total, units, ...). It prints nothing and exits
// 0 when it has nothing to say.

#include <limits>
#include <string>

#include <gtest/gtest.h>

#include "process.h"
#include "server/metrics.h"

namespace sluice::server {
namespace {

using sluice::testing::ProcessResult;
using sluice::testing::run_process;

ProcessResult promtool_check(const std::string& exposition) {
  sluice::testing::ProcessOptions options;
  options.set_input(exposition).set_timeout(std::chrono::seconds(60));
  return run_process({"promtool", "check", "metrics"}, options);
}

// Every kind of family, label values needing every escape, families without series.
std::string full_exposition() {
  Registry registry;
  auto& reconciles = registry.counter("sluice_reconciles_total", "Reconciles finished, by result.",
                                      {"namespace", "name", "result"});
  reconciles.labels({"shop", "web", "success"}).inc(12);
  reconciles.labels({"shop", "quote\"back\\slash", "line\nbreak"}).inc();
  reconciles.labels({"gr\xc3\xbc\xc3\x9f", "\xf0\x9f\x9a\x80", ""}).inc(0.5);
  registry.counter("sluice_webhook_requests_total", "Webhook requests received.").labels({}).inc(3);
  // A labelled family nothing has used yet: HELP and TYPE only.
  registry.counter("sluice_apply_errors_total", "Apply errors, by kind.", {"kind"});

  auto& ready = registry.gauge("sluice_application_ready", "1 when the Application is Ready.",
                               {"namespace", "name"});
  ready.labels({"shop", "web"}).set(1);
  ready.labels({"shop", "db"}).set(0);
  registry.gauge("sluice_inventory_objects", "Objects in inventories.", {"namespace"});
  registry.gauge("sluice_last_success_timestamp_seconds", "Unix time of the last success.")
      .labels({})
      .set(1718000000.25);
  registry.gauge("sluice_drift_ratio", "Odd values: infinities and NaN.", {"which"});
  registry.gauge("sluice_drift_ratio", "Odd values: infinities and NaN.", {"which"})
      .labels({"inf"})
      .set(std::numeric_limits<double>::infinity());
  registry.gauge("sluice_drift_ratio", "Odd values: infinities and NaN.", {"which"})
      .labels({"nan"})
      .set(std::numeric_limits<double>::quiet_NaN());
  registry.gauge_function("sluice_workqueue_depth", "Keys waiting in the work queue.",
                          [] { return 42.0; });

  auto& duration = registry.histogram("sluice_reconcile_duration_seconds",
                                      "Time to reconcile an Application, \\ escaped help.",
                                      {"namespace"}, exponential_buckets(0.005, 4, 8));
  for (double v : {0.001, 0.02, 0.3, 7.0, 1e6}) duration.labels({"shop"}).observe(v);
  registry.histogram("sluice_render_bytes", "Rendered manifest size.", {}, {1024, 1e6, 1e9});
  registry.histogram("sluice_fetch_duration_seconds", "Git fetch time.", {"url"}, {0.1, 1});
  return registry.expose();
}

TEST(MetricsPromtool, EveryMetricTypePassesPromtool) {
  const auto text = full_exposition();
  // The exposition really holds what the test claims to check.
  for (const char* piece : {"name=\"quote\\\"back\\\\slash\"", "result=\"line\\nbreak\"",
                            "# TYPE sluice_apply_errors_total counter\n# HELP", "le=\"+Inf\"",
                            "sluice_drift_ratio{which=\"inf\"} +Inf", "NaN",
                            "sluice_workqueue_depth 42", "sluice_render_bytes_count 0"}) {
    EXPECT_NE(text.find(piece), std::string::npos) << piece << "\n" << text;
  }
  const auto result = promtool_check(text);
  ASSERT_NE(result.exit_code, 127) << "promtool not found: install prometheus (scripts/bootstrap)";
  EXPECT_EQ(result.exit_code, 0) << result.out << result.err << "\n" << text;
  EXPECT_EQ(result.out, "");
  EXPECT_EQ(result.err, "");
}

// promtool does speak up, so its silence above means something.
TEST(MetricsPromtool, PromtoolReportsProblems) {
  const auto lint = promtool_check("# TYPE sluice_reconciles counter\nsluice_reconciles 1\n");
  EXPECT_NE(lint.exit_code, 0);
  EXPECT_NE((lint.out + lint.err).find("_total"), std::string::npos) << lint.out << lint.err;

  const auto parse = promtool_check("# TYPE x gauge\nx{a=\"unterminated} 1\n");
  EXPECT_NE(parse.exit_code, 0);
}

}  // namespace
}  // namespace sluice::server
