#include "process.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/error.h"

extern char** environ;

namespace sluice::testing {
namespace {

void close_fd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

std::vector<std::string> merged_environment(const std::map<std::string, std::string>& extra) {
  std::map<std::string, std::string> all;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const auto eq = text.find('=');
    if (eq != std::string_view::npos) all[std::string(text.substr(0, eq))] = text.substr(eq + 1);
  }
  for (const auto& [key, value] : extra) all[key] = value;
  std::vector<std::string> result;
  result.reserve(all.size());
  for (const auto& [key, value] : all) result.push_back(key + "=" + value);
  return result;
}

// argv and the environment as execvpe wants them, built before fork (after it, only
// async-signal-safe calls are allowed).
struct ExecArguments {
  ExecArguments(const std::vector<std::string>& args, const std::map<std::string, std::string>& env)
      : strings(merged_environment(env)) {
    for (const auto& entry : strings) envp.push_back(const_cast<char*>(entry.c_str()));
    envp.push_back(nullptr);
    for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
  }
  std::vector<std::string> strings;
  std::vector<char*> envp;
  std::vector<char*> argv;
};

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const ProcessOptions& options) {
  if (argv.empty()) throw invalid_argument("run_process: empty argv");
  // A child that exits without reading its input must not kill the test with SIGPIPE.
  static const bool sigpipe_ignored = [] { return ::signal(SIGPIPE, SIG_IGN) != SIG_ERR; }();
  (void)sigpipe_ignored;
  std::array<int, 2> in{-1, -1}, out{-1, -1}, err{-1, -1};
  if (::pipe2(in.data(), O_CLOEXEC) != 0 || ::pipe2(out.data(), O_CLOEXEC) != 0 ||
      ::pipe2(err.data(), O_CLOEXEC) != 0) {
    throw internal_error(std::string("pipe: ") + std::strerror(errno));
  }
  // Everything the child needs is prepared before fork: only async-signal-safe calls after it.
  const ExecArguments exec(argv, options.env);

  const pid_t pid = ::fork();
  if (pid < 0) throw internal_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    ::setpgid(0, 0);  // so a timeout can kill the child's own children too
    ::dup2(in[0], STDIN_FILENO);
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(err[1], STDERR_FILENO);
    if (!options.working_dir.empty() && ::chdir(options.working_dir.c_str()) != 0) ::_exit(126);
    ::execvpe(exec.argv[0], exec.argv.data(), exec.envp.data());
    ::_exit(127);
  }
  close_fd(in[0]);
  close_fd(out[1]);
  close_fd(err[1]);
  ::fcntl(in[1], F_SETFL, O_NONBLOCK);

  ProcessResult result;
  std::size_t written = 0;
  if (options.input.empty()) close_fd(in[1]);
  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  std::array<char, 65536> buffer{};
  while (out[0] >= 0 || err[0] >= 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      result.timed_out = true;
      ::kill(-pid, SIGKILL);
      break;
    }
    std::array<pollfd, 3> fds{{{out[0], POLLIN, 0}, {err[0], POLLIN, 0}, {in[1], POLLOUT, 0}}};
    if (::poll(fds.data(), fds.size(), static_cast<int>(std::min<long>(left.count(), 1000))) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      int& fd = i == 0 ? out[0] : err[0];
      if (fd < 0 || (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      const ssize_t n = ::read(fd, buffer.data(), buffer.size());
      if (n > 0) {
        (i == 0 ? result.out : result.err).append(buffer.data(), static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        close_fd(fd);
      }
    }
    if (in[1] >= 0 && (fds[2].revents & (POLLOUT | POLLERR | POLLHUP)) != 0) {
      const ssize_t n =
          ::write(in[1], options.input.data() + written, options.input.size() - written);
      if (n > 0) written += static_cast<std::size_t>(n);
      if (n < 0 || written == options.input.size()) close_fd(in[1]);
    }
  }
  close_fd(in[1]);
  close_fd(out[0]);
  close_fd(err[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return result;
}

ProcessResult run_until_success(const std::function<ProcessResult()>& command,
                                const std::string& what, int attempts,
                                std::chrono::milliseconds pause) {
  ProcessResult result;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(pause);
    result = command();
    if (result.exit_code == 0) return result;
  }
  throw internal_error(what + ": " + result.err + result.out);
}

BackgroundProcess::BackgroundProcess(const std::vector<std::string>& argv,
                                     const std::string& output_file,
                                     const std::map<std::string, std::string>& env) {
  if (argv.empty()) throw invalid_argument("BackgroundProcess: empty argv");
  const int out = ::open(output_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (out < 0) throw internal_error("open " + output_file + ": " + std::strerror(errno));
  const ExecArguments exec(argv, env);
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(out);
    throw internal_error(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    const int null = ::open("/dev/null", O_RDONLY);
    ::dup2(null, 0);
    ::dup2(out, 1);
    ::dup2(out, 2);
    // Its own process group, so a terminal's ^C reaches the test, not the child directly.
    ::setpgid(0, 0);
    ::execvpe(exec.argv[0], exec.argv.data(), exec.envp.data());
    ::_exit(127);
  }
  ::close(out);
  pid_ = pid;
}

BackgroundProcess::~BackgroundProcess() {
  if (running()) {
    signal(SIGKILL);
    wait(std::chrono::seconds(10));
  }
}

bool BackgroundProcess::running() {
  if (exit_code_ || pid_ < 0) return false;
  return !wait(std::chrono::milliseconds(0)).has_value();
}

void BackgroundProcess::signal(int signal_number) {
  if (pid_ > 0 && !exit_code_) ::kill(pid_, signal_number);
}

std::optional<int> BackgroundProcess::wait(std::chrono::milliseconds timeout) {
  if (exit_code_) return exit_code_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    const pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return exit_code_;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    ::usleep(20000);
  }
}

int BackgroundProcess::stop(std::chrono::milliseconds grace) {
  signal(SIGTERM);
  if (auto code = wait(grace)) return *code;
  signal(SIGKILL);
  return wait(std::chrono::seconds(10)).value_or(-1);
}

}  // namespace sluice::testing
