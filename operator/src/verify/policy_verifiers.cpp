#include "verify/policy_verifiers.h"

#include "core/error.h"
#include "verify/git_ssh.h"
#include "verify/public_key.h"
#include "verify/sigstore/trusted_root.h"

namespace sluice::verify {

policy::Signer PolicyCommitVerifier::verify_ssh(const policy::CommitEvidence& commit,
                                                std::string_view allowed_signers,
                                                std::string_view source) const {
  if (!commit.signature) {
    throw Error(ErrorCode::kVerificationFailed, "commit " + commit.revision + " is not signed");
  }
  if (!commit.signed_at) {
    throw Error(ErrorCode::kVerificationFailed,
                "commit " + commit.revision +
                    " has no committer time to check the allowed signers' validity at");
  }
  const AllowedSigners allowed{std::string(allowed_signers), std::string(source)};
  const SshSigner signer =
      verify_git_ssh_signature(*commit.signature, commit.payload, *commit.signed_at, allowed);
  return policy::Signer{"ssh", signer.principal, signer.fingerprint};
}

policy::Signer PolicyCommitVerifier::verify_keyless(
    const policy::CommitEvidence& /*commit*/,
    const std::vector<policy::KeylessIdentity>& /*identities*/,
    const std::optional<std::string>& /*trusted_root*/) const {
  throw unimplemented("keyless (gitsign) commit signatures are not verified yet");
}

policy::Signer PolicyImageVerifier::verify(const ImageReference& image,
                                           const policy::ImageRequirement& requirement) const {
  if (requirement.public_keys_pem.empty()) {
    throw unimplemented("keyless image signatures are not verified yet (" + image.to_string() +
                        ")");
  }
  oci::RegistryClient registry(oci::registry_api_host(image),
                               registries_ ? registries_(image.domain) : oci::RegistryOptions{});
  // The requirement's trusted root, when it names one, holds the Rekor keys entries must verify
  // under; otherwise the verifier's own (options_); ignore_tlog needs neither.
  oci::ImageVerifyOptions options = options_;
  if (requirement.trusted_root && !options.ignore_tlog) {
    try {
      options.trusted_root = sigstore::parse_trusted_root(*requirement.trusted_root);
    } catch (const Error& e) {
      throw e.with_context("the image requirement's trusted root");
    }
  }
  std::string reasons;
  bool any_signature = false;
  for (std::size_t i = 0; i < requirement.public_keys_pem.size(); ++i) {
    const PublicKey key =
        PublicKey::from_pem(requirement.public_keys_pem[i], "key " + std::to_string(i + 1));
    try {
      oci::verify_image_with_key(registry, image, key, options);
      return policy::Signer{"key", key.description(), key.fingerprint()};
    } catch (const Error& e) {
      if (e.code() != ErrorCode::kVerificationFailed && e.code() != ErrorCode::kNotFound) throw;
      any_signature = any_signature || e.code() == ErrorCode::kVerificationFailed;
      reasons += (reasons.empty() ? "" : "; ") + e.message();
    }
  }
  throw Error(any_signature ? ErrorCode::kVerificationFailed : ErrorCode::kNotFound, reasons);
}

}  // namespace sluice::verify
