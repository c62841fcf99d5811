// Hostile repositories at the operator level (docs/security.md, "Git: repository writers"). In
// each case one Application points at a repository built to hurt the operator: a YAML alias
// bomb, nesting 10,000 deep, a 1 GiB file, 100,000 tiny files, a symlink to /etc/passwd, `..`
// escapes, a kustomization cycle, a huge generated Secret, a 10,000-character name, another
// tenant's namespace. Each asserts that
//   - the Application reaches Ready=False with the reason of the failing phase and a message
//     naming the problem (the 100,000 files are within the limits: applied, Ready=True), within
//     a bound that proves no hang (kSettleBound; the time is printed);
//   - the operator's peak RSS (VmHWM) grows by less than kMaxRssGrowth over the whole case
//     (printed), so nothing was read, inflated or expanded unbounded;
//   - meanwhile a healthy Application on another GitSource of the same operator applies each
//     of its commits within kHealthyBound, while the hostile source is fetched, its snapshot
//     attempted and its Application rendered and retried.
// Figures are recorded in docs/testing.md, "Hostile repositories".
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "hostile_repository.h"
#include "manifests.h"
#include "operator_fixture.h"
#include "sanitizer_slowdown.h"
#include "test_helpers.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using std::chrono::seconds;

constexpr auto kSettleBound = seconds(120);
constexpr auto kHealthyBound = seconds(10);
constexpr long long kMaxRssGrowthKib = 256LL * 1024 * kSanitizerMemoryFactor;
constexpr int kHealthyChanges = 3;

struct HostileCase {
  std::string name;
  // The repository; `other_ns` is another tenant's namespace (the tenancy case names it).
  std::function<HostileTree(const std::string& other_ns)> tree;
  std::string path;                  // the Application's spec.path
  std::string status = "False";      // the Application's Ready status it must reach
  std::string reason;                // and reason
  std::vector<std::string> message;  // and what its message must contain
  // The GitSource's Ready=False reason when the snapshot is what fails ("" when it succeeds).
  std::string source_reason;
  bool as_tenant = false;  // applied as a ServiceAccount confined to the test's namespace
  std::vector<std::string> operator_args = {};  // added to `sluice run`
};

// gtest prints a case by its name, not its bytes (gtest looks the function up by this name).
// NOLINTNEXTLINE(readability-identifier-naming)
void PrintTo(const HostileCase& hostile, std::ostream* out) {
  *out << hostile.name;
}

// kB of a "Vm...: <n> kB" line of /proc/<pid>/status, -1 when absent.
long long status_kib(int pid, const std::string& field) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind(field + ":", 0) == 0) return std::stoll(line.substr(field.size() + 1));
  }
  return -1;
}

class HostileRepositoryTest : public OperatorTest,
                              public ::testing::WithParamInterface<HostileCase> {
 protected:
  // Cases with operator arguments start their own operator (SetUp starts the default one).
  bool start_operator() const override { return GetParam().operator_args.empty(); }

  void SetUp() override {
    OperatorTest::SetUp();
    if (GetParam().operator_args.empty()) return;
    own_operator_ = std::make_unique<OperatorProcess>(env(), operator_kubeconfig(), ns(),
                                                      storage_dir(), GetParam().operator_args);
    ASSERT_NO_THROW(own_operator_->start());
  }

  OperatorProcess& sluice() { return own_operator_ ? *own_operator_ : op(); }

  void TearDown() override {
    if (own_operator_ && own_operator_->running()) {
      EXPECT_EQ(own_operator_->stop(), 0) << own_operator_->log();
    }
    if (!other_.empty()) env().kubectl({"delete", "namespace", other_, "--wait=false"});
    OperatorTest::TearDown();
    if (!hostile_bare_.empty()) fs::remove_all(hostile_bare_);
  }

  std::string hostile_yaml(const HostileCase& hostile) const {
    std::string application = application_yaml(
        "hostile", hostile.path, hostile.as_tenant ? "serviceAccountName: tenant" : "", "hostile");
    // Where the snapshot fails, the Application is not retried within the test: the source's
    // failure must reach its ArtifactNotReady message through the source's status change.
    if (!hostile.source_reason.empty()) {
      const std::string retry = "retryInterval: 2s";
      application.replace(application.find(retry), retry.size(), "retryInterval: 1h");
    }
    const std::string url = env().var("GIT_DAEMON_URL") + "/" + ns() + "-hostile.git";
    return "apiVersion: sluice.dev/v1alpha1\nkind: GitSource\nmetadata: {name: hostile, "
           "namespace: " +
           ns() + "}\nspec:\n  url: " + url + "\n  ref: {branch: main}\n  interval: 1s\n---\n" +
           application;
  }

  // Whether the hostile Application shows the expected Ready condition at its generation.
  bool hostile_settled(const HostileCase& hostile, Json& object) const {
    object = get("applications.sluice.dev", "hostile");
    if (object.is_null()) return false;
    const Json ready = condition(object, "Ready");
    const Json* observed = find_member(object, {"status", "observedGeneration"});
    if (ready.is_null() || observed == nullptr || *observed != object["metadata"]["generation"] ||
        string_member(ready, {"status"}) != hostile.status ||
        string_member(ready, {"reason"}) != hostile.reason) {
      return false;
    }
    const std::string message = string_member(ready, {"message"});
    for (const std::string& part : hostile.message) {
      if (message.find(part) == std::string::npos) return false;
    }
    return true;
  }

  std::string healthy_value() const {
    const Json cm = get("configmap", "healthy");
    return cm.is_null() ? "" : string_member(cm, {"data", "value"});
  }

  std::string other_;
  fs::path hostile_bare_;
  std::unique_ptr<OperatorProcess> own_operator_;
};

// At most `keep` bytes of `text`: its head and tail.
std::string abbreviated(const std::string& text, std::size_t keep = 400) {
  if (text.size() <= keep) return text;
  return text.substr(0, keep / 2) + " [...] " + text.substr(text.size() - keep / 2);
}

TEST_P(HostileRepositoryTest, FailsFastInBoundedMemoryWhileOthersAreServed) {
  const HostileCase& hostile = GetParam();
  repo().commit({{"healthy/cm.yaml", config_map_yaml("healthy", "0")}}, "healthy 0");
  apply(git_source_yaml("repo", "1s") + "---\n" + application_yaml("healthy", "./healthy"));
  ASSERT_TRUE(eventually([&] { return healthy_value() == "0"; })) << sluice().log();

  other_ = "tenant-other-" + ns().substr(ns().size() - 6);
  if (hostile.as_tenant) {
    ASSERT_EQ(env().kubectl({"create", "namespace", other_}).exit_code, 0);
    create_tenant_account();
  }
  hostile_bare_ = fs::path(env().var("GIT_ROOT")) / (ns() + "-hostile.git");
  const auto import_started = Clock::now();
  ASSERT_NO_THROW(import_hostile_repository(hostile_bare_, hostile.tree(other_)));
  std::cout << "[ hostile  ] " << hostile.name << ": repository imported in "
            << seconds_since(import_started) << " s\n";

  const int pid = sluice().pid();
  const long long rss_before = status_kib(pid, "VmHWM");
  ASSERT_GT(rss_before, 0);
  const auto started = Clock::now();
  apply(hostile_yaml(hostile));

  // Healthy commits, one after the other, until the hostile Application has settled and at
  // least kHealthyChanges were applied; the hostile one is polled between them.
  std::optional<double> settled_after;
  Json object;
  std::vector<double> latencies;
  for (int change = 1; change <= kHealthyChanges || !settled_after; ++change) {
    ASSERT_LT(seconds_since(started), std::chrono::duration<double>(kSettleBound).count())
        << hostile.name << " did not settle:\n"
        << object.dump(2) << "\n"
        << get("gitsources.sluice.dev", "hostile").dump(2) << "\n--- operator log:\n"
        << sluice().log();
    const std::string value = std::to_string(change);
    repo().commit({{"healthy/cm.yaml", config_map_yaml("healthy", value)}}, "healthy " + value);
    const auto committed = Clock::now();
    ASSERT_TRUE(eventually(
        [&] {
          if (!settled_after && hostile_settled(hostile, object)) {
            settled_after = seconds_since(started);
          }
          return healthy_value() == value;
        },
        seconds(60)))
        << "the healthy Application never applied change " << value << "\n"
        << sluice().log();
    latencies.push_back(seconds_since(committed));
    EXPECT_LT(latencies.back(), std::chrono::duration<double>(kHealthyBound).count())
        << "healthy change " << value << " while " << hostile.name << " was processed";
  }

  const long long rss_after = status_kib(pid, "VmHWM");
  std::ostringstream healthy;
  for (const double latency : latencies) healthy << (healthy.tellp() > 0 ? ", " : "") << latency;
  std::cout << "[ hostile  ] " << hostile.name << ": settled in " << *settled_after << " s; VmHWM "
            << rss_before / 1024 << " -> " << rss_after / 1024 << " MiB (+"
            << (rss_after - rss_before) / 1024 << "); healthy changes applied in [" << healthy.str()
            << "] s; Ready message: "
            << abbreviated(string_member(condition(object, "Ready"), {"message"})) << "\n";
  EXPECT_LT(rss_after - rss_before, kMaxRssGrowthKib);
  EXPECT_TRUE(sluice().running());
  if (!hostile.source_reason.empty()) {
    const Json source = get("gitsources.sluice.dev", "hostile");
    EXPECT_EQ(string_member(condition(source, "Ready"), {"reason"}), hostile.source_reason)
        << source.dump(2);
  }
}

std::string big_secret_files() {
  std::string files;
  for (int i = 0; i < 10; ++i) files += "  - f" + std::to_string(i) + ".bin\n";
  return files;
}

HostileTree tiny_files(int count) {
  HostileTree tree;
  tree.entries.push_back({"many/cm.yaml", config_map_yaml("many", "1")});
  for (int i = 0; i < count; ++i) {
    tree.entries.push_back(
        {"many/files/" + std::to_string(i / 1000) + "/" + std::to_string(i) + ".txt",
         std::to_string(i)});
  }
  return tree;
}

HostileTree big_secret() {
  HostileTree tree;
  tree.entries.push_back(
      {"secret/kustomization.yaml",
       kustomization_of("secretGenerator:\n- name: huge\n  files:\n" + big_secret_files())});
  // Just under the snapshot's and the renderer's 8 MiB per file; 70 MiB in all.
  for (int i = 0; i < 10; ++i) {
    tree.entries.push_back({"secret/f" + std::to_string(i) + ".bin",
                            std::string(7U << 20U, static_cast<char>('a' + i))});
  }
  return tree;
}

std::vector<HostileCase> hostile_cases() {
  const auto files = [](const std::vector<HostileEntry>& entries) {
    return [entries](const std::string&) { return HostileTree{entries, "", 0}; };
  };
  return {
      {"AliasBomb",
       files({{"bomb/cm.yaml", alias_bomb_yaml()}}),
       "./bomb",
       "False",
       "BuildFailed",
       {"bomb/cm.yaml", "alias"},
       "",
       false},
      {"Nesting10000Deep",
       files({{"deep/cm.yaml", deeply_nested_yaml(10'000)}}),
       "./deep",
       "False",
       "BuildFailed",
       {"deep/cm.yaml", "deep"},
       "",
       false},
      {"OneGibFile",
       [](const std::string&) {
         return HostileTree{{{"big/cm.yaml", config_map_yaml("big", "1")}},
                            "big/zeros.bin",
                            std::uint64_t{1} << 30U};
       },
       "./big",
       "False",
       "ArtifactNotReady",
       {"big/zeros.bin", "over the limit"},
       "ArtifactFailed",
       false},
      {"HundredThousandTinyFiles",
       [](const std::string&) { return tiny_files(100'000); },
       "./many",
       "True",
       "ReconciliationSucceeded",
       {},
       "",
       false},
      {"SymlinkToEtcPasswd",
       files({{"link/cm.yaml", config_map_yaml("link", "1")},
              {"link/passwd.yaml", "/etc/passwd", true}}),
       "./link",
       "False",
       "ArtifactNotReady",
       {"link/passwd.yaml", "outside"},
       "ArtifactFailed",
       false},
      {"PathEscape",
       files({{"app/cm.yaml", config_map_yaml("app", "1")}}),
       "../..",
       "False",
       "BuildFailed",
       {"../..", "leaves the repository"},
       "",
       false},
      {"KustomizationEscape",
       files({{"app/deep/kustomization.yaml", kustomization_of("resources:\n- ../../../etc\n")}}),
       "./app/deep",
       "False",
       "BuildFailed",
       {"../../../etc"},
       "",
       false},
      {"KustomizationCycle",
       files({{"a/kustomization.yaml", kustomization_of("resources:\n- ../b\n")},
              {"b/kustomization.yaml", kustomization_of("resources:\n- ../a\n")}}),
       "./a",
       "False",
       "BuildFailed",
       {"cycle"},
       "",
       false},
      {"HugeGeneratedSecret",
       [](const std::string&) { return big_secret(); },
       "./secret",
       "False",
       "BuildFailed",
       {"secret/kustomization.yaml", "more than 64 MiB"},
       "",
       false},
      {"NameTenThousandCharactersLong",
       files({{"long/cm.yaml", config_map_yaml(std::string(10'000, 'n'), "1")}}),
       "./long",
       "False",
       "ApplyFailed",
       {"must be no more than 253 characters"},
       "",
       false},
      {"AnotherTenantsNamespace",
       [](const std::string& other_ns) {
         return HostileTree{{{"other/cm.yaml",
                              "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: taken, "
                              "namespace: " +
                                  other_ns + "}\ndata: {k: v}\n"}},
                            "",
                            0};
       },
       "./other",
       "False",
       "ApplyFailed",
       {"Forbidden", "taken"},
       "",
       true},
      // The file limit is the operator's flag: a tree over it fails in the snapshot.
      {"FilesOverTheConfiguredLimit",
       [](const std::string&) { return tiny_files(1'000); },
       "./many",
       "False",
       "ArtifactNotReady",
       {"more than 1000 files", "spec.ignore"},
       "ArtifactFailed",
       false,
       {"--snapshot-max-files", "1000"}},
  };
}

INSTANTIATE_TEST_SUITE_P(Hostile, HostileRepositoryTest, ::testing::ValuesIn(hostile_cases()),
                         [](const ::testing::TestParamInfo<HostileCase>& param) {
                           return param.param.name;
                         });

}  // namespace
}  // namespace sluice::testing
