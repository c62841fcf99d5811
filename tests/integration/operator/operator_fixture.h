#pragma once

// The operator under test: `sluice run` as a real process, against the real environment
// (tests/env: kube-apiserver with kube-controller-manager, kube-scheduler and kwok, the git
// servers), with the CRDs from crds/ and the ClusterRole from manifests/rbac.yaml bound to a
// test ServiceAccount, so the operator runs with exactly the rights the install manifests give.
//
// Each test gets its own namespace and repository (EnvTest) and its own operator watching only
// that namespace, so tests run in parallel without seeing each other.

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "core/object.h"
#include "process.h"
#include "test_env.h"

namespace sluice::testing {

class OperatorProcess {
 public:
  // `kubeconfig`: the operator's identity. `extra_args` are added to `sluice run`.
  // `name` tells the logs of several operators of one test apart (build/env/operator-logs/
  // <namespace>[-<name>].log).
  OperatorProcess(const TestEnvironment& env, std::string kubeconfig, std::string watch_namespace,
                  std::filesystem::path storage_dir, std::vector<std::string> extra_args = {},
                  const std::string& name = "");
  ~OperatorProcess();

  // Variables added to the environment the process starts with (from the next start() on),
  // e.g. LD_PRELOAD of libfaketime for the clock-jump fault scenario.
  void set_environment(std::map<std::string, std::string> env) { env_vars_ = std::move(env); }
  // Starts the process and waits until /readyz answers 200. Throws on failure, with the log.
  void start();
  // SIGTERM and wait (the exit code); SIGKILL.
  int stop();
  void kill();
  bool running();
  // The process id while it runs (for /proc/<pid>/status), -1 before start().
  int pid() const;

  std::uint16_t metrics_port() const { return metrics_port_; }
  std::uint16_t health_port() const { return health_port_; }
  // The webhook receiver's (every test operator runs one, on --webhook-addr 127.0.0.1:0).
  std::uint16_t webhook_port() const { return webhook_port_; }
  // GET on the metrics or health port; {status, body}.
  std::pair<int, std::string> get(std::uint16_t port, const std::string& path) const;
  // /debug/vars on the health port (null when it does not answer).
  Json debug_vars() const;
  // Whether it runs the reconcile workers (leads, or has no leader election).
  bool working() const;
  // The process's output so far (for failure messages: the last `lines` lines).
  std::string log(std::size_t lines = 60) const;
  const std::filesystem::path& log_file() const { return log_file_; }

 private:
  const TestEnvironment& env_;
  std::string kubeconfig_;
  std::string watch_namespace_;
  std::filesystem::path storage_dir_;
  std::vector<std::string> extra_args_;
  std::map<std::string, std::string> env_vars_;
  std::filesystem::path log_file_;
  std::unique_ptr<BackgroundProcess> process_;
  std::uint16_t metrics_port_ = 0;
  std::uint16_t health_port_ = 0;
  std::uint16_t webhook_port_ = 0;
};

class OperatorTest : public EnvTest {
 protected:
  static void SetUpTestSuite();
  // CRDs, RBAC and the operator's kubeconfig, once per test process.
  static void set_up_suite();
  void SetUp() override;
  void TearDown() override;

  // The operator of this test (started by SetUp unless start_operator() is overridden).
  OperatorProcess& op() { return *operator_; }
  virtual bool start_operator() const { return true; }
  // The kubeconfig SetUp starts the operator with (operator_kubeconfig() unless overridden,
  // e.g. by FaultTest to go through its fault proxy).
  virtual std::string operator_kubeconfig_path() const { return operator_kubeconfig(); }
  // A kubeconfig for the operator's ServiceAccount (manifests/rbac.yaml's ClusterRoles).
  static const std::string& operator_kubeconfig();
  // A kubeconfig for a new ServiceAccount `account` of the operator namespace with the same
  // rights, so the API server's audit log tells this operator's requests apart (audit_requests).
  // Removed with its bindings in TearDown.
  std::string account_kubeconfig(const std::string& account);
  // The audit log's requests of `account` (from account_kubeconfig) from byte `offset` on, as
  // "VERB URI" lines of the ResponseComplete stage; and the log's current size.
  std::vector<std::string> audit_requests(const std::string& account, std::uintmax_t offset) const;
  std::uintmax_t audit_offset() const;

  // kubectl apply of a YAML stream into the cluster; fails the test on error.
  void apply(const std::string& yaml);
  // The object as JSON, or null when it does not exist.
  Json get(const std::string& resource, const std::string& name, const std::string& ns = "") const;
  // Polls `check` every 200 ms until it returns true or `timeout` passes; returns the last
  // result. `what` names the wait in the failure message the caller adds.
  static bool eventually(const std::function<bool()>& check,
                         std::chrono::milliseconds timeout = std::chrono::seconds(60));
  // The condition `type` of the object's status (null when absent).
  static Json condition(const Json& object, const std::string& type);
  // Waits until Application `name`'s Ready condition has `status` ("True", "False") at its
  // current generation (and `reason`, when given), and returns the object; fails the test
  // (with the operator log) on timeout.
  Json wait_ready(const std::string& name, const std::string& status = "True",
                  std::chrono::milliseconds timeout = std::chrono::seconds(60),
                  const std::string& reason = "");
  Json wait_source_ready(const std::string& name,
                         std::chrono::milliseconds timeout = std::chrono::seconds(60));
  // Waits until Application `name`'s status.lastAppliedRevision is main@sha1:`commit`, and
  // returns the object; fails the test (with the object and the operator log) on timeout.
  Json wait_applied(const std::string& name, const std::string& commit,
                    std::chrono::milliseconds timeout = std::chrono::seconds(60));
  // A ServiceAccount `tenant` of the test namespace that may manage its ConfigMaps, nothing
  // else (a Role and RoleBinding, removed with the namespace).
  void create_tenant_account();

  // YAML for a GitSource on this test's repository (git:// daemon URL, branch main), and an
  // Application on it.
  std::string git_source_yaml(const std::string& name, const std::string& interval = "2s") const;
  std::string application_yaml(const std::string& name, const std::string& path,
                               const std::string& extra_spec = "",
                               const std::string& source = "repo") const;

  std::filesystem::path storage_dir() const { return storage_dir_; }

 private:
  std::filesystem::path storage_dir_;
  std::unique_ptr<OperatorProcess> operator_;
  std::vector<std::string> accounts_;
};

}  // namespace sluice::testing
