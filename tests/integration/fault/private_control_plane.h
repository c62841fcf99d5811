#pragma once

// A control plane of one test's own: etcd and kube-apiserver on free 127.0.0.1 ports, for the
// scenarios that stop or restart them (the environment's own apiserver is shared by every
// test running in parallel, so it is never touched).
//
// It reuses the environment's certificates (build/env/certs: the apiserver's serving
// certificate is for IP 127.0.0.1, the admin client certificate is system:masters, and the
// ServiceAccount key pair signs tokens), the same binaries (tests/env/build-tools) and the
// flags of tests/env/cluster-up, minus what needs kube-controller-manager. Its etcd data, logs
// and audit log live in the work folder. An audit policy records every request of sluice's
// ServiceAccount at Metadata level (audit_events), so a test can count what the operator sent
// and what the apiserver answered.
//
// Every process is stopped by the destructor, whether the test passed or failed.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/object.h"
#include "process.h"
#include "test_env.h"

namespace sluice::testing {

class PrivateControlPlane {
 public:
  // Starts etcd and kube-apiserver with state in `work_dir` (made; removed by the destructor
  // unless `keep` was called) and waits until the apiserver is ready. Throws sluice::Error,
  // with the logs, when either does not come up.
  PrivateControlPlane(const TestEnvironment& env, std::filesystem::path work_dir);
  PrivateControlPlane(const PrivateControlPlane&) = delete;
  PrivateControlPlane& operator=(const PrivateControlPlane&) = delete;
  ~PrivateControlPlane();

  // https://127.0.0.1:<port>, and the CA file its serving certificate is verified with.
  std::string url() const;
  const std::string& ca_file() const { return ca_file_; }

  // kubectl as the admin (system:masters) of this control plane.
  ProcessResult kubectl(const std::vector<std::string>& args, const std::string& input = {}) const;

  // Installs what `sluice run` needs as the install manifests give it: the CRDs (waited for
  // until Established), namespace sluice-system with manifests/rbac.yaml, and the namespaces
  // `namespaces`. Returns the path of a kubeconfig for the sluice-system/sluice
  // ServiceAccount (a bearer token). Throws sluice::Error on failure.
  std::string install_operator(const std::vector<std::string>& namespaces);

  // Stop (SIGTERM, waited for) and start again on the same ports and data. start_* wait until
  // the component serves (etcd's /health, the apiserver's /readyz) and throw otherwise.
  void stop_etcd();
  void start_etcd();
  void stop_apiserver();
  void start_apiserver();
  // SIGKILL, waited for: a crash, with whatever requests it was serving cut off. (A SIGTERM
  // with clients' watches open makes it drain for over 30 s, serving the open connections
  // meanwhile.)
  void kill_apiserver();
  // Whether /readyz of the apiserver answers 200 now.
  bool apiserver_ready() const;

  // The audit events (JSON) of sluice's ServiceAccount at stage ResponseComplete, in order.
  std::vector<Json> audit_events() const;
  // The last lines of the etcd and apiserver logs, for failure messages.
  std::string logs() const;
  // Keeps the work folder after destruction (for a failing test's post-mortem).
  void keep() { keep_ = true; }

 private:
  void wait_until(const std::function<bool()>& ready, const std::string& what,
                  BackgroundProcess* process) const;

  std::filesystem::path work_dir_;
  std::filesystem::path cert_dir_;
  std::string ca_file_;
  std::string kubeconfig_;
  std::string etcd_bin_;
  std::string apiserver_bin_;
  std::uint16_t etcd_client_port_ = 0;
  std::uint16_t etcd_peer_port_ = 0;
  std::uint16_t apiserver_port_ = 0;
  std::unique_ptr<BackgroundProcess> etcd_;
  std::unique_ptr<BackgroundProcess> apiserver_;
  bool keep_ = false;
};

}  // namespace sluice::testing
