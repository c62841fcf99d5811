#include "cli/run_command.h"

#include <cstdlib>
#include <fstream>
#include <thread>

#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "cli/cluster_command.h"
#include "cli/command_line.h"
#include "controller/manager.h"
#include "core/duration.h"
#include "http/exchange.h"
#include "kube/config.h"
#include "kube/leader_election.h"

namespace sluice::cli {
namespace {

struct RunArgs {
  std::string kubeconfig;
  controller::ManagerOptions manager;
};

std::size_t parse_count(const std::string& flag, const std::string& value) {
  const bool digits = !value.empty() && value.size() <= 4 &&
                      value.find_first_not_of("0123456789") == std::string::npos;
  const std::size_t count = digits ? std::stoul(value) : 0;
  if (count == 0) throw invalid_argument(flag + " wants a positive number");
  return count;
}

std::string pod_namespace() {
  if (const char* ns = std::getenv("POD_NAMESPACE"); ns != nullptr && *ns != '\0') return ns;
  std::ifstream file(std::string(kube::kServiceAccountDir) + "/namespace");
  std::string ns;
  if (file >> ns && !ns.empty()) return ns;
  return "sluice-system";
}

std::chrono::milliseconds parse_period(const std::string& flag, const std::string& value) {
  Duration period;
  try {
    period = parse_duration(value);
  } catch (const Error& e) {
    throw invalid_argument(flag + ": " + e.message());
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(period);
  if (ms.count() <= 0) throw invalid_argument(flag + " wants a positive duration");
  return ms;
}

RunArgs parse_args(std::span<const std::string> raw) {
  RunArgs parsed;
  parsed.manager.operator_namespace.clear();
  controller::LeaderElectionOptions& election = parsed.manager.leader_election;
  const std::vector<std::string> args =
      with_boolean_values(raw, {"--leader-elect", "--no-cross-namespace-refs"});
  for_each_argument(
      args,
      [&](const std::string& flag, const std::string& value) {
        if (flag == "--leader-elect") {
          election.enabled = parse_bool_flag(flag, value);
        } else if (flag == "--leader-election-namespace") {
          election.lease_namespace = value;
        } else if (flag == "--leader-election-lease-duration") {
          election.lease_duration = parse_period(flag, value);
        } else if (flag == "--leader-election-renew-deadline") {
          election.renew_deadline = parse_period(flag, value);
        } else if (flag == "--leader-election-retry-period") {
          election.retry_period = parse_period(flag, value);
        } else if (flag == "--kube-api-qps") {
          parsed.manager.kube_api_qps = static_cast<double>(parse_count(flag, value));
        } else if (flag == "--kube-api-burst") {
          parsed.manager.kube_api_burst = static_cast<int>(parse_count(flag, value));
        } else if (flag == "--default-service-account") {
          parsed.manager.default_service_account = value;
        } else if (flag == "--no-cross-namespace-refs") {
          parsed.manager.no_cross_namespace_refs = parse_bool_flag(flag, value);
        } else if (flag == "--watch-label-selector") {
          parsed.manager.watch_label_selector = value;
        } else if (flag == "--kubeconfig") {
          parsed.kubeconfig = value;
        } else if (flag == "--metrics-addr") {
          parsed.manager.metrics_address = value;
        } else if (flag == "--health-addr") {
          parsed.manager.health_address = value;
        } else if (flag == "--webhook-addr") {
          parsed.manager.webhook_address = value;
        } else if (flag == "--status-addr") {
          parsed.manager.status_address = value;
        } else if (flag == "--snapshot-max-files") {
          parsed.manager.snapshot_max_files = parse_count(flag, value);
        } else if (flag == "--concurrency") {
          parsed.manager.concurrency = parse_count(flag, value);
        } else if (flag == "--namespace") {
          parsed.manager.watch_namespace = value;
        } else if (flag == "--storage-dir") {
          parsed.manager.storage_dir = value;
        } else if (flag == "--operator-namespace") {
          parsed.manager.operator_namespace = value;
        } else {
          throw invalid_argument("unknown flag " + flag);
        }
      },
      [](const std::string& arg) { throw invalid_argument("unexpected argument " + arg); });
  // Checked here too, so that a bad combination is a usage error rather than a failed start.
  if (election.enabled) {
    kube::validate_lease_timing(election.lease_duration, election.renew_deadline,
                                election.retry_period);
  }
  return parsed;
}

// --kubeconfig or $KUBECONFIG, read as the other cluster commands read them
// (kubeconfig_path); without either, the in-cluster service account, not ~/.kube/config: an
// operator in a pod must not pick up a stray file.
kube::ClusterConfig cluster_config(const std::string& flag) {
  const char* env = std::getenv("KUBECONFIG");
  if (flag.empty() && (env == nullptr || *env == '\0')) return kube::in_cluster_config();
  return kube::load_kubeconfig(kubeconfig_path(flag));
}

}  // namespace

int run_operator(const CommandContext& context) {
  RunArgs args;
  try {
    args = parse_args(context.args);
  } catch (const Error& e) {
    return report_argument_error(context, e);
  }
  // The operator logs (JSON lines by default) rather than printing "Error:" lines: its
  // failures belong in the same stream as everything else it says.
  try {
    // cpprestsdk's I/O pool would start 40 threads; asio needs few, the fibers do the waiting.
    http::set_io_threads(std::max(4U, std::thread::hardware_concurrency()));
    args.manager.cluster = cluster_config(args.kubeconfig);
    if (args.manager.operator_namespace.empty()) args.manager.operator_namespace = pod_namespace();
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) == 0 && host[0] != '\0') args.manager.instance = host;
    args.manager.threads = std::max(2U, std::thread::hardware_concurrency());

    // Every thread the manager starts inherits the blocked signals; this one waits for them.
    // SIGUSR1 is the manager's own: a leader that lost its lease asks the process to end.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGUSR1);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    args.manager.on_leadership_lost = [] { kill(getpid(), SIGUSR1); };

    controller::Manager manager(std::move(args.manager));
    manager.start();
    int received = 0;
    sigwait(&signals, &received);
    if (received == SIGUSR1) {
      // As client-go's controllers: restart (the pod restarts) and come back as a standby.
      spdlog::error("leadership lost: stopping, to restart as a standby");
    } else {
      spdlog::info("received {}, stopping", received == SIGTERM ? "SIGTERM" : "SIGINT");
    }
    manager.stop();
    return received == SIGUSR1 ? kExitFailure : kExitOk;
  } catch (...) {
    spdlog::error("{}", Error::from_current_exception().message());
    return kExitFailure;
  }
}

}  // namespace sluice::cli
