#include "verify/policy_verifiers.h"

#include "core/error.h"
#include "verify/git_ssh.h"

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

policy::Signer PolicyImageVerifier::verify(const policy::ImageReference& image,
                                           const policy::ImageRequirement& /*requirement*/) const {
  throw unimplemented("cosign image signatures are not verified yet (" + image.to_string() + ")");
}

}  // namespace sluice::verify
