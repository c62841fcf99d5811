#pragma once

// A kube-apiserver process of a test's own, for tests that must kill, restart or reconfigure
// one (the env's is shared by every test): on a free 127.0.0.1 port, storing under its own
// --etcd-prefix of the env's etcd, with the env's certificates (so the env's kubeconfig
// credentials work) and the flags of tests/env/cluster-up. Always killed when destroyed.

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <sys/types.h>

#include "kube/config.h"
#include "test_env.h"

namespace sluice::testing {

// Polls `done` until it holds or `limit` passes.
bool eventually(const std::function<bool()>& done,
                std::chrono::milliseconds limit = std::chrono::seconds(30));

// ETCD_CLIENT_PORT etc. from the env's build/env/ports.
std::map<std::string, std::string> read_env_ports(const std::string& env_dir);

class ExtraApiServer {
 public:
  ExtraApiServer(const TestEnvironment& env, std::string etcd_prefix,
                 std::vector<std::string> extra_flags = {});
  ~ExtraApiServer() { kill(); }
  ExtraApiServer(const ExtraApiServer&) = delete;
  ExtraApiServer& operator=(const ExtraApiServer&) = delete;

  std::string url() const { return "https://127.0.0.1:" + std::to_string(port_); }
  // The env's admin kubeconfig pointed at this server.
  kube::ClusterConfig config() const;

  // Starts the process (again, on the same port, after kill()) and waits for /readyz; a
  // failure to get ready fails the test. Its log is /tmp/sluice-extra-apiserver-<port>.log.
  void start();
  // SIGKILL: the connections drop with no goodbye, as in a crash.
  void kill();

 private:
  const TestEnvironment& env_;
  int port_;
  std::string prefix_;
  std::vector<std::string> extra_;
  pid_t pid_ = -1;
};

}  // namespace sluice::testing
