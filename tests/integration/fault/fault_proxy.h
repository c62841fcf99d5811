#pragma once

// The loopback fault proxy (fault_proxy.py) between an operator under test and the real
// kube-apiserver, and the test fixture that puts it there.
//
// The proxy terminates TLS with a certificate for 127.0.0.1 signed by a CA it makes for this
// test, forwards every request to the apiserver (the bearer token passes through, so the
// operator keeps its own identity and rights) and can be told at run time to answer matching
// requests with a status (429 + Retry-After, 500), delay or drop them, or cut the open watches.
// It records every request so a test can assert rates (see fault_proxy.py for the rule format).

#include <filesystem>
#include <memory>
#include <string>

#include "core/object.h"
#include "operator_fixture.h"
#include "process.h"

namespace sluice::testing {

class FaultProxy {
 public:
  // Starts the proxy in front of the environment's apiserver, with its certificates and log in
  // `work_dir`. Throws sluice::Error (with the log) when it does not come up.
  FaultProxy(const TestEnvironment& env, std::filesystem::path work_dir);
  // The same in front of another apiserver (https://127.0.0.1:<port>, its serving certificate
  // verified with `upstream_ca`), such as a PrivateControlPlane's.
  FaultProxy(const std::string& upstream_url, const std::string& upstream_ca,
             std::filesystem::path work_dir);

  // A copy of `kubeconfig` (a bearer-token one, as operator_fixture makes) whose cluster is
  // the proxy, trusted through the proxy's CA. Returns its path.
  std::string kubeconfig_through(const std::string& kubeconfig) const;

  // Replaces the fault rules (a JSON array; [] lets everything through).
  void set_rules(const Json& rules);
  // Cuts every open watch now; returns how many were open.
  int cut_watches();
  // Every request since the last clear_requests(): [{t, method, path, query, verb, fault}].
  Json requests() const;
  void clear_requests();
  std::string log() const;

 private:
  Json control(const std::string& method, const std::string& path,
               const std::string& body = "") const;

  std::filesystem::path work_dir_;
  std::unique_ptr<BackgroundProcess> process_;
  std::uint16_t port_ = 0;
  std::uint16_t control_port_ = 0;
};

// An operator test whose operator talks to the apiserver through a FaultProxy.
class FaultTest : public OperatorTest {
 protected:
  void SetUp() override;
  void TearDown() override;
  std::string operator_kubeconfig_path() const override { return kubeconfig_; }

  FaultProxy& proxy() { return *proxy_; }

 private:
  std::filesystem::path work_dir_;
  std::unique_ptr<FaultProxy> proxy_;
  std::string kubeconfig_;
};

}  // namespace sluice::testing
