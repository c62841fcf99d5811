// The control plane itself failing (label `fault`): kube-apiserver restarted in the middle of
// an apply, and etcd stopped for 30 s. Both run on a PrivateControlPlane of the test's own (the
// environment's apiserver is shared with every other test), with the operator in front of it
// behind a FaultProxy, which holds requests so the fault lands mid-apply and records every
// request so the outage's request rate can be measured. Git stays the environment's.
#include <map>
#include <regex>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "fault_proxy.h"
#include "manifests.h"
#include "operator_fixture.h"
#include "private_control_plane.h"
#include "test_helpers.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::seconds;
using Steady = std::chrono::steady_clock;

// Polls `check` every 200 ms until it returns true or `timeout` passes.
bool eventually(const std::function<bool()>& check, std::chrono::milliseconds timeout) {
  const auto deadline = Steady::now() + timeout;
  for (;;) {
    if (check()) return true;
    if (Steady::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

// The Ready condition of an object's status (null when absent).
Json ready_condition(const Json& object) {
  const Json* conditions = find_member(object, {"status", "conditions"});
  if (conditions == nullptr || !conditions->is_array()) return nullptr;
  for (const Json& condition : *conditions) {
    if (string_member(condition, {"type"}) == "Ready") return condition;
  }
  return nullptr;
}

class ControlPlaneFaultTest : public EnvTest {
 protected:
  void SetUp() override {
    EnvTest::SetUp();
    if (HasFatalFailure()) return;
    work_dir_ = fs::temp_directory_path() / ("sluice-cp-" + ns());
    storage_dir_ = work_dir_.string() + "-storage";
    ASSERT_NO_THROW({
      plane_ = std::make_unique<PrivateControlPlane>(env(), work_dir_ / "plane");
      const std::string kubeconfig = plane_->install_operator({ns(), "sluice-operator-test"});
      proxy_ = std::make_unique<FaultProxy>(plane_->url(), plane_->ca_file(), work_dir_ / "proxy");
      op_ = std::make_unique<OperatorProcess>(env(), proxy_->kubeconfig_through(kubeconfig), ns(),
                                              storage_dir_, std::vector<std::string>{}, "private");
      op_->start();
    }) << (plane_ ? plane_->logs() : "");
  }

  void TearDown() override {
    const bool failed = HasFailure();
    if (proxy_) {
      EXPECT_NO_THROW(proxy_->set_rules(Json::array()));
    }
    if (op_) {
      if (failed) std::cerr << "--- operator log (last lines):\n" << op_->log() << "\n";
      if (op_->running()) {
        const int code = op_->stop();
        EXPECT_EQ(code, 0) << "the operator did not stop cleanly:\n" << op_->log();
      }
    }
    if (failed && proxy_) std::cerr << "--- fault proxy log:\n" << proxy_->log() << "\n";
    if (failed && plane_) {
      std::cerr << plane_->logs() << "\n(kept in " << work_dir_ << ")\n";
      plane_->keep();
    }
    op_.reset();
    proxy_.reset();
    plane_.reset();  // stops etcd and the apiserver, pass or fail
    fs::remove_all(storage_dir_);
    if (!failed) fs::remove_all(work_dir_);
    EnvTest::TearDown();
  }

  void apply(const std::string& yaml) {
    const ProcessResult result = plane_->kubectl({"apply", "-f", "-"}, yaml);
    ASSERT_EQ(result.exit_code, 0) << result.err << "\n" << yaml;
  }

  // The object on the private control plane, or null when absent or unreadable.
  Json get(const std::string& resource, const std::string& name) const {
    const ProcessResult result =
        plane_->kubectl({"get", resource, name, "-n", ns(), "-o", "json", "--ignore-not-found"});
    if (result.exit_code != 0 || result.out.empty()) return nullptr;
    return Json::parse(result.out, nullptr, false);
  }

  // The ConfigMaps of the test namespace carrying the Application's ownership label.
  std::set<std::string> labelled() const {
    const ProcessResult listed =
        plane_->kubectl({"-n", ns(), "get", "configmaps", "-l", "sluice.dev/application-name=shop",
                         "-o", "jsonpath={range .items[*]}{.metadata.name}{\"\\n\"}{end}"});
    return nonempty_lines(listed.out);
  }

  // A GitSource on the test's repository and the Application "shop" of `path` on it.
  void apply_application(const std::string& path, const std::string& source_interval) {
    apply(
        "apiVersion: sluice.dev/v1alpha1\nkind: GitSource\nmetadata:\n  name: repo\n"
        "  namespace: " +
        ns() + "\nspec:\n  url: " + repo().daemon_url() +
        "\n  ref: {branch: main}\n  interval: " + source_interval +
        "\n---\napiVersion: sluice.dev/v1alpha1\nkind: Application\nmetadata:\n  name: shop\n"
        "  namespace: " +
        ns() + "\nspec:\n  sourceRef: {name: repo}\n  path: " + path +
        "\n  interval: 1m\n  retryInterval: 2s\n  prune: true\n");
  }

  // Waits until "shop" has applied `sha` and is Ready=True; returns it (null on timeout).
  Json wait_applied(const std::string& sha, std::chrono::seconds timeout) {
    Json app;
    const bool done = eventually(
        [&] {
          app = get("applications.sluice.dev", "shop");
          const Json ready = ready_condition(app);
          return string_member(app, {"status", "lastAppliedRevision"}) == "main@sha1:" + sha &&
                 string_member(ready, {"status"}) == "True";
        },
        timeout);
    if (!done) {
      ADD_FAILURE() << "shop did not apply " << sha << ":\n" << app.dump(2) << "\n" << op_->log();
      return nullptr;
    }
    return app;
  }

  fs::path work_dir_;
  std::string storage_dir_;
  std::unique_ptr<PrivateControlPlane> plane_;
  std::unique_ptr<FaultProxy> proxy_;
  std::unique_ptr<OperatorProcess> op_;
};

// sluice_reconcile_total{kind="Application",result="failure"} of the operator's metrics text.
double application_failures(const std::string& metrics) {
  static const std::regex line(
      R"re(sluice_reconcile_total\{kind="Application",result="failure"\} ([0-9.e+]+))re");
  std::smatch match;
  return std::regex_search(metrics, match, line) ? std::stod(match[1]) : 0;
}

// Successful writes (2xx) of the operator per ConfigMap of `ns`, from the audit log.
std::map<std::string, int> writes_per_config_map(const std::vector<Json>& events,
                                                 const std::string& ns) {
  std::map<std::string, int> out;
  const std::string prefix = "/api/v1/namespaces/" + ns + "/configmaps/";
  for (const Json& event : events) {
    const std::string verb = string_member(event, {"verb"});
    if (verb != "create" && verb != "patch" && verb != "update") continue;
    const Json* code = find_member(event, {"responseStatus", "code"});
    if (code == nullptr || !code->is_number() || *code < 200 || *code >= 300) continue;
    std::string uri = string_member(event, {"requestURI"});
    if (uri.rfind(prefix, 0) != 0) continue;
    uri = uri.substr(prefix.size());
    out[uri.substr(0, uri.find('?'))] += 1;
  }
  return out;
}

// kube-apiserver killed (SIGKILL) and started again while 60 ConfigMaps are being applied, the
// proxy holding each apply a second so the restart lands between the first and the last: the
// Application converges, its inventory lists all 60, nothing else carries its label, and the
// audit log shows exactly one successful write per object (none applied twice).
TEST_F(ControlPlaneFaultTest, ApiserverRestartedMidApplyConvergesWithoutOrphansOrDoubleApplies) {
  constexpr int kObjects = 60;
  std::map<std::string, std::string> files;
  std::set<std::string> names;
  for (int i = 0; i < kObjects; ++i) {
    const std::string name = "cm-" + std::to_string(i);
    files["app/" + name + ".yaml"] = config_map_yaml(name, std::to_string(i));
    names.insert(name);
  }
  const std::string sha = repo().commit(files, "60 config maps");
  proxy_->set_rules(Json::array(
      {{{"methods", {"PATCH"}}, {"path", "/configmaps/"}, {"action", "delay"}, {"seconds", 1}}}));
  apply_application("./app", "1h");

  std::size_t at_restart = 0;
  ASSERT_TRUE(eventually(
      [&] {
        at_restart = labelled().size();
        return at_restart >= 8;
      },
      seconds(60)))
      << op_->log();
  const auto restart = Steady::now();
  plane_->kill_apiserver();
  // What the apiserver had applied when it died (the audit log is written as each request
  // completes): some, not all.
  const std::size_t applied_at_kill = writes_per_config_map(plane_->audit_events(), ns()).size();
  ASSERT_NO_THROW(plane_->start_apiserver()) << plane_->logs();
  const double down = seconds_since(restart);
  proxy_->set_rules(Json::array());
  ASSERT_GT(applied_at_kill, 0U);
  ASSERT_LT(applied_at_kill, static_cast<std::size_t>(kObjects))
      << "the apply finished before the apiserver went down";

  const Json app = wait_applied(sha, seconds(90));
  ASSERT_FALSE(app.is_null());
  const double converge = seconds_since(restart) - down;
  EXPECT_EQ(labelled(), names) << "an object is missing or orphaned";
  std::set<std::string> inventory;
  for (const Json& entry : app["status"]["inventory"]["entries"]) {
    inventory.insert(string_member(entry, {"id"}));
  }
  std::set<std::string> expected;
  for (const std::string& name : names) expected.insert(ns() + "_" + name + "__ConfigMap");
  EXPECT_EQ(inventory, expected);

  const std::map<std::string, int> writes = writes_per_config_map(plane_->audit_events(), ns());
  int twice = 0;
  for (const std::string& name : names) {
    const auto found = writes.find(name);
    const int count = found == writes.end() ? 0 : found->second;
    EXPECT_EQ(count, 1) << name << " written " << count << " times";
    twice += count > 1 ? 1 : 0;
  }
  std::size_t attempts = 0;
  for (const Json& request : proxy_->requests()) {
    const std::string path = request["path"];
    attempts += request["method"] == "PATCH" && path.find("/configmaps/") != std::string::npos;
  }
  std::cout << "[fault] apiserver killed with " << applied_at_kill << " of " << kObjects
            << " objects applied (" << at_restart << " seen), back " << down
            << " s later; converged " << converge << " s after that; " << attempts
            << " apply requests in all, objects written more than once: " << twice << "\n";
}

// etcd stopped for 30 s under a running operator, a commit pushed meanwhile: the operator
// neither exits nor spins (its requests during the outage are counted by the proxy; each write
// waits on etcd until the client's 30 s timeout), its health endpoint keeps answering, and once
// etcd is back it says what failed (a Warning event and Ready=False naming the request that
// timed out) and applies the new commit.
TEST_F(ControlPlaneFaultTest, EtcdStoppedThirtySecondsNoCrashNoSpinThenConverges) {
  constexpr int kOutageSeconds = 30;
  const std::string first =
      repo().commit({{"app/a.yaml", config_map_yaml("a", "1")}}, "before the outage");
  apply_application("./app", "2s");
  ASSERT_FALSE(wait_applied(first, seconds(60)).is_null());

  proxy_->clear_requests();
  const auto stopped = Steady::now();
  plane_->stop_etcd();
  const std::string second = repo().commit(
      {{"app/a.yaml", config_map_yaml("a", "2")}, {"app/b.yaml", config_map_yaml("b", "2")}},
      "during the outage");
  int samples = 0;
  int not_running = 0;
  int health_failures = 0;
  while (seconds_since(stopped) < kOutageSeconds) {
    ++samples;
    if (!op_->running()) ++not_running;
    if (op_->get(op_->health_port(), "/healthz").first != 200) ++health_failures;
    std::this_thread::sleep_for(seconds(1));
  }
  const double outage = seconds_since(stopped);
  const Json during = proxy_->requests();
  ASSERT_NO_THROW(plane_->start_etcd()) << plane_->logs();
  const auto back = Steady::now();

  // Every distinct Ready condition the two objects show from the moment they can be read
  // again until the new commit is applied.
  std::map<std::string, std::vector<std::string>> said;
  const auto note = [&](const std::string& kind, const Json& object) {
    const Json ready = ready_condition(object);
    if (ready.is_null()) return;
    const std::string line = string_member(ready, {"status"}) + " " +
                             string_member(ready, {"reason"}) + ": " +
                             string_member(ready, {"message"});
    if (said[kind].empty() || said[kind].back() != line) said[kind].push_back(line);
  };
  eventually(
      [&] {
        note("GitSource", get("gitsources.sluice.dev", "repo"));
        const Json app = get("applications.sluice.dev", "shop");
        note("Application", app);
        return string_member(app, {"status", "lastAppliedRevision"}) == "main@sha1:" + second;
      },
      seconds(120));
  const Json app = wait_applied(second, seconds(10));
  ASSERT_FALSE(app.is_null());
  const double converge = seconds_since(back);
  EXPECT_EQ(string_member(get("configmap", "a"), {"data", "value"}), "2");
  EXPECT_EQ(string_member(get("configmap", "b"), {"data", "value"}), "2");
  EXPECT_EQ(app["status"]["inventory"]["entries"].size(), 2U);

  std::vector<std::string> warnings;
  const Json events =
      Json::parse(plane_->kubectl({"-n", ns(), "get", "events.events.k8s.io", "-o", "json"}).out,
                  nullptr, false);
  if (events.is_object() && events.contains("items")) {
    for (const Json& event : events["items"]) {
      if (string_member(event, {"type"}) != "Warning") continue;
      warnings.push_back(string_member(event, {"regarding", "kind"}) + "/" +
                         string_member(event, {"regarding", "name"}) + " " +
                         string_member(event, {"reason"}) + ": " + string_member(event, {"note"}));
    }
  }
  std::map<std::string, int> by_verb;
  for (const Json& request : during) by_verb[request["verb"].get<std::string>()] += 1;
  std::cout << "[fault] etcd down " << outage << " s: " << during.size() << " requests";
  for (const auto& [verb, n] : by_verb) std::cout << " " << verb << "=" << n;
  std::cout << "; operator running in " << samples - not_running << " of " << samples
            << " samples, /healthz failed " << health_failures << " times; the new commit applied "
            << converge << " s after etcd was back\n";
  for (const auto& [kind, lines] : said) {
    for (const std::string& line : lines) std::cout << "  " << kind << " Ready=" << line << "\n";
  }
  for (const std::string& warning : warnings) std::cout << "  Warning " << warning << "\n";
  EXPECT_EQ(not_running, 0) << "the operator exited during the outage:\n" << op_->log();
  EXPECT_EQ(health_failures, 0);
  // A tight loop would send hundreds: at most one request a second (measured: one or two).
  EXPECT_LE(during.size(), static_cast<std::size_t>(kOutageSeconds));
  // Once anything could be written again, a failed reconcile was told: a Warning event (and,
  // for the second or so until the retry succeeds, Ready=False) naming the request that timed
  // out. Whether one failed depends on timing: a write sent early in the outage times out on
  // the client (30 s) just before etcd is back; a later one waits in the apiserver and passes.
  const double failures = application_failures(op_->get(op_->metrics_port(), "/metrics").second);
  bool told = false;
  for (const std::string& warning : warnings) {
    told = told || warning.find("timed out") != std::string::npos ||
           warning.find("Timeout") != std::string::npos;
  }
  std::cout << "  failed Application reconciles: " << failures << "\n";
  if (failures > 0) {
    EXPECT_TRUE(told) << "a reconcile failed, and no Warning event says why";
  } else {
    EXPECT_FALSE(told) << "a Warning without a failed reconcile: is the metric read right?";
  }
  // The GitSource's own status catches up too: at once when its status patch went through
  // after the outage, else at the retry of its failed reconcile (30 s after the failure).
  const bool source_recorded = eventually(
      [&] {
        return string_member(get("gitsources.sluice.dev", "repo"),
                             {"status", "artifact", "revision"}) == "main@sha1:" + second;
      },
      seconds(75));
  EXPECT_TRUE(source_recorded) << op_->log();
  std::cout << "  GitSource status on the new commit " << seconds_since(back)
            << " s after etcd was back\n";
}

}  // namespace
}  // namespace sluice::testing
