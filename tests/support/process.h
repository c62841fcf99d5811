#pragma once

// Runs a real program for a test (git, kubectl, helm, cosign, the env scripts) and collects
// what it printed. Test support only: production code never shells out.

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::testing {

struct ProcessResult {
  int exit_code = -1;  // the exit status, or 128 + signal when killed
  bool timed_out = false;
  std::string out;
  std::string err;
};

struct ProcessOptions {
  std::map<std::string, std::string> env;  // added to (or replacing in) the inherited one
  std::string input;                       // written to the child's stdin, which is then closed
  std::string working_dir;                 // empty: the current one
  std::chrono::milliseconds timeout{std::chrono::minutes(2)};  // then SIGKILL

  ProcessOptions& set_env(const std::string& key, const std::string& value) {
    env[key] = value;
    return *this;
  }
  ProcessOptions& set_input(std::string text) {
    input = std::move(text);
    return *this;
  }
  ProcessOptions& set_working_dir(std::string dir) {
    working_dir = std::move(dir);
    return *this;
  }
  ProcessOptions& set_timeout(std::chrono::milliseconds value) {
    timeout = value;
    return *this;
  }
};

// Runs argv (argv[0] looked up in PATH) and waits for it. Never throws for a failing child;
// throws sluice::Error only when the child cannot be started at all.
ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options = {});

}  // namespace sluice::testing
