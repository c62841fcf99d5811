#include "extra_apiserver.h"

#include <fstream>
#include <thread>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/error.h"
#include "kube/client.h"
#include "test_helpers.h"

namespace sluice::testing {

bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

std::map<std::string, std::string> read_env_ports(const std::string& env_dir) {
  std::map<std::string, std::string> ports;
  std::ifstream in(env_dir + "/ports");
  for (std::string line; std::getline(in, line);) {
    const auto eq = line.find('=');
    if (eq != std::string::npos) ports[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return ports;
}

ExtraApiServer::ExtraApiServer(const TestEnvironment& env, std::string etcd_prefix,
                               std::vector<std::string> extra_flags)
    : env_(env),
      port_(unused_loopback_port()),
      prefix_(std::move(etcd_prefix)),
      extra_(std::move(extra_flags)) {}

kube::ClusterConfig ExtraApiServer::config() const {
  kube::ClusterConfig config = kube::load_kubeconfig(env_.var("KUBECONFIG"));
  config.server = url();
  return config;
}

void ExtraApiServer::start() {
  const std::string env_dir = env_.var("SLUICE_ENV_DIR");
  const std::string certs = env_dir + "/certs/";
  const auto ports = read_env_ports(env_dir);
  ASSERT_TRUE(ports.contains("ETCD_CLIENT_PORT"));
  const ProcessResult tool =
      run_process({env_dir + "/../../tests/env/build-tools", "--path", "kube-apiserver"});
  ASSERT_EQ(tool.exit_code, 0) << tool.err;
  std::string binary = tool.out;
  while (!binary.empty() && (binary.back() == '\n' || binary.back() == ' ')) binary.pop_back();
  std::vector<std::string> args = {
      binary,
      "--etcd-servers=http://127.0.0.1:" + ports.at("ETCD_CLIENT_PORT"),
      "--etcd-prefix=" + prefix_,
      "--secure-port=" + std::to_string(port_),
      "--bind-address=127.0.0.1",
      "--advertise-address=127.0.0.1",
      "--tls-cert-file=" + certs + "apiserver.crt",
      "--tls-private-key-file=" + certs + "apiserver.key",
      "--client-ca-file=" + certs + "ca.crt",
      "--service-account-key-file=" + certs + "sa.pub",
      "--service-account-signing-key-file=" + certs + "sa.key",
      "--service-account-issuer=https://kubernetes.default.svc",
      "--authorization-mode=Node,RBAC",
      "--service-cluster-ip-range=10.0.0.0/24",
      "--disable-admission-plugins=ServiceAccount",
      "--endpoint-reconciler-type=none",
      "--v=0"};
  for (const auto& flag : extra_) args.push_back(flag);
  // Everything the child needs is prepared before fork: only async-signal-safe calls after it.
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  const std::string log = "/tmp/sluice-extra-apiserver-" + std::to_string(port_) + ".log";
  pid_ = ::fork();
  ASSERT_GE(pid_, 0);
  if (pid_ == 0) {
    const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(out, 1);
    ::dup2(out, 2);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  kube::ClientOptions options;
  options.retry.max_attempts = 1;
  options.timeout = std::chrono::seconds(5);
  const kube::Client probe(config(), options);
  const bool ready = eventually(
      [&] {
        try {
          return probe.request("GET", "/readyz").status == 200;
        } catch (const Error&) {
          return false;
        }
      },
      std::chrono::seconds(90));
  ASSERT_TRUE(ready) << "extra kube-apiserver not ready; see " << log;
}

void ExtraApiServer::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

}  // namespace sluice::testing
