#include "private_control_plane.h"

#include <fstream>
#include <sstream>
#include <thread>

#include <signal.h>

#include "core/error.h"
#include "test_helpers.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;

constexpr std::chrono::seconds kStartTimeout{60};
constexpr const char* kOperatorUser = "system:serviceaccount:sluice-system:sluice";

std::string tool_path(const std::string& name) {
  const ProcessResult result = run_process(
      {(fs::path(SLUICE_SOURCE_DIR) / "tests" / "env" / "build-tools").string(), "--path", name});
  if (result.exit_code != 0) throw internal_error("build-tools --path " + name + ": " + result.err);
  return result.out.substr(0, result.out.find('\n'));
}

std::string tail(const fs::path& path, std::size_t lines) {
  std::string text = read_text_file(path);
  std::size_t start = text.size();
  for (std::size_t n = 0; n <= lines && start > 0; ++n) {
    start = text.rfind('\n', start - 1);
    if (start == std::string::npos) return text;
  }
  return text.substr(start + 1);
}

// Set-up commands are retried a few times (a CRD just made Established can still be
// missing from discovery for a moment).
ProcessResult must(const std::function<ProcessResult()>& command, const std::string& what) {
  return run_until_success(command, what, 10, std::chrono::milliseconds(300));
}

}  // namespace

PrivateControlPlane::PrivateControlPlane(const TestEnvironment& env, fs::path work_dir)
    : work_dir_(std::move(work_dir)) {
  ca_file_ = env.var("SLUICE_CA_FILE");
  cert_dir_ = fs::path(ca_file_).parent_path();
  etcd_bin_ = tool_path("etcd");
  apiserver_bin_ = tool_path("kube-apiserver");
  fs::create_directories(work_dir_ / "etcd");
  fs::permissions(work_dir_ / "etcd", fs::perms::owner_all);
  std::ofstream(work_dir_ / "audit-policy.yaml")
      << "apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: [RequestReceived]\nrules:\n"
      << "- level: Metadata\n  users: [\"" << kOperatorUser << "\"]\n- level: None\n";
  kubeconfig_ = (work_dir_ / "admin.kubeconfig").string();
  // Free ports are chosen here and bound by the daemons later: another process can take one
  // in between (tests/env/cluster-up knows it too). Then all start again on fresh ones.
  for (int attempt = 1;; ++attempt) {
    etcd_client_port_ = static_cast<std::uint16_t>(unused_loopback_port());
    etcd_peer_port_ = static_cast<std::uint16_t>(unused_loopback_port());
    apiserver_port_ = static_cast<std::uint16_t>(unused_loopback_port());
    std::ofstream(kubeconfig_) << "apiVersion: v1\nkind: Config\nclusters:\n- name: private\n"
                               << "  cluster:\n    server: " << url() << "\n"
                               << "    certificate-authority: " << ca_file_ << "\n"
                               << "users:\n- name: admin\n  user:\n"
                               << "    client-certificate: " << (cert_dir_ / "admin.crt").string()
                               << "\n    client-key: " << (cert_dir_ / "admin.key").string() << "\n"
                               << "contexts:\n- name: private\n"
                               << "  context: {cluster: private, user: admin}\n"
                               << "current-context: private\n";
    try {
      start_etcd();
      start_apiserver();
      return;
    } catch (const Error&) {
      const bool port_taken = logs().find("address already in use") != std::string::npos;
      apiserver_.reset();  // killed, if it runs
      etcd_.reset();
      if (!port_taken || attempt == 3) throw;
      for (const char* file : {"etcd.log", "kube-apiserver.log", "audit.log"}) {
        fs::remove(work_dir_ / file);
      }
      fs::remove_all(work_dir_ / "etcd");
      fs::create_directories(work_dir_ / "etcd");
      fs::permissions(work_dir_ / "etcd", fs::perms::owner_all);
    }
  }
}

PrivateControlPlane::~PrivateControlPlane() {
  // The apiserver first: it would otherwise log etcd's absence while it shuts down.
  if (apiserver_) apiserver_->stop(std::chrono::seconds(10));
  if (etcd_) etcd_->stop(std::chrono::seconds(10));
  apiserver_.reset();
  etcd_.reset();
  if (!keep_) {
    std::error_code ignored;
    fs::remove_all(work_dir_, ignored);
  }
}

std::string PrivateControlPlane::url() const {
  return "https://127.0.0.1:" + std::to_string(apiserver_port_);
}

ProcessResult PrivateControlPlane::kubectl(const std::vector<std::string>& args,
                                           const std::string& input) const {
  std::vector<std::string> argv{"kubectl", "--kubeconfig", kubeconfig_, "--request-timeout=10s"};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_process(argv, ProcessOptions().set_input(input).set_timeout(std::chrono::seconds(30)));
}

void PrivateControlPlane::wait_until(const std::function<bool()>& ready, const std::string& what,
                                     BackgroundProcess* process) const {
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (!ready()) {
    if (!process->running()) throw internal_error(what + " exited:\n" + logs());
    if (std::chrono::steady_clock::now() > deadline) {
      throw internal_error(what + " not ready after 60 s:\n" + logs());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
}

void PrivateControlPlane::start_etcd() {
  const std::string client = "http://127.0.0.1:" + std::to_string(etcd_client_port_);
  const std::string peer = "http://127.0.0.1:" + std::to_string(etcd_peer_port_);
  // The data folder is kept across stop and start: the same cluster comes back.
  etcd_ =
      std::make_unique<BackgroundProcess>(std::vector<std::string>{etcd_bin_,
                                                                   "--name",
                                                                   "private",
                                                                   "--data-dir",
                                                                   (work_dir_ / "etcd").string(),
                                                                   "--listen-client-urls",
                                                                   client,
                                                                   "--advertise-client-urls",
                                                                   client,
                                                                   "--listen-peer-urls",
                                                                   peer,
                                                                   "--initial-advertise-peer-urls",
                                                                   peer,
                                                                   "--initial-cluster",
                                                                   "private=" + peer,
                                                                   "--initial-cluster-state",
                                                                   "new",
                                                                   "--unsafe-no-fsync",
                                                                   "--log-level",
                                                                   "warn"},
                                          (work_dir_ / "etcd.log").string());
  wait_until(
      [&] {
        return run_process({"curl", "-sf", "--max-time", "2", client + "/health"}).exit_code == 0;
      },
      "etcd", etcd_.get());
}

void PrivateControlPlane::stop_etcd() {
  if (etcd_) etcd_->stop(std::chrono::seconds(10));
  etcd_.reset();
}

void PrivateControlPlane::start_apiserver() {
  const auto cert = [&](const char* name) { return (cert_dir_ / name).string(); };
  // As tests/env/cluster-up starts the environment's (see there for why each flag).
  apiserver_ = std::make_unique<BackgroundProcess>(
      std::vector<std::string>{apiserver_bin_,
                               "--etcd-servers",
                               "http://127.0.0.1:" + std::to_string(etcd_client_port_),
                               "--secure-port",
                               std::to_string(apiserver_port_),
                               "--bind-address",
                               "127.0.0.1",
                               "--advertise-address",
                               "127.0.0.1",
                               "--tls-cert-file",
                               cert("apiserver.crt"),
                               "--tls-private-key-file",
                               cert("apiserver.key"),
                               "--client-ca-file",
                               ca_file_,
                               "--service-account-key-file",
                               cert("sa.pub"),
                               "--service-account-signing-key-file",
                               cert("sa.key"),
                               "--service-account-issuer",
                               "https://kubernetes.default.svc.cluster.local",
                               "--authorization-mode",
                               "Node,RBAC",
                               "--service-cluster-ip-range",
                               "10.0.0.0/24",
                               "--endpoint-reconciler-type",
                               "none",
                               "--audit-policy-file",
                               (work_dir_ / "audit-policy.yaml").string(),
                               "--audit-log-path",
                               (work_dir_ / "audit.log").string(),
                               "--audit-log-format",
                               "json",
                               "--v",
                               "1"},
      (work_dir_ / "kube-apiserver.log").string());
  wait_until([&] { return apiserver_ready(); }, "kube-apiserver", apiserver_.get());
}

void PrivateControlPlane::stop_apiserver() {
  if (apiserver_) apiserver_->stop(std::chrono::seconds(30));
  apiserver_.reset();
}

void PrivateControlPlane::kill_apiserver() {
  if (!apiserver_) return;
  apiserver_->signal(SIGKILL);
  apiserver_->wait(std::chrono::seconds(10));
  apiserver_.reset();
}

bool PrivateControlPlane::apiserver_ready() const {
  return run_process({"curl", "-sf", "--max-time", "2", "--cacert", ca_file_, "--cert",
                      (cert_dir_ / "admin.crt").string(), "--key",
                      (cert_dir_ / "admin.key").string(), url() + "/readyz"})
             .exit_code == 0;
}

std::string PrivateControlPlane::install_operator(const std::vector<std::string>& namespaces) {
  const fs::path source(SLUICE_SOURCE_DIR);
  for (const char* crd : {"sluice.dev_gitsources.yaml", "sluice.dev_applications.yaml",
                          "sluice.dev_signingpolicies.yaml"}) {
    must([&] { return kubectl({"apply", "-f", (source / "crds" / crd).string()}); }, "the CRDs");
  }
  must(
      [&] {
        return kubectl({"wait", "--for=condition=Established", "--timeout=60s",
                        "crd/gitsources.sluice.dev", "crd/applications.sluice.dev",
                        "crd/signingpolicies.sluice.dev"});
      },
      "waiting for the CRDs");
  std::string namespace_yaml;
  for (const std::string& ns : namespaces) {
    namespace_yaml += "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: " + ns + "}\n";
  }
  must(
      [&] {
        return kubectl(
            {"apply", "-f", "-"},
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: sluice-system}\n" + namespace_yaml);
      },
      "the namespaces");
  must(
      [&] {
        return kubectl({"apply", "-f", (source / "manifests" / "rbac.yaml").string()});
      },
      "manifests/rbac.yaml");
  const ProcessResult token = must(
      [&] {
        return kubectl({"-n", "sluice-system", "create", "token", "sluice", "--duration=1h"});
      },
      "the operator's token");
  const fs::path path = work_dir_ / "operator.kubeconfig";
  std::ofstream(path) << "apiVersion: v1\nkind: Config\nclusters:\n- name: private\n  cluster:\n"
                      << "    server: " << url() << "\n    certificate-authority: " << ca_file_
                      << "\nusers:\n- name: sluice\n  user:\n    token: "
                      << token.out.substr(0, token.out.find('\n')) << "\n"
                      << "contexts:\n- name: private\n  context: {cluster: private, user: sluice}\n"
                      << "current-context: private\n";
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
  return path.string();
}

std::vector<Json> PrivateControlPlane::audit_events() const {
  std::vector<Json> events;
  std::istringstream lines(read_text_file(work_dir_ / "audit.log"));
  for (std::string line; std::getline(lines, line);) {
    const Json event = Json::parse(line, nullptr, false);
    if (event.is_discarded() || string_member(event, {"stage"}) != "ResponseComplete") continue;
    if (string_member(event, {"user", "username"}) != kOperatorUser) continue;
    events.push_back(event);
  }
  return events;
}

std::string PrivateControlPlane::logs() const {
  return "--- etcd.log\n" + tail(work_dir_ / "etcd.log", 20) + "--- kube-apiserver.log\n" +
         tail(work_dir_ / "kube-apiserver.log", 40);
}

}  // namespace sluice::testing
