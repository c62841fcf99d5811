#include "cli/verify_bundle_command.h"

#include <fstream>
#include <optional>
#include <string>

#include "cli/command_line.h"
#include "core/error.h"
#include "core/sha256.h"
#include "core/unix_time.h"
#include "verify/sigstore/verifier.h"

namespace sluice::cli {
namespace {

namespace sigstore = verify::sigstore;

// Artifacts up to this size are kept in memory so Ed25519 signatures (over the whole message)
// can be checked; larger ones are only hashed.
constexpr std::size_t kMaxArtifactBytesInMemory = std::size_t{64} * 1024 * 1024;
constexpr std::size_t kMaxKeyBytes = std::size_t{64} * 1024;

struct VerifyBundleArgs {
  std::string bundle;
  IdentityFlags identity;
  std::optional<std::string> key;
  std::string trusted_root;
  std::string artifact;
  std::optional<std::string> artifact_sha256;  // raw, when given as sha256:<hex>
  sigstore::CertificateIdentityMatcher matcher;
};

std::optional<std::string> digest_argument(const std::string& argument) {
  if (!argument.starts_with("sha256:")) return std::nullopt;
  std::optional<std::string> raw = from_hex(argument.substr(7));
  if (!raw || raw->size() != 32) {
    throw invalid_argument("\"" + argument + "\" is not sha256: and 64 hex digits");
  }
  return raw;
}

VerifyBundleArgs parse_args(std::span<const std::string> args) {
  VerifyBundleArgs parsed;
  bool have_artifact = false;
  const auto on_flag = [&](const std::string& flag, const std::string& value) {
    if (flag == "--bundle") {
      parsed.bundle = value;
    } else if (parsed.identity.take(flag, value)) {
    } else if (flag == "--key") {
      parsed.key = value;
    } else if (flag == "--trusted-root") {
      parsed.trusted_root = value;
    } else {
      throw invalid_argument("unknown flag " + flag);
    }
  };
  const auto on_positional = [&](const std::string& arg) {
    if (have_artifact) throw invalid_argument("verify-bundle takes one FILE_OR_DIGEST");
    parsed.artifact = arg;
    parsed.artifact_sha256 = digest_argument(arg);
    have_artifact = true;
  };
  for_each_argument(args, on_flag, on_positional);
  if (parsed.bundle.empty()) throw invalid_argument("verify-bundle needs --bundle FILE");
  if (!have_artifact) throw invalid_argument("verify-bundle needs the artifact FILE or sha256:HEX");
  const bool identity_flags = parsed.identity.any();
  if (parsed.key && identity_flags) {
    throw invalid_argument(
        "give either --key or --certificate-identity[-regexp]/--certificate-oidc-issuer[-regexp]");
  }
  if (!parsed.key) {
    if (!identity_flags) {
      throw invalid_argument(
          "verify-bundle needs --key PUBKEY.pem, or --certificate-identity[-regexp] and "
          "--certificate-oidc-issuer[-regexp]");
    }
    // Checks the regexps now, so a bad one is a usage error.
    parsed.matcher = parsed.identity.matcher();
  }
  if (parsed.trusted_root.empty()) {
    throw invalid_argument("verify-bundle needs --trusted-root FILE (there is no default)");
  }
  return parsed;
}

sigstore::Artifact read_artifact(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw not_found("cannot read artifact " + path);
  sigstore::Artifact artifact;
  std::string kept;
  bool keep = true;
  Sha256 hash;
  std::string chunk(1 << 16, '\0');
  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    const std::string_view got(chunk.data(), static_cast<std::size_t>(in.gcount()));
    hash.update(got);
    if (keep && kept.size() + got.size() <= kMaxArtifactBytesInMemory) {
      kept.append(got);
    } else {
      keep = false;
      kept.clear();
    }
  }
  if (in.bad()) throw not_found("error reading artifact " + path);
  artifact.sha256 = hash.finish_raw();
  if (keep) artifact.bytes = std::move(kept);
  return artifact;
}

}  // namespace

int run_verify_bundle(const CommandContext& context) {
  return run_command<VerifyBundleArgs>(context, &parse_args, [&context](VerifyBundleArgs& args) {
    sigstore::Artifact artifact;
    if (args.artifact_sha256) {
      artifact.sha256 = *args.artifact_sha256;
    } else {
      artifact = read_artifact(args.artifact);
    }
    const sigstore::TrustedRoot root = read_trusted_root(args.trusted_root);
    sigstore::SignerPolicy policy;
    if (args.key) {
      policy.key = sigstore::parse_public_key_pem(read_small_file(*args.key, "key", kMaxKeyBytes),
                                                  ErrorCode::kInvalidArgument, *args.key);
    } else {
      policy.identity = args.matcher;
    }
    const sigstore::VerificationResult result = [&] {
      try {
        const sigstore::Bundle bundle = sigstore::parse_bundle(
            read_small_file(args.bundle, "bundle", sigstore::kMaxBundleBytes));
        return sigstore::verify_bundle(bundle, root, artifact, policy, unix_seconds_now());
      } catch (const Error& e) {
        throw e.with_context(args.bundle);
      }
    }();
    context.out << "verified: " << args.artifact << "\n"
                << "signer: " << result.signer << "\n";
    for (const std::int64_t index : result.log_indexes) {
      context.out << "log index: " << index << "\n";
    }
    context.out.flush();
  });
}

}  // namespace sluice::cli
