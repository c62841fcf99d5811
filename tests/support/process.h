#pragma once

// Runs a real program for a test (git, kubectl, helm, cosign, the env scripts) and collects
// what it printed. Test support only: production code never shells out.

#include <chrono>
#include <functional>
#include <map>
#include <optional>
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

// Runs `command` until it exits 0, at most `attempts` times with `pause` between them, and
// returns that result; throws sluice::Error naming `what`, with the last attempt's output, when
// none succeeds. For set-up steps that can lose a moment's race with the cluster (a CRD not yet
// in discovery, a parallel `kubectl apply` creating the same object); a test's own assertions
// never retry.
ProcessResult run_until_success(const std::function<ProcessResult()>& command,
                                const std::string& what, int attempts,
                                std::chrono::milliseconds pause);

// A program left running while the test goes on (the operator under test), its stdout and
// stderr appended to a file. The destructor kills it (SIGKILL) if it still runs, so a failing
// test leaves nothing behind.
class BackgroundProcess {
 public:
  // Starts argv with `env` added to the inherited environment. Throws sluice::Error when it
  // cannot be started.
  BackgroundProcess(const std::vector<std::string>& argv, const std::string& output_file,
                    const std::map<std::string, std::string>& env = {});
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;
  ~BackgroundProcess();

  int pid() const noexcept { return pid_; }
  bool running();
  void signal(int signal_number);
  // Waits up to `timeout` for the process to end; returns its exit code (128 + signal when
  // killed), or nullopt when it still runs.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  // SIGTERM, then SIGKILL after `grace`; returns the exit code.
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(30));

 private:
  int pid_ = -1;
  std::optional<int> exit_code_;
};

}  // namespace sluice::testing
