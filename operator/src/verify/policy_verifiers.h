#pragma once
// The verifiers the policy gate (policy/evidence.h) runs with in production.
//   SSH commit and tag signatures: verify_git_ssh_signature (git verify-commit semantics).
//   cosign images signed with a key: verify/oci/cosign.h (cosign verify --key semantics,
//   Rekor entries checked offline against a trusted root).
//   gitsign (keyless) commits and keyless images: not built yet; they throw kUnimplemented,
//   which the gate turns into blocking CommitVerificationError / ImageVerificationError
//   violations.

#include <functional>
#include <utility>

#include "policy/evidence.h"
#include "verify/oci/cosign.h"
#include "verify/oci/registry_client.h"

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

// How to reach registries: per registry host (ImageReference::domain), the options to use
// (credentials, CA, plain HTTP for a loopback test registry). The default is anonymous HTTPS.
using RegistryOptionsFor = std::function<oci::RegistryOptions(const std::string& registry)>;

class PolicyImageVerifier final : public policy::ImageVerifier {
 public:
  explicit PolicyImageVerifier(RegistryOptionsFor registries = {},
                               oci::ImageVerifyOptions options = {})
      : registries_(std::move(registries)), options_(std::move(options)) {}

  // Tries each of the requirement's keys in turn and returns the first that signed the image
  // (Signer{"key", <key description>, <key fingerprint>}). Transparency-log entries are checked
  // against the requirement's trusted root when it has one, else the options' (neither: the
  // verification fails, unless the options ignore the log). Keyless identities are kUnimplemented
  // for now. Without any signature: kNotFound; signed, but by none of the keys:
  // kVerificationFailed with every key's reason.
  policy::Signer verify(const ImageReference& image,
                        const policy::ImageRequirement& requirement) const override;

 private:
  RegistryOptionsFor registries_;
  oci::ImageVerifyOptions options_;
};

}  // namespace sluice::verify
