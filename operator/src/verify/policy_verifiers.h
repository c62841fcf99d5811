#pragma once
// The verifiers the policy gate (policy/evidence.h) runs with in production.
//   SSH commit and tag signatures: verify_git_ssh_signature (git verify-commit semantics).
//   gitsign (keyless) commits and cosign images: not built yet; they throw kUnimplemented, which
//   the gate turns into blocking CommitVerificationError / ImageVerificationError violations.

#include "policy/evidence.h"

namespace sluice::verify {

class PolicyCommitVerifier final : public policy::CommitVerifier {
 public:
  // Throws Error(kVerificationFailed) also when the commit has no committer time: allowed
  // signers' validity cannot be checked without one (git refuses to verify then too).
  policy::Signer verify_ssh(const policy::CommitEvidence& commit, std::string_view allowed_signers,
                            std::string_view source) const override;

  policy::Signer verify_keyless(const policy::CommitEvidence& commit,
                                const std::vector<policy::KeylessIdentity>& identities,
                                const std::optional<std::string>& trusted_root) const override;
};

class PolicyImageVerifier final : public policy::ImageVerifier {
 public:
  policy::Signer verify(const policy::ImageReference& image,
                        const policy::ImageRequirement& requirement) const override;
};

}  // namespace sluice::verify
