#include "fault_proxy.h"

#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "core/error.h"
#include "test_helpers.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;

}  // namespace

FaultProxy::FaultProxy(const TestEnvironment& env, fs::path work_dir)
    : FaultProxy(env.var("SLUICE_APISERVER_URL"), env.var("SLUICE_CA_FILE"), std::move(work_dir)) {}

FaultProxy::FaultProxy(const std::string& upstream_url, const std::string& upstream_ca,
                       fs::path work_dir)
    : work_dir_(std::move(work_dir)) {
  fs::create_directories(work_dir_);
  const fs::path script =
      fs::path(SLUICE_SOURCE_DIR) / "tests" / "integration" / "fault" / "fault_proxy.py";
  process_ = std::make_unique<BackgroundProcess>(
      std::vector<std::string>{"python3", script.string(), "--upstream", upstream_url,
                               "--upstream-ca", upstream_ca, "--cert-dir", work_dir_.string()},
      (work_dir_ / "proxy.log").string());
  const std::regex ready(
      "listening on 127\\.0\\.0\\.1:([0-9]+), control on 127\\.0\\.0\\.1:([0-9]+)");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    const std::string text = log();
    std::smatch match;
    if (std::regex_search(text, match, ready)) {
      port_ = static_cast<std::uint16_t>(std::stoi(match[1]));
      control_port_ = static_cast<std::uint16_t>(std::stoi(match[2]));
      return;
    }
    if (!process_->running() || std::chrono::steady_clock::now() > deadline) {
      throw internal_error("the fault proxy did not start:\n" + text);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

std::string FaultProxy::kubeconfig_through(const std::string& kubeconfig) const {
  std::string config = std::regex_replace(read_text_file(kubeconfig), std::regex("server: .*"),
                                          "server: https://127.0.0.1:" + std::to_string(port_));
  config = std::regex_replace(config, std::regex("certificate-authority: .*"),
                              "certificate-authority: " + (work_dir_ / "ca.crt").string());
  const fs::path path = work_dir_ / "operator.kubeconfig";
  std::ofstream(path) << config;
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
  return path.string();
}

Json FaultProxy::control(const std::string& method, const std::string& path,
                         const std::string& body) const {
  const ProcessResult result = run_process(
      {"curl", "-sS", "--fail-with-body", "--max-time", "10", "-X", method, "--data-binary", "@-",
       "http://127.0.0.1:" + std::to_string(control_port_) + path},
      ProcessOptions().set_input(body));
  if (result.exit_code != 0) {
    throw internal_error("fault proxy " + method + " " + path + ": " + result.err + result.out);
  }
  return Json::parse(result.out);
}

void FaultProxy::set_rules(const Json& rules) {
  control("PUT", "/rules", rules.dump());
}

int FaultProxy::cut_watches() {
  return control("POST", "/cut")["cut"].get<int>();
}

Json FaultProxy::requests() const {
  return control("GET", "/requests");
}

void FaultProxy::clear_requests() {
  control("DELETE", "/requests");
}

std::string FaultProxy::log() const {
  return read_text_file(work_dir_ / "proxy.log");
}

void FaultTest::SetUp() {
  // Before OperatorTest::SetUp, which starts the operator on operator_kubeconfig_path().
  ASSERT_NO_THROW({
    work_dir_ = fs::temp_directory_path() / ("sluice-fault-" + unique_test_name());
    proxy_ = std::make_unique<FaultProxy>(TestEnvironment::get(), work_dir_);
    kubeconfig_ = proxy_->kubeconfig_through(operator_kubeconfig());
  });
  OperatorTest::SetUp();
}

void FaultTest::TearDown() {
  // The operator stops cleanly only if the proxy lets it through.
  if (proxy_) {
    EXPECT_NO_THROW(proxy_->set_rules(Json::array()));
  }
  const bool failed = HasFailure();
  OperatorTest::TearDown();
  if (!proxy_) return;
  if (failed) std::cerr << "--- fault proxy log:\n" << proxy_->log() << "\n";
  proxy_.reset();
  if (!failed) fs::remove_all(work_dir_);
}

}  // namespace sluice::testing
