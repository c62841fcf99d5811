#include "cli/app.h"

#include <optional>
#include <string_view>
#include <vector>

#include <spdlog/spdlog.h>

#include "cli/build_command.h"
#include "cli/crds_command.h"
#include "cli/diff_command.h"
#include "cli/get_command.h"
#include "cli/pull_command.h"
#include "cli/reconcile_command.h"
#include "cli/run_command.h"
#include "cli/verify_bundle_command.h"
#include "cli/verify_commit_command.h"
#include "cli/verify_image_command.h"
#include "core/error.h"

namespace sluice::cli {
namespace {

using Handler = int (*)(const CommandContext&);

struct Command {
  std::string_view name;
  std::string_view synopsis;
  std::string_view summary;
  Handler handler;
  LogFormat default_log_format = LogFormat::kText;
  std::string_view details = {};  // `COMMAND --help` only, after the summary
};

// The whole command surface, in the order `--help` lists it.
constexpr Command kCommands[] = {
    {"run",
     "run [--kubeconfig PATH] [--namespace NS] [--concurrency N] [--storage-dir DIR] "
     "[--metrics-addr HOST:PORT] [--health-addr HOST:PORT] [--webhook-addr HOST:PORT] "
     "[--status-addr HOST:PORT] "
     "[--operator-namespace NS] [--kube-api-qps N] [--kube-api-burst N] "
     "[--watch-label-selector SELECTOR] [--default-service-account NAME] "
     "[--no-cross-namespace-refs] [--leader-elect] [--leader-election-namespace NS] "
     "[--leader-election-lease-duration D] [--leader-election-renew-deadline D] "
     "[--leader-election-retry-period D] [--snapshot-max-files N]",
     "Run the operator: watch GitSources and Applications and reconcile them", &run_operator,
     LogFormat::kJson,
     "--watch-label-selector reconciles only the GitSources and Applications whose labels match\n"
     "(e.g. 'sharding.sluice.dev/key in (shard1)'), so several deployments can share a cluster;\n"
     "SigningPolicies always apply to everything.\n\n"
     "Tenancy: an Application's spec.serviceAccountName (or --default-service-account) is the\n"
     "ServiceAccount of its namespace that every apply and prune is sent as, so its RBAC bounds\n"
     "what the Application can change. --no-cross-namespace-refs refuses a sourceRef or\n"
     "dependsOn into another namespace.\n\n"
     "--leader-elect runs one active replica: standbys keep their caches warm and take over the\n"
     "Lease 'sluice-leader-election' (in the operator namespace) when the leader stops or fails\n"
     "to renew (defaults: lease 15s, renew deadline 10s, retry 2s). On SIGTERM the leader\n"
     "finishes or cancels its reconciles, releases the Lease and exits 0; a leader that loses\n"
     "the Lease exits 1.\n\n"
     "--snapshot-max-files bounds the files and symlinks written for one revision of a GitSource\n"
     "(default 262144; paths excluded by spec.ignore or .sluiceignore do not count): a larger\n"
     "tree fails with ArtifactFailed and the previous artifact is kept.\n"},
    {"build", "build DIR [--root ROOT] [--substitute KEY=VALUE ...]",
     "Render a kustomize overlay (or a folder of YAML) to stdout",
     [](const CommandContext& context) {
       return run_build(context.args, context.out, context.err);
     },
     LogFormat::kText,
     "DIR is rendered as `kubectl kustomize DIR` renders it. A DIR without a kustomization file\n"
     "renders every .yaml/.yml file below it, as Flux does (kubectl refuses such a folder); a\n"
     "sub-folder with its own kustomization file is built as one.\n\n"
     "Flags:\n"
     "  --root ROOT             Read nothing outside the folder ROOT. Default: the top of the\n"
     "                          Git work tree holding DIR (the nearest folder up from DIR with\n"
     "                          a .git entry), so an overlay may name ../../base, as under\n"
     "                          Flux; outside any work tree, DIR itself\n"
     "  --substitute KEY=VALUE  Replace ${KEY} in the output, as Flux's postBuild.substitute\n"
     "                          (repeatable)\n"},
    {"pull", "pull URL (--branch B | --tag T | --semver R | --commit SHA) --out DIR",
     "Fetch a Git revision and write its tree", &run_pull},
    {"verify-commit",
     "verify-commit --repo PATH|URL [--rev REV] (--allowed-signers FILE | "
     "--certificate-identity[-regexp] ID --certificate-oidc-issuer[-regexp] URL "
     "--trusted-root FILE "
     "[--insecure-ignore-tlog])",
     "Verify the SSH or gitsign (keyless X.509) signature of a commit or tag", &run_verify_commit},
    {"verify-image",
     "verify-image REF (--key PUBKEY.pem | --certificate-identity[-regexp] ID "
     "--certificate-oidc-issuer[-regexp] URL [--insecure-ignore-sct]) "
     "[--trusted-root FILE] [--insecure-ignore-tlog]",
     "Verify an image's cosign signatures in its registry", &run_verify_image},
    {"verify-bundle",
     "verify-bundle --bundle FILE (--certificate-identity[-regexp] ID "
     "--certificate-oidc-issuer[-regexp] URL | "
     "--key PUBKEY.pem) --trusted-root FILE FILE_OR_DIGEST",
     "Verify a sigstore bundle (sigstore conformance protocol)", &run_verify_bundle},
    {"crds", "crds [--out DIR]", "Print the CustomResourceDefinitions (or write them to DIR)",
     &run_crds},
    {"get", "get apps|sources|policies [NAME] [-n NAMESPACE | -A] [--watch] [--kubeconfig PATH]",
     "Show Applications, GitSources and SigningPolicies with their status", &run_get},
    {"reconcile",
     "reconcile app|source NAME [-n NAMESPACE] [--with-source] [--timeout 5m] "
     "[--kubeconfig PATH]",
     "Ask the operator to reconcile now and wait for the result", &run_reconcile},
    {"suspend", "suspend app|source NAME [-n NAMESPACE] [--kubeconfig PATH]",
     "Stop reconciling an object", &run_suspend},
    {"resume", "resume app|source NAME [-n NAMESPACE] [--timeout 5m] [--kubeconfig PATH]",
     "Resume reconciling an object and wait for the result", &run_resume},
    {"diff", "diff app NAME [-n NAMESPACE] [--path DIR] [--kubeconfig PATH]",
     "Show what applying the current revision would change", &run_diff, LogFormat::kText,
     "Renders the Application as the operator does, from its GitSource's current revision (or,\n"
     "with --path, from the folder DIR, e.g. a pull request's checkout), server-side dry-runs\n"
     "every object and prints what would be created, a unified diff of what would change, and\n"
     "what prune would delete. Secret values are masked. Nothing is written.\n\n"
     "Exit codes: 0 no changes, 1 changes, 2 an error.\n"},
};

const Command* find_command(std::string_view name) {
  for (const Command& command : kCommands) {
    if (command.name == name) return &command;
  }
  return nullptr;
}

void print_usage(std::ostream& out) {
  out << "sluice " SLUICE_VERSION " - GitOps for Kubernetes with signature policy\n\n"
      << "Usage: sluice [global flags] COMMAND [args]\n\nCommands:\n";
  for (const Command& command : kCommands) {
    std::string name(command.name);
    name.resize(16, ' ');
    out << "  " << name << command.summary << "\n";
  }
  out << "\nGlobal flags:\n"
      << "  -h, --help              Show this help, or a command's with COMMAND --help\n"
      << "      --version           Print the version\n"
      << "      --log-level LEVEL   trace, debug, info (default), warn, error, off\n"
      << "      --log-format FORMAT text (default) or json (default for run)\n";
}

void print_command_usage(const Command& command, std::ostream& out) {
  out << "Usage: sluice " << command.synopsis << "\n\n" << command.summary << "\n";
  if (!command.details.empty()) out << "\n" << command.details;
}

struct ParsedLine {
  bool help = false;
  bool version = false;
  std::optional<std::string> log_level;
  std::optional<std::string> log_format;
  std::vector<std::string> rest;  // the subcommand and its own arguments
};

// Pulls the global flags out wherever they stand, leaving the subcommand's arguments in order.
ParsedLine parse_global_flags(std::span<const std::string> args) {
  ParsedLine line;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto take_value = [&](std::string_view flag) -> std::optional<std::string> {
      if (arg == flag) {
        if (i + 1 >= args.size()) throw invalid_argument(std::string(flag) + " needs a value");
        return args[++i];
      }
      if (arg.starts_with(std::string(flag) + "=")) return arg.substr(flag.size() + 1);
      return std::nullopt;
    };
    if (arg == "--") {
      line.rest.insert(line.rest.end(), args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
      break;
    }
    if (arg == "-h" || arg == "--help") {
      line.help = true;
    } else if (arg == "--version") {
      line.version = true;
    } else if (auto level = take_value("--log-level")) {
      line.log_level = std::move(level);
    } else if (auto format = take_value("--log-format")) {
      line.log_format = std::move(format);
    } else {
      line.rest.push_back(arg);
    }
  }
  return line;
}

}  // namespace

int run_cli(std::span<const std::string> args, std::ostream& out, std::ostream& err,
            std::ostream* log_sink) {
  ParsedLine line;
  LogOptions log;
  try {
    line = parse_global_flags(args);
    if (line.log_level) log.level = parse_log_level(*line.log_level);
  } catch (const Error& e) {
    err << "sluice: " << e.message() << "\n";
    return kExitUsage;
  }

  if (line.version) {
    out << "sluice " SLUICE_VERSION "\n";
    return kExitOk;
  }
  if (line.rest.empty() || (line.help && line.rest.front() == "help")) {
    print_usage(line.help || !line.rest.empty() ? out : err);
    return line.help ? kExitOk : kExitUsage;
  }
  std::string_view name = line.rest.front();
  if (name == "help") {
    if (line.rest.size() < 2) {
      print_usage(out);
      return kExitOk;
    }
    line.help = true;
    name = line.rest[1];
  }
  const Command* command = find_command(name);
  if (command == nullptr) {
    err << "sluice: unknown command \"" << name << "\"\n\n";
    print_usage(err);
    return kExitUsage;
  }
  if (line.help) {
    print_command_usage(*command, out);
    return kExitOk;
  }
  try {
    log.format = line.log_format ? parse_log_format(*line.log_format) : command->default_log_format;
  } catch (const Error& e) {
    err << "sluice: " << e.message() << "\n";
    return kExitUsage;
  }
  configure_logging(log, log_sink);
  const std::vector<std::string> command_args(line.rest.begin() + 1, line.rest.end());
  try {
    return command->handler(CommandContext{command_args, out, err, log});
  } catch (const Error& e) {
    spdlog::error("{}", e.message());
    return kExitFailure;
  } catch (...) {
    spdlog::error("{}", Error::from_current_exception().message());
    return kExitFailure;
  }
}

}  // namespace sluice::cli
