#include "cli/pull_command.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "cli/command_line.h"
#include "core/duration.h"
#include "core/error.h"
#include "git/credentials.h"
#include "git/pull.h"

namespace sluice::cli {
namespace {

struct PullArgs {
  std::string url;
  std::optional<git::Ref> ref;
  std::string out;
  Duration timeout = std::chrono::seconds(60);
  std::optional<std::string> secret_dir;
  std::optional<std::string> cache_dir;
  std::vector<std::string> ignore;
  std::optional<std::uint64_t> max_repository_bytes;
};

std::uint64_t parse_byte_count(const std::string& flag, const std::string& value) {
  const bool digits = !value.empty() && value.size() <= 19 &&
                      value.find_first_not_of("0123456789") == std::string::npos;
  const std::uint64_t bytes = digits ? std::stoull(value) : 0;
  if (bytes == 0) throw invalid_argument(flag + " wants a positive number of bytes");
  return bytes;
}

PullArgs parse_args(std::span<const std::string> args) {
  PullArgs parsed;
  std::string branch;  // --branch alone, or with --commit: a commit on that branch
  const auto set_ref = [&](git::Ref ref) {
    if (parsed.ref)
      throw invalid_argument("give only one of --branch, --tag, --semver and --commit");
    parsed.ref = std::move(ref);
  };
  const auto on_flag = [&](const std::string& flag, const std::string& value) {
    if (flag == "--branch") {
      if (!branch.empty()) throw invalid_argument("give --branch only once");
      branch = value;
    } else if (flag == "--tag") {
      set_ref(git::Ref::tag(value));
    } else if (flag == "--commit") {
      set_ref(git::Ref::commit(value));
    } else if (flag == "--semver") {
      set_ref(git::Ref::semver(value));
    } else if (flag == "--ignore") {
      parsed.ignore.push_back(value);
    } else if (flag == "--out") {
      parsed.out = value;
    } else if (flag == "--timeout") {
      parsed.timeout = parse_duration(value);
      if (parsed.timeout <= Duration::zero()) throw invalid_argument("--timeout must be positive");
    } else if (flag == "--secret-dir") {
      parsed.secret_dir = value;
    } else if (flag == "--cache-dir") {
      parsed.cache_dir = value;
    } else if (flag == "--max-repository-bytes") {
      parsed.max_repository_bytes = parse_byte_count(flag, value);
    } else {
      throw invalid_argument("unknown flag " + flag);
    }
  };
  for_each_argument(args, on_flag, [&](const std::string& arg) {
    if (!parsed.url.empty()) throw invalid_argument("pull takes one URL");
    parsed.url = arg;
  });
  if (parsed.url.empty()) {
    throw invalid_argument(
        "pull needs a URL: sluice pull URL (--branch B | --tag T | --semver RANGE | --commit SHA) "
        "--out DIR");
  }
  if (!parsed.ref) {
    if (!branch.empty()) {
      parsed.ref = git::Ref::branch(branch);
    } else {
      throw invalid_argument("pull needs one of --branch, --tag, --semver and --commit");
    }
  } else if (!branch.empty()) {
    if (parsed.ref->kind != git::RefKind::kCommit) {
      throw invalid_argument("give only one of --branch, --tag, --semver and --commit");
    }
    parsed.ref = git::Ref::commit_on_branch(parsed.ref->name, branch);
  }
  if (parsed.out.empty()) throw invalid_argument("pull needs --out DIR");
  git::validate(*parsed.ref);
  return parsed;
}

}  // namespace

int run_pull(const CommandContext& context) {
  return run_command<PullArgs>(context, &parse_args, [&context](PullArgs& args) {
    std::optional<TempDir> temp;
    std::filesystem::path cache_dir;
    if (args.cache_dir) {
      cache_dir = *args.cache_dir;
    } else {
      cache_dir = temp.emplace("sluice-pull-").path();
    }
    git::RepositoryCache cache(cache_dir);
    git::PullRequest request;
    request.url = args.url;
    request.ref = *args.ref;
    request.out = args.out;
    request.fetch.timeout = args.timeout;
    if (args.max_repository_bytes) {
      request.fetch.max_repository_bytes = *args.max_repository_bytes;
    }
    request.snapshot.ignore = args.ignore;
    if (args.secret_dir) request.fetch.credentials = git::read_credentials(*args.secret_dir);
    const git::PullResult result = git::pull(cache, request);
    context.out << "revision: " << result.revision << "\n"
                << "digest: " << result.digest << "\n";
    context.out.flush();
  });
}

}  // namespace sluice::cli
