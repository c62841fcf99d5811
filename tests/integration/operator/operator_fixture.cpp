#include "operator_fixture.h"

#include <fstream>
#include <functional>
#include <mutex>
#include <regex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include "core/error.h"
#include "test_helpers.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kOperatorNamespace = "sluice-operator-test";

// The ClusterRole of the install manifests, without their bindings (which name the
// sluice-system ServiceAccount, whose lack of rights the environment's own test checks).
std::string controller_cluster_role() {
  const std::string rbac = read_text_file(fs::path(SLUICE_SOURCE_DIR) / "manifests" / "rbac.yaml");
  std::size_t start = 0;
  while (start < rbac.size()) {
    std::size_t end = rbac.find("\n---\n", start);
    if (end == std::string::npos) end = rbac.size();
    const std::string document = rbac.substr(start, end - start);
    if (document.find("kind: ClusterRole\n") != std::string::npos &&
        document.find("name: sluice-controller") != std::string::npos) {
      return document;
    }
    start = end + 5;
  }
  throw internal_error("manifests/rbac.yaml has no ClusterRole sluice-controller");
}

// Set-up commands are retried a few times: test processes set up the same cluster-wide
// objects at once, and kubectl apply (read, then create) loses a race to a parallel one with
// AlreadyExists; its next attempt finds the object and updates it.
ProcessResult must(const std::function<ProcessResult()>& command, const std::string& what) {
  return run_until_success(command, what, 5, std::chrono::milliseconds(200));
}

// What SetUpTestSuite made: the operator's kubeconfig, or why it could not.
std::string& suite_kubeconfig() {
  static std::string path;
  return path;
}
std::string& suite_error() {
  static std::string error;
  return error;
}

std::string indent(const std::string& text, const std::string& prefix) {
  std::string out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) out += prefix + line + "\n";
  return out;
}

}  // namespace

// ---- OperatorProcess -------------------------------------------------------------------------

OperatorProcess::OperatorProcess(const TestEnvironment& env, std::string kubeconfig,
                                 std::string watch_namespace, fs::path storage_dir,
                                 std::vector<std::string> extra_args, const std::string& name)
    : env_(env),
      kubeconfig_(std::move(kubeconfig)),
      watch_namespace_(std::move(watch_namespace)),
      storage_dir_(std::move(storage_dir)),
      extra_args_(std::move(extra_args)) {
  log_file_ = fs::path(SLUICE_BINARY_DIR) / "env" / "operator-logs" /
              (watch_namespace_ + (name.empty() ? "" : "-" + name) + ".log");
  fs::create_directories(log_file_.parent_path());
}

OperatorProcess::~OperatorProcess() = default;

void OperatorProcess::start() {
  std::vector<std::string> argv{std::string(SLUICE_BINARY_DIR) + "/bin/sluice",
                                "--log-format",
                                "text",
                                "run",
                                "--kubeconfig",
                                kubeconfig_,
                                "--namespace",
                                watch_namespace_,
                                "--metrics-addr",
                                "127.0.0.1:0",
                                "--health-addr",
                                "127.0.0.1:0",
                                "--webhook-addr",
                                "127.0.0.1:0",
                                "--storage-dir",
                                storage_dir_.string(),
                                "--operator-namespace",
                                kOperatorNamespace};
  argv.insert(argv.end(), extra_args_.begin(), extra_args_.end());
  const std::size_t log_offset = fs::exists(log_file_) ? fs::file_size(log_file_) : 0;
  process_ = std::make_unique<BackgroundProcess>(argv, log_file_.string(), env_vars_);

  const std::regex started(
      "operator started: metrics on [0-9.]+:([0-9]+), health on [0-9.]+:([0-9]+)");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    const std::string text = read_text_file(log_file_).substr(log_offset);
    std::smatch match;
    if (std::regex_search(text, match, started)) {
      metrics_port_ = static_cast<std::uint16_t>(std::stoi(match[1]));
      health_port_ = static_cast<std::uint16_t>(std::stoi(match[2]));
      // Logged before the line above.
      std::smatch webhook;
      if (std::regex_search(text, webhook, std::regex("webhook receiver on [0-9.]+:([0-9]+)"))) {
        webhook_port_ = static_cast<std::uint16_t>(std::stoi(webhook[1]));
      }
      break;
    }
    if (!process_->running() || std::chrono::steady_clock::now() > deadline) {
      throw internal_error("the operator did not start:\n" + log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  while (get(health_port_, "/readyz").first != 200) {
    if (!process_->running() || std::chrono::steady_clock::now() > deadline) {
      throw internal_error("the operator did not become ready:\n" + log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

int OperatorProcess::stop() {
  return process_ ? process_->stop() : 0;
}

void OperatorProcess::kill() {
  if (!process_) return;
  process_->signal(SIGKILL);
  process_->wait(std::chrono::seconds(10));
}

int OperatorProcess::pid() const {
  return process_ ? process_->pid() : -1;
}

bool OperatorProcess::running() {
  return process_ && process_->running();
}

std::pair<int, std::string> OperatorProcess::get(std::uint16_t port,
                                                 const std::string& path) const {
  const ProcessResult result = run_process({"curl", "-s", "--max-time", "5", "-w", "\n%{http_code}",
                                            "http://127.0.0.1:" + std::to_string(port) + path});
  const auto newline = result.out.rfind('\n');
  if (result.exit_code != 0 || newline == std::string::npos) return {0, result.err};
  return {std::atoi(result.out.c_str() + newline + 1), result.out.substr(0, newline)};
}

Json OperatorProcess::debug_vars() const {
  const auto [status, body] = get(health_port_, "/debug/vars");
  if (status != 200) return nullptr;
  return Json::parse(body, nullptr, false);
}

bool OperatorProcess::working() const {
  const Json vars = debug_vars();
  return vars.is_object() && vars["leader_election"]["working"] == true;
}

std::string OperatorProcess::log(std::size_t lines) const {
  const std::string text = read_text_file(log_file_);
  std::size_t start = text.size();
  for (std::size_t n = 0; n <= lines && start > 0; ++n) {
    start = text.rfind('\n', start - 1);
    if (start == std::string::npos) return text;
  }
  return text.substr(start + 1);
}

// ---- OperatorTest ----------------------------------------------------------------------------

const std::string& OperatorTest::operator_kubeconfig() {
  return suite_kubeconfig();
}

void OperatorTest::SetUpTestSuite() {
  static std::once_flag once;
  std::call_once(once, [] {
    try {
      set_up_suite();
    } catch (const Error& e) {
      // Recorded, not thrown: a throw here would make every test "skipped", and ctest counts
      // a skipped test as no failure. SetUp fails each test with it instead.
      suite_error() = e.message();
    }
  });
}

void OperatorTest::set_up_suite() {
  const TestEnvironment& env = TestEnvironment::get();
  const fs::path source(SLUICE_SOURCE_DIR);
  for (const char* crd : {"sluice.dev_gitsources.yaml", "sluice.dev_applications.yaml",
                          "sluice.dev_signingpolicies.yaml"}) {
    must(
        [&] {
          return env.kubectl({"apply", "-f", (source / "crds" / crd).string()});
        },
        "installing the CRDs");
  }
  must(
      [&] {
        return env.kubectl({"wait", "--for=condition=Established", "--timeout=60s",
                            "crd/gitsources.sluice.dev", "crd/applications.sluice.dev",
                            "crd/signingpolicies.sluice.dev"});
      },
      "waiting for the CRDs");
  must(
      [&] {
        return env.kubectl({"apply", "-f", "-"}, controller_cluster_role());
      },
      "the ClusterRole");
  const std::string ns = kOperatorNamespace;
  must(
      [&] {
        return env.kubectl({"apply", "-f", "-"},
                           "apiVersion: v1\nkind: Namespace\nmetadata: {name: " + ns +
                               "}\n---\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: "
                               "sluice, namespace: " +
                               ns + "}\n");
      },
      "the operator's ServiceAccount");
  for (const auto& [binding, role] :
       {std::pair<std::string, std::string>{"sluice-operator-test-controller", "sluice-controller"},
        {"sluice-operator-test-applier", "cluster-admin"}}) {
    must(
        [&] {
          return env.kubectl(
              {"apply", "-f", "-"},
              "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\n"
              "metadata: {name: " +
                  binding +
                  "}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: "
                  "ClusterRole, name: " +
                  role + "}\nsubjects: [{kind: ServiceAccount, name: sluice, namespace: " + ns +
                  "}]\n");
        },
        "binding " + role);
  }
  const ProcessResult token = must(
      [&] {
        return env.kubectl({"create", "token", "sluice", "-n", ns, "--duration=6h"});
      },
      "the operator's token");
  const fs::path kubeconfig = fs::path(SLUICE_BINARY_DIR) / "env" /
                              ("operator-test-" + std::to_string(::getpid()) + ".kubeconfig");
  fs::create_directories(kubeconfig.parent_path());  // a fresh build folder has none
  std::ofstream(kubeconfig) << "apiVersion: v1\nkind: Config\nclusters:\n- name: env\n  cluster:\n"
                            << "    server: " << env.var("SLUICE_APISERVER_URL") << "\n"
                            << "    certificate-authority: " << env.var("SLUICE_CA_FILE") << "\n"
                            << "users:\n- name: sluice\n  user:\n    token: "
                            << token.out.substr(0, token.out.find('\n')) << "\n"
                            << "contexts:\n- name: env\n  context: {cluster: env, user: sluice}\n"
                            << "current-context: env\n";
  fs::permissions(kubeconfig, fs::perms::owner_read | fs::perms::owner_write);
  suite_kubeconfig() = kubeconfig.string();
}

void OperatorTest::SetUp() {
  ASSERT_EQ(suite_error(), "") << "setting up the operator tests failed";
  EnvTest::SetUp();
  storage_dir_ = fs::temp_directory_path() / ("sluice-storage-" + ns());
  if (!start_operator()) return;
  operator_ =
      std::make_unique<OperatorProcess>(env(), operator_kubeconfig_path(), ns(), storage_dir_);
  ASSERT_NO_THROW(operator_->start());
}

void OperatorTest::TearDown() {
  if (operator_) {
    if (HasFailure()) std::cerr << "--- operator log (last lines):\n" << operator_->log() << "\n";
    if (operator_->running()) {
      const int code = operator_->stop();
      EXPECT_EQ(code, 0) << "the operator did not stop cleanly:\n" << operator_->log();
    }
  }
  // Delete what the test applied before its namespace (finalizers need the operator gone or
  // done; with it stopped, drop them so the namespace can go).
  env().kubectl({"delete", "applications.sluice.dev", "--all", "-n", ns(), "--wait=false"});
  const ProcessResult apps =
      env().kubectl({"get", "applications.sluice.dev", "-n", ns(), "-o", "name"});
  std::istringstream names(apps.out);
  for (std::string name; std::getline(names, name);) {
    env().kubectl(
        {"patch", name, "-n", ns(), "--type=merge", "-p", R"({"metadata":{"finalizers":null}})"});
  }
  fs::remove_all(storage_dir_);
  for (const std::string& account : accounts_) {
    for (const char* suffix : {"-c", "-a"}) {
      env().kubectl({"delete", "clusterrolebinding", account + suffix, "--ignore-not-found"});
    }
    env().kubectl({"-n", kOperatorNamespace, "delete", "serviceaccount", account});
    fs::remove(storage_dir_.string() + "-" + account + ".kubeconfig");
  }
  EnvTest::TearDown();
}

std::string OperatorTest::account_kubeconfig(const std::string& account) {
  const std::string ns = kOperatorNamespace;
  const auto check = [](const ProcessResult& result, const std::string& what) {
    if (result.exit_code != 0) throw internal_error(what + ": " + result.err);
  };
  check(env().kubectl({"-n", ns, "create", "serviceaccount", account}), "serviceaccount");
  accounts_.push_back(account);
  for (const auto& [suffix, role] :
       {std::pair<std::string, std::string>{"c", "sluice-controller"}, {"a", "cluster-admin"}}) {
    check(env().kubectl({"create", "clusterrolebinding", account + "-" + suffix,
                         "--clusterrole=" + role, "--serviceaccount=" + ns + ":" + account}),
          "clusterrolebinding");
  }
  const ProcessResult token =
      env().kubectl({"create", "token", account, "-n", ns, "--duration=1h"});
  check(token, "token");
  const std::string kubeconfig = storage_dir_.string() + "-" + account + ".kubeconfig";
  const std::string config =
      std::regex_replace(read_text_file(operator_kubeconfig()), std::regex("token: .*"),
                         "token: " + token.out.substr(0, token.out.find('\n')));
  std::ofstream(kubeconfig) << config;
  fs::permissions(kubeconfig, fs::perms::owner_read | fs::perms::owner_write);
  return kubeconfig;
}

std::uintmax_t OperatorTest::audit_offset() const {
  return fs::file_size(env().var("SLUICE_AUDIT_LOG"));
}

std::vector<std::string> OperatorTest::audit_requests(const std::string& account,
                                                      std::uintmax_t offset) const {
  std::ifstream log(env().var("SLUICE_AUDIT_LOG"));
  log.seekg(static_cast<std::streamoff>(offset));
  std::vector<std::string> found;
  const std::string user =
      std::string("system:serviceaccount:") + kOperatorNamespace + ":" + account;
  for (std::string line; std::getline(log, line);) {
    if (line.find(user) == std::string::npos) continue;
    const Json event = Json::parse(line, nullptr, false);
    if (event.is_discarded() || string_member(event, {"user", "username"}) != user) continue;
    found.push_back(string_member(event, {"stage"}) + " " + string_member(event, {"verb"}) + " " +
                    string_member(event, {"requestURI"}));
  }
  return found;
}

void OperatorTest::apply(const std::string& yaml) {
  const ProcessResult result = env().kubectl({"apply", "-f", "-"}, yaml);
  ASSERT_EQ(result.exit_code, 0) << result.err << "\n" << yaml;
}

Json OperatorTest::get(const std::string& resource, const std::string& name,
                       const std::string& ns) const {
  const ProcessResult result =
      env().kubectl({"get", resource, name, "-n", ns.empty() ? this->ns() : ns, "-o", "json",
                     "--ignore-not-found"});
  if (result.exit_code != 0 || result.out.empty()) return nullptr;
  return Json::parse(result.out);
}

bool OperatorTest::eventually(const std::function<bool()>& check,
                              std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (check()) return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

Json OperatorTest::condition(const Json& object, const std::string& type) {
  const Json* conditions = find_member(object, {"status", "conditions"});
  if (conditions == nullptr || !conditions->is_array()) return nullptr;
  for (const Json& condition : *conditions) {
    if (string_member(condition, {"type"}) == type) return condition;
  }
  return nullptr;
}

Json OperatorTest::wait_ready(const std::string& name, const std::string& status,
                              std::chrono::milliseconds timeout, const std::string& reason) {
  Json object;
  const bool reached = eventually(
      [&] {
        object = get("applications.sluice.dev", name);
        if (object.is_null()) return false;
        const Json ready = condition(object, "Ready");
        const Json* observed = find_member(object, {"status", "observedGeneration"});
        return !ready.is_null() && string_member(ready, {"status"}) == status &&
               (reason.empty() || string_member(ready, {"reason"}) == reason) &&
               observed != nullptr && *observed == object["metadata"]["generation"];
      },
      timeout);
  if (!reached) {
    ADD_FAILURE() << "Application " << name << " did not reach Ready=" << status << " " << reason
                  << ":\n"
                  << (object.is_null() ? "(absent)" : object.dump(2)) << "\n--- operator log:\n"
                  << op().log();
  }
  return object;
}

Json OperatorTest::wait_applied(const std::string& name, const std::string& commit,
                                std::chrono::milliseconds timeout) {
  Json object;
  const bool reached = eventually(
      [&] {
        object = get("applications.sluice.dev", name);
        return string_member(object, {"status", "lastAppliedRevision"}) == "main@sha1:" + commit;
      },
      timeout);
  if (!reached) {
    ADD_FAILURE() << "Application " << name << " did not apply " << commit << ":\n"
                  << (object.is_null() ? "(absent)" : object.dump(2)) << "\n--- operator log:\n"
                  << op().log();
  }
  return object;
}

void OperatorTest::create_tenant_account() {
  apply("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: tenant, namespace: " + ns() +
        "}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: "
        "configmaps, namespace: " +
        ns() +
        "}\nrules:\n- apiGroups: ['']\n  resources: [configmaps]\n  verbs: [get, list, watch, "
        "create, patch, update, delete]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: "
        "RoleBinding\nmetadata: {name: tenant, namespace: " +
        ns() +
        "}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: configmaps}\n"
        "subjects: [{kind: ServiceAccount, name: tenant, namespace: " +
        ns() + "}]\n");
}

Json OperatorTest::wait_source_ready(const std::string& name, std::chrono::milliseconds timeout) {
  Json object;
  const bool reached = eventually(
      [&] {
        object = get("gitsources.sluice.dev", name);
        return !object.is_null() && string_member(condition(object, "Ready"), {"status"}) == "True";
      },
      timeout);
  if (!reached) {
    ADD_FAILURE() << "GitSource " << name << " did not become Ready:\n"
                  << (object.is_null() ? "(absent)" : object.dump(2)) << "\n--- operator log:\n"
                  << op().log();
  }
  return object;
}

std::string OperatorTest::git_source_yaml(const std::string& name,
                                          const std::string& interval) const {
  return "apiVersion: sluice.dev/v1alpha1\nkind: GitSource\nmetadata:\n  name: " + name +
         "\n  namespace: " + ns() +
         "\nspec:\n  url: " + const_cast<OperatorTest*>(this)->repo().daemon_url() +
         "\n  ref: {branch: main}\n  interval: " + interval + "\n";
}

std::string OperatorTest::application_yaml(const std::string& name, const std::string& path,
                                           const std::string& extra_spec,
                                           const std::string& source) const {
  return "apiVersion: sluice.dev/v1alpha1\nkind: Application\nmetadata:\n  name: " + name +
         "\n  namespace: " + ns() + "\nspec:\n  sourceRef: {name: " + source +
         "}\n  path: " + path + "\n  interval: 1m\n  retryInterval: 2s\n  prune: true\n" +
         indent(extra_spec, "  ");
}

}  // namespace sluice::testing
