#include "server/metrics.h"

#include <cmath>
#include <limits>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "core/error.h"
#include "test_helpers.h"

namespace sluice::server {
namespace {

using sluice::testing::error_of;

TEST(Metrics, CountersAndGaugesWithoutLabelsStartAtZero) {
  Registry registry;
  auto& reconciles = registry.counter("sluice_reconciles_total", "Reconciles finished.");
  auto& depth = registry.gauge("sluice_queue_depth", "Keys waiting.");
  EXPECT_EQ(registry.expose(),
            "# HELP sluice_queue_depth Keys waiting.\n"
            "# TYPE sluice_queue_depth gauge\n"
            "sluice_queue_depth 0\n"
            "# HELP sluice_reconciles_total Reconciles finished.\n"
            "# TYPE sluice_reconciles_total counter\n"
            "sluice_reconciles_total 0\n");

  reconciles.labels({}).inc();
  reconciles.labels({}).inc(2.5);
  depth.labels({}).set(7);
  depth.labels({}).dec(3);
  depth.labels({}).inc(0.25);
  EXPECT_EQ(reconciles.labels({}).value(), 3.5);
  EXPECT_EQ(depth.labels({}).value(), 4.25);
  EXPECT_EQ(registry.expose(),
            "# HELP sluice_queue_depth Keys waiting.\n"
            "# TYPE sluice_queue_depth gauge\n"
            "sluice_queue_depth 4.25\n"
            "# HELP sluice_reconciles_total Reconciles finished.\n"
            "# TYPE sluice_reconciles_total counter\n"
            "sluice_reconciles_total 3.5\n");
}

TEST(Metrics, LabelledSeriesAreSortedAndEscaped) {
  Registry registry;
  auto& applied = registry.counter("sluice_applied_objects_total",
                                   "Objects applied, by \"kind\".\nSecond line \\ here.",
                                   {"namespace", "kind"});
  EXPECT_EQ(registry.expose(),
            "# HELP sluice_applied_objects_total Objects applied, by \"kind\".\\nSecond line "
            "\\\\ here.\n"
            "# TYPE sluice_applied_objects_total counter\n");

  applied.labels({"shop", "Deployment"}).inc(3);
  applied.labels({"infra", "ConfigMap"}).inc();
  applied.labels({"a\\b", "say \"hi\"\nbye"}).inc(2);
  EXPECT_EQ(registry.expose(),
            "# HELP sluice_applied_objects_total Objects applied, by \"kind\".\\nSecond line "
            "\\\\ here.\n"
            "# TYPE sluice_applied_objects_total counter\n"
            "sluice_applied_objects_total{namespace=\"a\\\\b\",kind=\"say \\\"hi\\\"\\nbye\"} 2\n"
            "sluice_applied_objects_total{namespace=\"infra\",kind=\"ConfigMap\"} 1\n"
            "sluice_applied_objects_total{namespace=\"shop\",kind=\"Deployment\"} 3\n");
}

TEST(Metrics, LabelsReturnsTheSameSeriesUntilRemoved) {
  Registry registry;
  auto& ready = registry.gauge("sluice_application_ready", "1 when Ready.", {"app"});
  auto& web = ready.labels({"web"});
  EXPECT_EQ(&web, &ready.labels({"web"}));
  web.set(1);
  ready.labels({"db"}).set(0);
  EXPECT_EQ(ready.size(), 2u);

  ready.remove({"web"});
  ready.remove({"never-there"});  // no-op
  EXPECT_EQ(ready.size(), 1u);
  EXPECT_EQ(registry.expose(),
            "# HELP sluice_application_ready 1 when Ready.\n"
            "# TYPE sluice_application_ready gauge\n"
            "sluice_application_ready{app=\"db\"} 0\n");
  EXPECT_EQ(ready.labels({"web"}).value(), 0);  // a new series
}

TEST(Metrics, HistogramBucketsAreCumulative) {
  Registry registry;
  auto& duration = registry.histogram("sluice_reconcile_duration_seconds", "Reconcile time.",
                                      {"app"}, {0.1, 1, 5});
  auto& web = duration.labels({"web"});
  for (double v : {0.05, 0.1, 0.7, 3.0, 3.0, 100.0}) web.observe(v);
  duration.labels({"db"});  // made, never observed
  EXPECT_EQ(registry.expose(),
            "# HELP sluice_reconcile_duration_seconds Reconcile time.\n"
            "# TYPE sluice_reconcile_duration_seconds histogram\n"
            "sluice_reconcile_duration_seconds_bucket{app=\"db\",le=\"0.1\"} 0\n"
            "sluice_reconcile_duration_seconds_bucket{app=\"db\",le=\"1\"} 0\n"
            "sluice_reconcile_duration_seconds_bucket{app=\"db\",le=\"5\"} 0\n"
            "sluice_reconcile_duration_seconds_bucket{app=\"db\",le=\"+Inf\"} 0\n"
            "sluice_reconcile_duration_seconds_sum{app=\"db\"} 0\n"
            "sluice_reconcile_duration_seconds_count{app=\"db\"} 0\n"
            "sluice_reconcile_duration_seconds_bucket{app=\"web\",le=\"0.1\"} 2\n"
            "sluice_reconcile_duration_seconds_bucket{app=\"web\",le=\"1\"} 3\n"
            "sluice_reconcile_duration_seconds_bucket{app=\"web\",le=\"5\"} 5\n"
            "sluice_reconcile_duration_seconds_bucket{app=\"web\",le=\"+Inf\"} 6\n"
            "sluice_reconcile_duration_seconds_sum{app=\"web\"} 106.85\n"
            "sluice_reconcile_duration_seconds_count{app=\"web\"} 6\n");
}

TEST(Metrics, HistogramWithoutLabelsAndNaN) {
  Registry registry;
  auto& sizes = registry.histogram("sluice_manifest_bytes", "", {}, {1024, 1e6});
  sizes.labels({}).observe(2048);
  sizes.labels({}).observe(std::nan(""));
  const auto snapshot = sizes.labels({}).snapshot();
  EXPECT_EQ(snapshot.cumulative, (std::vector<std::uint64_t>{0, 1, 2}));
  EXPECT_EQ(snapshot.count, 2u);
  EXPECT_TRUE(std::isnan(snapshot.sum));
  // No HELP line for an empty help; 1e6 written without an exponent.
  EXPECT_EQ(registry.expose(),
            "# TYPE sluice_manifest_bytes histogram\n"
            "sluice_manifest_bytes_bucket{le=\"1024\"} 0\n"
            "sluice_manifest_bytes_bucket{le=\"1000000\"} 1\n"
            "sluice_manifest_bytes_bucket{le=\"+Inf\"} 2\n"
            "sluice_manifest_bytes_sum NaN\n"
            "sluice_manifest_bytes_count 2\n");
}

TEST(Metrics, GaugeFunctionIsReadAtEachScrape) {
  Registry registry;
  auto depth = std::make_shared<std::atomic<int>>(3);
  registry.gauge_function("sluice_workqueue_depth", "Keys queued.",
                          [depth] { return static_cast<double>(depth->load()); });
  EXPECT_EQ(registry.expose(),
            "# HELP sluice_workqueue_depth Keys queued.\n"
            "# TYPE sluice_workqueue_depth gauge\n"
            "sluice_workqueue_depth 3\n");
  depth->store(11);
  EXPECT_NE(registry.expose().find("sluice_workqueue_depth 11\n"), std::string::npos);
  EXPECT_EQ(error_of([&] {
              registry.gauge_function("sluice_workqueue_depth", "Keys queued.", [] { return 0.0; });
            }).code(),
            ErrorCode::kAlreadyExists);
  EXPECT_EQ(error_of([&] { registry.gauge("sluice_workqueue_depth", "Keys queued."); }).code(),
            ErrorCode::kAlreadyExists);
}

TEST(Metrics, FamiliesComeInNameOrder) {
  Registry registry;
  registry.gauge("c", "");
  registry.counter("a_total", "");
  registry.gauge_function("b", "", [] { return 1.0; });
  EXPECT_EQ(registry.expose(),
            "# TYPE a_total counter\na_total 0\n"
            "# TYPE b gauge\nb 1\n"
            "# TYPE c gauge\nc 0\n");
}

TEST(Metrics, SameShapeReturnsTheSameFamily) {
  Registry registry;
  auto& first = registry.counter("x_total", "Help.", {"a"});
  EXPECT_EQ(&first, &registry.counter("x_total", "Help.", {"a"}));
  auto& histogram = registry.histogram("h", "Help.", {}, {1, 2});
  // A trailing +Inf is the implicit one.
  EXPECT_EQ(&histogram,
            &registry.histogram("h", "Help.", {}, {1, 2, std::numeric_limits<double>::infinity()}));
}

TEST(Metrics, OtherShapesUnderOneNameAreRefused) {
  Registry registry;
  registry.counter("x_total", "Help.", {"a"});
  registry.histogram("h", "Help.", {}, {1, 2});
  auto code = [](const std::function<void()>& body) { return error_of(body).code(); };
  EXPECT_EQ(code([&] { registry.counter("x_total", "Help.", {"b"}); }), ErrorCode::kAlreadyExists);
  EXPECT_EQ(code([&] { registry.counter("x_total", "Other.", {"a"}); }), ErrorCode::kAlreadyExists);
  EXPECT_EQ(code([&] { registry.gauge("x_total", "Help.", {"a"}); }), ErrorCode::kAlreadyExists);
  EXPECT_EQ(code([&] { registry.histogram("h", "Help.", {}, {1, 3}); }), ErrorCode::kAlreadyExists);
  // Sample names of different families must not meet.
  EXPECT_EQ(code([&] { registry.gauge("h_count", "Help."); }), ErrorCode::kAlreadyExists);
  registry.gauge("g_sum", "Help.");
  EXPECT_EQ(code([&] { registry.histogram("g", "Help.", {}, {1}); }), ErrorCode::kAlreadyExists);
  EXPECT_NE(error_of([&] { registry.gauge("h_bucket", ""); }).message().find("\"h\""),
            std::string::npos);
}

TEST(Metrics, InvalidNamesAndValuesAreInvalidArguments) {
  Registry registry;
  auto code = [](const std::function<void()>& body) { return error_of(body).code(); };
  constexpr auto kInvalid = ErrorCode::kInvalidArgument;
  EXPECT_EQ(code([&] { registry.gauge("1abc", ""); }), kInvalid);
  EXPECT_EQ(code([&] { registry.gauge("a-b", ""); }), kInvalid);
  EXPECT_EQ(code([&] { registry.counter("reconciles", ""); }), kInvalid);  // no _total
  EXPECT_EQ(code([&] { registry.gauge("g", "", {"bad-label"}); }), kInvalid);
  EXPECT_EQ(code([&] { registry.gauge("g", "", {"__reserved"}); }), kInvalid);
  EXPECT_EQ(code([&] { registry.gauge("g", "", {"a", "a"}); }), kInvalid);
  EXPECT_EQ(code([&] { registry.gauge("g", "bad \xff help"); }), kInvalid);
  EXPECT_EQ(code([&] { registry.histogram("h", "", {"le"}, {1}); }), kInvalid);
  EXPECT_EQ(code([&] { registry.histogram("h", "", {}, {2, 1}); }), kInvalid);
  EXPECT_EQ(code([&] { registry.histogram("h", "", {}, {1, 1}); }), kInvalid);
  EXPECT_EQ(code([&] { registry.histogram("h", "", {}, {std::nan("")}); }), kInvalid);
  EXPECT_EQ(code([&] { registry.gauge_function("f", "", {}); }), kInvalid);
  EXPECT_TRUE(registry.expose().empty());  // nothing half-registered

  auto& family = registry.gauge("g", "", {"a", "b"});
  EXPECT_EQ(code([&] { family.labels({"only-one"}); }), kInvalid);
  EXPECT_EQ(code([&] { family.labels({"1", "2", "3"}); }), kInvalid);
  EXPECT_EQ(code([&] { family.labels({"ok", "\xc3"}); }), kInvalid);
  EXPECT_EQ(code([&] { family.remove({"only-one"}); }), kInvalid);
  EXPECT_EQ(family.size(), 0u);

  auto& counter = registry.counter("c_total", "").labels({});
  EXPECT_EQ(code([&] { counter.inc(-1); }), kInvalid);
  EXPECT_EQ(code([&] { counter.inc(std::nan("")); }), kInvalid);
  EXPECT_EQ(counter.value(), 0);
}

TEST(Metrics, ExponentialBuckets) {
  EXPECT_EQ(exponential_buckets(0.01, 10, 4), (std::vector<double>{0.01, 0.1, 1, 10}));
  EXPECT_EQ(exponential_buckets(1, 2, 5), (std::vector<double>{1, 2, 4, 8, 16}));
  EXPECT_EQ(error_of([] { exponential_buckets(0, 2, 3); }).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(error_of([] { exponential_buckets(1, 1, 3); }).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(error_of([] { exponential_buckets(1, 2, 0); }).code(), ErrorCode::kInvalidArgument);
}

// Several threads update shared and per-thread series, make new series and scrape at once; the
// totals must come out exact (every increment is 1, so doubles stay exact).
TEST(Metrics, ConcurrentUpdatesAddUpExactly) {
  Registry registry;
  auto& requests = registry.counter("requests_total", "", {"thread"});
  auto& shared = registry.counter("shared_total", "");
  auto& in_flight = registry.gauge("in_flight", "");
  auto& latency = registry.histogram("latency_seconds", "", {}, {0.5, 1.5});
  constexpr int kThreads = 8;
  constexpr int kIterations = 20000;
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string name = std::to_string(t % 4);  // two threads per series
      for (int i = 0; i < kIterations; ++i) {
        requests.labels({name}).inc();
        shared.labels({}).inc();
        in_flight.labels({}).inc();
        latency.labels({}).observe(i % 3);  // 0, 1, 2
        in_flight.labels({}).dec();
        if (i % 1000 == 0) (void)registry.expose();
      }
    });
  }
  for (auto& thread : threads) thread.join();

  EXPECT_EQ(shared.labels({}).value(), kThreads * kIterations);
  EXPECT_EQ(in_flight.labels({}).value(), 0);
  EXPECT_EQ(requests.size(), 4u);
  for (int s = 0; s < 4; ++s) {
    EXPECT_EQ(requests.labels({std::to_string(s)}).value(), 2 * kIterations);
  }
  const auto snapshot = latency.labels({}).snapshot();
  constexpr std::uint64_t kPerThread = kIterations;
  const std::uint64_t total = kThreads * kPerThread;
  EXPECT_EQ(snapshot.count, total);
  // i % 3 over 0..19999: 6667 zeros, 6667 ones, 6666 twos per thread.
  EXPECT_EQ(snapshot.cumulative,
            (std::vector<std::uint64_t>{kThreads * std::uint64_t{6667},
                                        kThreads * std::uint64_t{13334}, total}));
  EXPECT_EQ(snapshot.sum, kThreads * (6667.0 * 1 + 6666.0 * 2));
}

}  // namespace
}  // namespace sluice::server
