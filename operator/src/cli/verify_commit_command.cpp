#include "cli/verify_commit_command.h"

#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "cli/command_line.h"
#include "core/duration.h"
#include "core/error.h"
#include "core/unix_time.h"
#include "git/credentials.h"
#include "git/repository_cache.h"
#include "git/signature.h"
#include "verify/git_ssh.h"
#include "verify/gitsign.h"
#include "verify/sigstore/certificate.h"
#include "verify/sigstore/trusted_root.h"

namespace sluice::cli {
namespace {

struct VerifyCommitArgs {
  std::string repo;
  std::string rev = "HEAD";
  std::string allowed_signers;
  // gitsign (keyless): the identity and issuer (exact or by regexp) and the trusted root.
  IdentityFlags identity;
  verify::sigstore::CertificateIdentityMatcher matcher;
  std::string trusted_root;
  bool insecure_ignore_tlog = false;
  Duration timeout = std::chrono::seconds(60);
  std::optional<std::string> secret_dir;
};

bool keyless(const VerifyCommitArgs& args) {
  return args.identity.any() || !args.trusted_root.empty();
}

VerifyCommitArgs parse_args(std::span<const std::string> args) {
  VerifyCommitArgs parsed;
  const std::vector<std::string> normalized = with_boolean_values(args, {"--insecure-ignore-tlog"});
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
    } else if (parsed.identity.take(flag, value)) {
    } else if (flag == "--trusted-root") {
      parsed.trusted_root = value;
    } else if (flag == "--insecure-ignore-tlog") {
      parsed.insecure_ignore_tlog = parse_bool_flag(flag, value);
    } else {
      throw invalid_argument("unknown flag " + flag);
    }
  };
  for_each_argument(normalized, on_flag, [](const std::string& arg) {
    throw invalid_argument("unexpected argument \"" + arg + "\" (use --repo and --rev)");
  });
  if (parsed.repo.empty()) throw invalid_argument("verify-commit needs --repo PATH|URL");
  if (keyless(parsed)) {
    if (!parsed.allowed_signers.empty()) {
      throw invalid_argument("give either --allowed-signers (SSH) or the keyless flags, not both");
    }
    parsed.matcher = parsed.identity.matcher();
    if (parsed.trusted_root.empty()) {
      throw invalid_argument(
          "keyless verification needs --trusted-root FILE (the public-good sigstore root is not "
          "bundled)");
    }
  } else if (parsed.allowed_signers.empty()) {
    throw invalid_argument(
        "verify-commit needs --allowed-signers FILE, or --certificate-identity, "
        "--certificate-oidc-issuer and --trusted-root FILE for gitsign signatures");
  }
  if (parsed.insecure_ignore_tlog && !keyless(parsed)) {
    throw invalid_argument("--insecure-ignore-tlog applies to keyless verification only");
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

void verify_ssh(const VerifyCommitArgs& args, const CommandContext& context,
                const git::SignedObject& signed_object, const std::string& what) {
  const verify::AllowedSigners allowed(
      read_small_file(args.allowed_signers, "allowed signers file"), args.allowed_signers);
  for (const std::string& problem : allowed.malformed_lines()) {
    context.err << "warning: skipping " << problem << "\n";
  }
  if (!signed_object.signed_at) {
    throw Error(ErrorCode::kVerificationFailed, what + " has no committer or tagger time");
  }
  const verify::SshSigner signer = verify::verify_git_ssh_signature(
      signed_object.signature, signed_object.payload, *signed_object.signed_at, allowed);
  context.out << "verified: " << what << "\n"
              << "signer: " << signer.principal << "\n"
              << "key: " << signer.key_type << " " << signer.fingerprint << "\n";
}

void verify_keyless(const VerifyCommitArgs& args, const CommandContext& context,
                    const git::SignedObject& signed_object, const std::string& what) {
  const verify::sigstore::TrustedRoot root = read_trusted_root(args.trusted_root);
  verify::GitsignOptions options;
  options.insecure_ignore_tlog = args.insecure_ignore_tlog;
  options.now = unix_seconds_now();
  const verify::GitsignSigner signer = verify::verify_gitsign_signature(
      signed_object.signature, signed_object.payload, root, options);
  verify::sigstore::check_certificate_identity(signer.identity, args.matcher);
  if (args.insecure_ignore_tlog) {
    context.err << "warning: --insecure-ignore-tlog: the transparency log entry was not "
                   "checked; the certificate was checked at the signature's own signing time\n";
  }
  context.out << "verified: " << what << "\n"
              << "signer: " << args.matcher.matching_subject(signer.identity) << " (issuer "
              << signer.identity.oidc_issuer << ")\n"
              << "certificate: " << signer.certificate_fingerprint << "\n";
  if (signer.log_index) context.out << "tlog index: " << *signer.log_index << "\n";
  context.out << "verified time: " << signer.verified_time
              << (signer.time_from_tlog ? " (transparency log)" : " (signing-time, unverified)")
              << "\n";
}

}  // namespace

int run_verify_commit(const CommandContext& context) {
  return run_command<VerifyCommitArgs>(context, &parse_args, [&context](VerifyCommitArgs& args) {
    const TempDir cache_dir("sluice-verify-");
    const git::RevisionSignature revision = is_url(args.repo)
                                                ? fetch_and_read(args, cache_dir)
                                                : git::revision_signature(args.repo, args.rev);
    const std::string what = (revision.is_tag ? "tag " : "commit ") + revision.object_id;
    if (!revision.signature) {
      throw Error(ErrorCode::kVerificationFailed, what + " is not signed");
    }
    const std::string_view format = signature_format(revision.signature->signature);
    const std::string_view wanted = keyless(args) ? "x509 (gitsign)" : "ssh";
    if (format != wanted) {
      throw Error(ErrorCode::kVerificationFailed,
                  what + " carries an " + std::string(format) + " signature; " +
                      (keyless(args) ? "the keyless flags check gitsign (X.509) signatures"
                                     : "--allowed-signers checks SSH signatures"));
    }
    try {
      if (keyless(args)) {
        verify_keyless(args, context, *revision.signature, what);
      } else {
        verify_ssh(args, context, *revision.signature, what);
      }
      context.out.flush();
    } catch (const Error& e) {
      throw e.with_context(what);
    }
  });
}

}  // namespace sluice::cli
