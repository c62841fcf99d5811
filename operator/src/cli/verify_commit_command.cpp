#include "cli/verify_commit_command.h"

#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "cli/command_line.h"
#include "core/duration.h"
#include "core/error.h"
#include "git/credentials.h"
#include "git/repository_cache.h"
#include "git/signature.h"
#include "verify/git_ssh.h"

namespace sluice::cli {
namespace {

struct VerifyCommitArgs {
  std::string repo;
  std::string rev = "HEAD";
  std::string allowed_signers;
  Duration timeout = std::chrono::seconds(60);
  std::optional<std::string> secret_dir;
};

VerifyCommitArgs parse_args(std::span<const std::string> args) {
  VerifyCommitArgs parsed;
  bool keyless = false;
  const auto on_flag = [&](const std::string& flag, const std::string& value) {
    if (flag == "--repo") {
      parsed.repo = value;
    } else if (flag == "--rev") {
      parsed.rev = value;
    } else if (flag == "--allowed-signers") {
      parsed.allowed_signers = value;
    } else if (flag == "--timeout") {
      parsed.timeout = parse_duration(value);
      if (parsed.timeout <= Duration::zero()) throw invalid_argument("--timeout must be positive");
    } else if (flag == "--secret-dir") {
      parsed.secret_dir = value;
    } else if (is_keyless_flag(flag)) {
      keyless = true;
    } else {
      throw invalid_argument("unknown flag " + flag);
    }
  };
  for_each_argument(args, on_flag, [](const std::string& arg) {
    throw invalid_argument("unexpected argument \"" + arg + "\" (use --repo and --rev)");
  });
  if (keyless) {
    throw unimplemented("keyless (gitsign) commit verification is not built yet");
  }
  if (parsed.repo.empty()) throw invalid_argument("verify-commit needs --repo PATH|URL");
  if (parsed.allowed_signers.empty()) {
    throw invalid_argument("verify-commit needs --allowed-signers FILE");
  }
  return parsed;
}

bool is_url(const std::string& repo) {
  if (repo.find("://") != std::string::npos) return true;
  const std::size_t colon = repo.find(':');  // scp-like user@host:path
  const std::size_t at = repo.find('@');
  return at != std::string::npos && colon != std::string::npos && at < colon &&
         repo.find('/') > colon;
}

// The kind of signature an armored block holds, for a clear refusal of non-SSH ones.
std::string_view signature_format(const std::string& armored) {
  if (armored.starts_with("-----BEGIN SSH SIGNATURE-----")) return "ssh";
  if (armored.starts_with("-----BEGIN SIGNED MESSAGE-----")) return "x509 (gitsign)";
  return "OpenPGP";
}

git::RevisionSignature fetch_and_read(const VerifyCommitArgs& args, const TempDir& cache_dir) {
  git::RepositoryCache cache(cache_dir.path());
  git::FetchOptions options;
  options.timeout = args.timeout;
  if (args.secret_dir) options.credentials = git::read_credentials(*args.secret_dir);
  const bool is_sha =
      args.rev.size() == 40 && args.rev.find_first_not_of("0123456789abcdef") == std::string::npos;
  if (args.rev.starts_with("refs/tags/")) {
    const git::FetchResult fetched =
        cache.fetch(args.repo, git::Ref::tag(args.rev.substr(10)), options);
    return git::revision_signature(fetched.repository, args.rev);
  }
  const git::FetchResult fetched = cache.fetch(
      args.repo, is_sha ? git::Ref::commit(args.rev) : git::Ref::branch(args.rev), options);
  return git::revision_signature(fetched.repository, fetched.commit);
}

}  // namespace

int run_verify_commit(const CommandContext& context) {
  return run_command<VerifyCommitArgs>(context, &parse_args, [&context](VerifyCommitArgs& args) {
    const verify::AllowedSigners allowed(
        read_small_file(args.allowed_signers, "allowed signers file"), args.allowed_signers);
    for (const std::string& problem : allowed.malformed_lines()) {
      context.err << "warning: skipping " << problem << "\n";
    }
    const TempDir cache_dir("sluice-verify-");
    const git::RevisionSignature revision = is_url(args.repo)
                                                ? fetch_and_read(args, cache_dir)
                                                : git::revision_signature(args.repo, args.rev);
    const std::string what = (revision.is_tag ? "tag " : "commit ") + revision.object_id;
    if (!revision.signature) {
      throw Error(ErrorCode::kVerificationFailed, what + " is not signed");
    }
    const std::string_view format = signature_format(revision.signature->signature);
    if (format != "ssh") {
      throw Error(ErrorCode::kVerificationFailed,
                  what + " carries an " + std::string(format) +
                      " signature; --allowed-signers checks SSH signatures");
    }
    if (!revision.signature->signed_at) {
      throw Error(ErrorCode::kVerificationFailed, what + " has no committer or tagger time");
    }
    try {
      const verify::SshSigner signer = verify::verify_git_ssh_signature(
          revision.signature->signature, revision.signature->payload,
          *revision.signature->signed_at, allowed);
      context.out << "verified: " << what << "\n"
                  << "signer: " << signer.principal << "\n"
                  << "key: " << signer.key_type << " " << signer.fingerprint << "\n";
      context.out.flush();
    } catch (const Error& e) {
      throw e.with_context(what);
    }
  });
}

}  // namespace sluice::cli
