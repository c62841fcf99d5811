#pragma once

// The integration test environment (tests/env): a real kube-apiserver + etcd with
// kube-controller-manager, kube-scheduler and kwok's fake nodes, git servers over
// smart HTTP, git:// and ssh, and the helm and cosign binaries, all on 127.0.0.1.
//
// TestEnvironment brings it up once per test process (`tests/env/up` is idempotent, so a
// running environment is reused in well under a second) and, if this process started it, takes
// it down again at exit. Under ctest the environment is a fixture (tests env.up / env.down)
// so it starts once for the whole run. EnvTest gives each test its own namespace and its own
// bare repository.

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "process.h"

namespace sluice::testing {

class TestEnvironment : public ::testing::Environment {
 public:
  void SetUp() override;
  void TearDown() override;

  // The environment of the running test process; fails the test if SetUp did not run.
  static const TestEnvironment& get();

  // A variable from build/env/env.sh (KUBECONFIG, GIT_ROOT, GIT_HTTP_URL, HELM, COSIGN, ...).
  const std::string& var(const std::string& name) const;
  // Every variable of env.sh, for passing to child processes.
  const std::map<std::string, std::string>& vars() const noexcept { return vars_; }

  // Runs a program with env.sh's variables set.
  ProcessResult run(const std::vector<std::string>& argv, ProcessOptions options = {}) const;
  // kubectl with the admin kubeconfig.
  ProcessResult kubectl(const std::vector<std::string>& args, const std::string& input = {}) const;

 private:
  std::map<std::string, std::string> vars_;
  bool started_here_ = false;
};

// A bare repository under GIT_ROOT plus a working clone to commit into (with the git CLI).
class TestRepo {
 public:
  TestRepo(const TestEnvironment& env, std::string name);

  const std::string& name() const noexcept { return name_; }
  std::string http_url() const;  // with the test credentials in the URL
  std::string ssh_url() const;   // needs git_ssh_command()
  std::string daemon_url() const;
  std::string git_ssh_command() const;  // GIT_SSH_COMMAND checking the host key

  // Writes `files` (path -> content) into the working clone, commits and pushes to the bare
  // repository's `branch`. Returns the new commit's sha.
  std::string commit(const std::map<std::string, std::string>& files, const std::string& message,
                     const std::string& branch = "main");
  // Deletes `paths` (files or folders) from the working clone, commits and pushes.
  std::string remove(const std::vector<std::string>& paths, const std::string& message,
                     const std::string& branch = "main");
  // Signs the commits that follow with this SSH private key (git's gpg.format=ssh); an empty
  // path stops signing.
  void sign_with(const std::string& ssh_key_path);

 private:
  ProcessResult git(const std::vector<std::string>& args) const;
  std::string commit_and_push(const std::string& message, const std::string& branch);

  const TestEnvironment& env_;
  std::string name_;
  std::filesystem::path bare_;
  std::filesystem::path work_;
};

// Base fixture: a fresh namespace and a fresh repository for every test.
class EnvTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  const TestEnvironment& env() const { return TestEnvironment::get(); }
  const std::string& ns() const noexcept { return namespace_; }
  TestRepo& repo() { return *repo_; }

 private:
  std::string namespace_;
  std::unique_ptr<TestRepo> repo_;
};

// A name unique to this test and run, usable as a namespace or repository name
// (lower case, at most 63 characters).
std::string unique_test_name();

}  // namespace sluice::testing
