#include "cli/cluster_command.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdlib>

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "api/conditions.h"
#include "api/group.h"
#include "controller/context.h"
#include "http/exchange.h"

namespace sluice::cli {
namespace {

namespace fs = std::filesystem;

constexpr std::array<KindInfo, 3> kKinds{{
    {ObjectKind::kApplication, api::kApplicationKind, "application", api::kApplicationPlural, true},
    {ObjectKind::kGitSource, api::kGitSourceKind, "gitsource", api::kGitSourcePlural, true},
    {ObjectKind::kSigningPolicy, api::kSigningPolicyKind, "signingpolicy",
     api::kSigningPolicyPlural, false},
}};

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A watch that ends at once, again and again, must not spin: wait this long before the next.
constexpr auto kRewatchDelay = std::chrono::seconds(1);

}  // namespace

kube::Resource KindInfo::resource() const {
  return controller::sluice_resource(plural, namespaced);
}

const KindInfo& kind_info(ObjectKind kind) {
  for (const KindInfo& info : kKinds) {
    if (info.kind == kind) return info;
  }
  throw internal_error("unknown object kind");
}

const KindInfo& parse_kind(std::string_view word) {
  std::string name = lower(word);
  if (name.ends_with(".sluice.dev"))
    name.resize(name.size() - std::string_view(".sluice.dev").size());
  for (const auto& [kind, words] :
       {std::pair{ObjectKind::kApplication,
                  std::array<std::string_view, 4>{"app", "apps", "application", "applications"}},
        std::pair{ObjectKind::kGitSource,
                  std::array<std::string_view, 4>{"source", "sources", "gitsource", "gitsources"}},
        std::pair{ObjectKind::kSigningPolicy,
                  std::array<std::string_view, 4>{"policy", "policies", "signingpolicy",
                                                  "signingpolicies"}}}) {
    if (std::find(words.begin(), words.end(), name) != words.end()) return kind_info(kind);
  }
  throw invalid_argument("unknown kind \"" + std::string(word) +
                         "\": use apps, sources or policies");
}

bool ClusterFlags::take(const std::string& flag, const std::string& value) {
  if (flag == "--kubeconfig") {
    kubeconfig = value;
  } else if (flag == "--namespace") {
    if (value.empty()) throw invalid_argument("--namespace needs a value");
    ns = value;
  } else {
    return false;
  }
  return true;
}

std::vector<std::string> normalize_flags(std::span<const std::string> args,
                                         std::initializer_list<std::string_view> boolean_flags) {
  std::vector<std::string> out;
  out.reserve(args.size());
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      out.insert(out.end(), args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
      break;
    }
    if (arg == "-A") {
      out.emplace_back("--all-namespaces=true");
    } else if (arg == "-w") {
      out.emplace_back("--watch=true");
    } else if (arg == "-n") {
      if (i + 1 >= args.size()) throw invalid_argument("-n needs a namespace");
      out.push_back("--namespace=" + args[++i]);
    } else if (arg.starts_with("-n") && !arg.starts_with("--")) {
      out.push_back("--namespace=" + arg.substr(arg[2] == '=' ? 3 : 2));
    } else if (std::find(boolean_flags.begin(), boolean_flags.end(), arg) != boolean_flags.end()) {
      out.push_back(arg + "=true");
    } else {
      out.push_back(arg);
    }
  }
  return out;
}

fs::path kubeconfig_path(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("KUBECONFIG"); env != nullptr && *env != '\0') {
    std::vector<fs::path> paths;
    const std::string_view list(env);
    for (std::size_t start = 0; start <= list.size();) {
      std::size_t end = list.find(':', start);
      if (end == std::string_view::npos) end = list.size();
      if (end > start) paths.emplace_back(list.substr(start, end - start));
      start = end + 1;
    }
    for (const fs::path& path : paths) {
      std::error_code ec;
      if (fs::is_regular_file(path, ec)) return path;
    }
    if (!paths.empty()) return paths.front();
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return fs::path(home) / ".kube" / "config";
  }
  throw Error(ErrorCode::kFailedPrecondition,
              "no kubeconfig: give --kubeconfig PATH or set KUBECONFIG");
}

Cluster connect(const ClusterFlags& flags) {
  // A command sends a few requests and holds at most one watch: two I/O threads are plenty.
  http::set_io_threads(2);
  kube::ClusterConfig config = kube::load_kubeconfig(kubeconfig_path(flags.kubeconfig));
  std::string ns = flags.ns.empty() ? config.ns : flags.ns;
  if (ns.empty()) ns = "default";
  kube::ClientOptions options;
  options.user_agent = "sluice-cli";
  // A person is waiting: give up on an unreachable server after a few quick tries rather than
  // the operator's minute of backoff.
  options.retry.max_attempts = 4;
  options.retry.deadline = std::chrono::seconds(10);
  return Cluster{kube::Client(std::move(config), options), std::move(ns)};
}

std::string describe(const KindInfo& kind, const std::string& name) {
  return std::string(kind.noun) + " \"" + name + "\"";
}

Error object_not_found(const KindInfo& kind, const std::string& ns, const std::string& name) {
  return not_found(describe(kind, name) + " not found" +
                   (kind.namespaced ? " in namespace \"" + ns + "\"" : ""));
}

ReadyCondition ready_condition(const Json& object) {
  const api::Conditions conditions =
      api::Conditions::from_json(find_member(object, {"status", "conditions"}));
  const api::Condition* ready = conditions.find(api::condition::kReady);
  if (ready == nullptr) return {};
  return {true, std::string(api::to_string(ready->status)), ready->reason, ready->message};
}

Json get_object(const kube::Client& client, const KindInfo& kind, const std::string& ns,
                const std::string& name) {
  try {
    return client.get(kind.resource(), kind.namespaced ? ns : "", name);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kNotFound) throw object_not_found(kind, ns, name);
    throw;
  }
}

Json patch_object(const kube::Client& client, const KindInfo& kind, const std::string& ns,
                  const std::string& name, const Json& patch) {
  try {
    return client.merge_patch(kind.resource(), kind.namespaced ? ns : "", name, patch);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kNotFound) throw object_not_found(kind, ns, name);
    throw;
  }
}

void follow_watch(const kube::Client& client, const KindInfo& kind, const std::string& ns,
                  const std::string& name, std::string version, const WatchHandlers& handlers,
                  runtime::AbortSource& abort) {
  const std::string watch_ns = kind.namespaced ? ns : "";
  for (;;) {
    abort.check();
    kube::WatchOptions options;
    options.resource_version = version;
    if (!name.empty()) options.field_selector = "metadata.name=" + name;
    const auto started = std::chrono::steady_clock::now();
    bool any_event = false;
    try {
      kube::WatchStream stream = client.watch(kind.resource(), watch_ns, options);
      while (auto event = stream.next(abort)) {
        any_event = true;
        if (const std::string seen = event->resource_version(); !seen.empty()) version = seen;
        if (event->type == kube::WatchEventType::kBookmark) continue;
        if (handlers.on_event(*event)) return;
      }
    } catch (const Error& e) {
      // Too old a version: read again and watch from there.
      if (e.code() != ErrorCode::kGone) throw;
      std::optional<std::string> next = handlers.resync();
      if (!next) return;
      version = std::move(*next);
      continue;
    }
    // The server ended the watch (its timeout): go on from the last version seen.
    if (!any_event && std::chrono::steady_clock::now() - started < kRewatchDelay) {
      runtime::sleep_for(kRewatchDelay, abort);
    }
  }
}

Json wait_for_object(const kube::Client& client, const KindInfo& kind, const std::string& ns,
                     const std::string& name, Json start,
                     const std::function<bool(const Json&)>& done, runtime::AbortSource& abort) {
  if (done(start)) return start;
  Json result;
  WatchHandlers handlers;
  handlers.on_event = [&](kube::WatchEvent& event) {
    if (event.type == kube::WatchEventType::kDeleted) {
      throw not_found(describe(kind, name) + " was deleted");
    }
    if (!done(event.object)) return false;
    result = std::move(event.object);
    return true;
  };
  handlers.resync = [&]() -> std::optional<std::string> {
    Json object = get_object(client, kind, ns, name);
    if (done(object)) {
      result = std::move(object);
      return std::nullopt;
    }
    return string_member(object, {"metadata", "resourceVersion"});
  };
  follow_watch(client, kind, ns, name, string_member(start, {"metadata", "resourceVersion"}),
               handlers, abort);
  return result;
}

Deadline::Deadline(Duration timeout)
    : abort_(std::make_shared<runtime::AbortSource>()),
      expired_(std::make_shared<std::atomic<bool>>(false)) {
  timer_ = runtime::SystemClock::instance()->call_after(
      std::chrono::duration_cast<runtime::Clock::Duration>(timeout),
      [abort = abort_, expired = expired_] {
        expired->store(true);
        abort->request_abort("timed out");
      });
}

// ---- InterruptScope ---------------------------------------------------------------------------

namespace {

// The pipe the signal handler writes to, and the handlers it replaced. Only one InterruptScope
// lives at a time.
std::atomic<int> g_interrupt_pipe_write{-1};
struct sigaction g_previous_sigint {};
struct sigaction g_previous_sigterm {};

constexpr char kInterrupted = 'i';
constexpr char kQuit = 'q';

extern "C" void on_interrupt_signal(int /*signal*/) {
  const int saved_errno = errno;
  const int fd = g_interrupt_pipe_write.load();
  if (fd >= 0) {
    const char byte = kInterrupted;
    [[maybe_unused]] const ssize_t written = write(fd, &byte, 1);
  }
  errno = saved_errno;
}

}  // namespace

InterruptScope::InterruptScope(runtime::AbortSource& abort) {
  std::array<int, 2> fds{};
  if (pipe2(fds.data(), O_CLOEXEC) != 0) {
    throw Error(ErrorCode::kUnavailable, "cannot create a pipe for signal handling");
  }
  if (g_interrupt_pipe_write.exchange(fds[1]) != -1) {
    close(fds[0]);
    close(fds[1]);
    throw internal_error("only one InterruptScope may exist at a time");
  }
  struct sigaction action {};
  action.sa_handler = &on_interrupt_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, &g_previous_sigint);
  sigaction(SIGTERM, &action, &g_previous_sigterm);

  waiter_ = std::thread([this, &abort, read_fd = fds[0]] {
    for (;;) {
      char byte = 0;
      const ssize_t n = read(read_fd, &byte, 1);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0 || byte == kQuit) break;
      if (!interrupted_.exchange(true)) abort.request_abort("interrupted");
    }
    close(read_fd);
  });
}

InterruptScope::~InterruptScope() {
  sigaction(SIGINT, &g_previous_sigint, nullptr);
  sigaction(SIGTERM, &g_previous_sigterm, nullptr);
  const int fd = g_interrupt_pipe_write.load();
  const char byte = kQuit;
  [[maybe_unused]] const ssize_t written = write(fd, &byte, 1);
  waiter_.join();
  g_interrupt_pipe_write.store(-1);
  close(fd);
}

}  // namespace sluice::cli
