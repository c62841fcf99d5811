// Fault injection between the operator and the real kube-apiserver (label `fault`): the
// operator talks to the apiserver through a FaultProxy that throttles, fails or cuts its
// requests; each scenario asserts that it converges and how it behaved meanwhile (request
// rates counted by the proxy). docs/testing.md says what each one proves.
#include <map>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "fault_proxy.h"
#include "manifests.h"
#include "test_helpers.h"

namespace sluice::testing {
namespace {

using std::chrono::seconds;
using Steady = std::chrono::steady_clock;

// The requests of `seen` (FaultProxy::requests) that satisfy `keep`.
std::vector<Json> matching(const Json& seen, const std::function<bool(const Json&)>& keep) {
  std::vector<Json> out;
  for (const Json& request : seen) {
    if (keep(request)) out.push_back(request);
  }
  return out;
}

class FaultInjectionTest : public FaultTest {
 protected:
  // The revision the scenarios below apply through the fault: config maps a=1 and b=2.
  void commit_two_config_maps() {
    repo().commit(
        {{"app/a.yaml", config_map_yaml("a", "1")}, {"app/b.yaml", config_map_yaml("b", "2")}},
        "two config maps");
  }

  // Ends the fault (clears the proxy's rules), waits for Application "shop" to be Ready with
  // both config maps applied, and returns how many seconds that took.
  double release_and_converge() {
    proxy().set_rules(Json::array());
    const auto released = Steady::now();
    wait_ready("shop", "True", seconds(60));
    const double converge = seconds_since(released);
    EXPECT_EQ(get("configmap", "a")["data"]["value"], "1");
    EXPECT_EQ(get("configmap", "b")["data"]["value"], "2");
    return converge;
  }
};

// 429 with Retry-After on every write for a while: the operator waits as told (a bounded
// number of attempts, none of one request sooner than Retry-After after the previous), then
// converges once the throttling ends.
TEST_F(FaultInjectionTest, ThrottledWritesHonourRetryAfterThenConverge) {
  commit_two_config_maps();
  constexpr int kRetryAfter = 3;
  constexpr int kThrottleSeconds = 12;
  proxy().set_rules(Json::array({{{"methods", {"POST", "PUT", "PATCH", "DELETE"}},
                                  {"action", "status"},
                                  {"status", 429},
                                  {"retry_after", kRetryAfter}}}));
  proxy().clear_requests();
  apply(git_source_yaml("repo", "1h") + "---\n" + application_yaml("shop", "./app"));
  std::this_thread::sleep_for(seconds(kThrottleSeconds));
  const Json during = proxy().requests();
  EXPECT_TRUE(get("configmap", "a").is_null()) << "a write got through the throttling";

  const double converge = release_and_converge();

  const std::vector<Json> throttled =
      matching(during, [](const Json& r) { return r["fault"] == "status"; });
  // A tight loop would send hundreds; honouring Retry-After, each writer (the GitSource and
  // the Application reconcilers, their status writes and events) sends about one per
  // Retry-After.
  std::map<std::string, std::vector<double>> by_request;
  for (const Json& request : throttled) {
    by_request[request["method"].get<std::string>() + " " + request["path"].get<std::string>()]
        .push_back(request["t"].get<double>());
  }
  const std::size_t bound = by_request.size() * (kThrottleSeconds / kRetryAfter + 1);
  EXPECT_GT(throttled.size(), 0u);
  EXPECT_LE(throttled.size(), bound);
  double min_gap = 1e9;
  for (const auto& [request, times] : by_request) {
    for (std::size_t i = 1; i < times.size(); ++i)
      min_gap = std::min(min_gap, times[i] - times[i - 1]);
  }
  std::cout << "[fault] throttled writes in " << kThrottleSeconds << " s: " << throttled.size()
            << " (bound " << bound << ") over " << by_request.size()
            << " distinct requests; shortest gap between repeats " << min_gap << " s; converged "
            << converge << " s after the throttling ended\n";
  for (const auto& [request, times] : by_request)
    std::cout << "  " << request << " x" << times.size() << "\n";
  EXPECT_GE(min_gap, kRetryAfter - 0.2) << "a throttled request was repeated before Retry-After";
}

// Watches cut every 2 s for 20 s while the Application changes each time: the final state is
// the last change (no update missed), reconnects stay about one per watch per cut, and
// watches resume from their resourceVersion instead of relisting.
TEST_F(FaultInjectionTest, WatchesCutRepeatedlyMissNoUpdateAndDoNotRelist) {
  constexpr int kRounds = 10;
  std::map<std::string, std::string> files;
  for (int i = 0; i < kRounds; ++i) {
    files["r" + std::to_string(i) + "/a.yaml"] = config_map_yaml("a", std::to_string(i));
  }
  repo().commit(files, "one revision per round");
  apply(git_source_yaml("repo", "1h") + "---\n" + application_yaml("shop", "./r0"));
  wait_ready("shop");
  std::this_thread::sleep_for(seconds(1));  // every informer's watch is open
  proxy().clear_requests();

  int cut = 0;
  const auto start = Steady::now();
  for (int i = 1; i < kRounds; ++i) {
    cut += proxy().cut_watches();
    ASSERT_EQ(env()
                  .kubectl({"-n", ns(), "patch", "applications.sluice.dev", "shop", "--type=merge",
                            "-p", R"({"spec":{"path":"./r)" + std::to_string(i) + "\"}}"})
                  .exit_code,
              0);
    std::this_thread::sleep_for(seconds(2));
  }
  cut += proxy().cut_watches();
  Json app = wait_ready("shop", "True", seconds(30));
  const double converge = seconds_since(start) - 2.0 * (kRounds - 1);
  EXPECT_EQ(get("configmap", "a")["data"]["value"], std::to_string(kRounds - 1));
  EXPECT_EQ(app["spec"]["path"], "./r" + std::to_string(kRounds - 1));
  // The owned objects' watch is back too: a change by hand is corrected within seconds (the
  // interval is a minute).
  ASSERT_EQ(env()
                .kubectl({"-n", ns(), "patch", "configmap", "a", "--type=merge", "-p",
                          R"({"data":{"value":"by hand"}})"})
                .exit_code,
            0);
  EXPECT_TRUE(
      eventually([&] { return get("configmap", "a")["data"]["value"] == "9"; }, seconds(15)))
      << op().log();

  const Json seen = proxy().requests();
  const auto watches = matching(seen, [](const Json& r) { return r["verb"] == "watch"; });
  const auto lists = matching(seen, [](const Json& r) { return r["verb"] == "list"; });
  std::set<std::string> streams;
  for (const Json& w : watches) streams.insert(w["path"].get<std::string>());
  std::size_t without_version = 0;
  for (const Json& w : watches) {
    const std::string query = w["query"];
    if (query.find("resourceVersion=") == std::string::npos ||
        query.find("resourceVersion=&") != std::string::npos)
      ++without_version;
  }
  std::cout << "[fault] " << kRounds << " cuts (" << cut << " streams cut), watch requests "
            << watches.size() << " on " << streams.size() << " streams, lists " << lists.size()
            << ", watches without resourceVersion " << without_version << "; converged " << converge
            << " s after the last change\n";
  for (const Json& l : lists) std::cout << "  list " << l["path"] << "?" << l["query"] << "\n";
  EXPECT_GE(cut, kRounds) << "the proxy cut no watch: the test proves nothing";
  EXPECT_LE(watches.size(), static_cast<std::size_t>(cut) + 2 * streams.size());
  EXPECT_EQ(without_version, 0u);
  EXPECT_LE(lists.size(), streams.size()) << "a relist per cut";
}

// 500s on every other request, and on every write of the applied objects: the Application
// says why it fails meanwhile (Ready=False, the server's error in the message), the other
// work goes on, and everything converges once the server is well again.
TEST_F(FaultInjectionTest, ServerErrorsReportAClearConditionThenConverge) {
  commit_two_config_maps();
  proxy().set_rules(Json::array({{{"path", "/namespaces/" + ns() + "/configmaps"},
                                  {"methods", {"PATCH", "POST", "PUT"}},
                                  {"action", "status"},
                                  {"status", 500}},
                                 {{"verbs", {"get", "list", "create", "update", "patch", "delete"}},
                                  {"share", 0.5},
                                  {"action", "status"},
                                  {"status", 500}}}));
  proxy().clear_requests();
  apply(git_source_yaml("repo", "1h") + "---\n" + application_yaml("shop", "./app"));
  Json app;
  std::string reason;
  std::string message;
  const auto start = Steady::now();
  ASSERT_TRUE(eventually(
      [&] {
        app = get("applications.sluice.dev", "shop");
        const Json ready = condition(app, "Ready");
        reason = string_member(ready, {"reason"});
        message = string_member(ready, {"message"});
        return string_member(ready, {"status"}) == "False" &&
               message.find("500") != std::string::npos;
      },
      seconds(90)))
      << app.dump(2) << op().log();
  const double failed_after = seconds_since(start);
  EXPECT_TRUE(reason == "ApplyFailed" || reason == "InventoryFailed") << reason << ": " << message;
  EXPECT_NE(message.find("injected by the fault proxy"), std::string::npos) << message;
  EXPECT_TRUE(get("configmap", "a").is_null());

  const double converge = release_and_converge();
  const Json seen = proxy().requests();
  const auto failed = matching(seen, [](const Json& r) { return r["fault"] == "status"; });
  std::cout << "[fault] " << failed.size() << " of " << seen.size()
            << " requests answered 500; Ready=False " << reason << " after " << failed_after
            << " s (\"" << message.substr(0, 160) << "\"); converged " << converge
            << " s after the errors stopped\n";
}

}  // namespace
}  // namespace sluice::testing
