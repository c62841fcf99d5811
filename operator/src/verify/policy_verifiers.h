#pragma once
// The verifiers the policy gate (policy/evidence.h) runs with in production.
//   SSH commit and tag signatures: verify_git_ssh_signature (git verify-commit semantics).
//   cosign images signed with a key: verify/oci/cosign.h (cosign verify --key semantics,
//   Rekor entries checked offline against a trusted root).
//   keyless cosign images: verify/oci/cosign_keyless.h (cosign verify --certificate-identity
//   semantics, Rekor entries likewise).
//   gitsign (keyless) commits: verify_gitsign_signature (offline tlog entry required), then
//   any SAN with the issuer matching any KeylessIdentity.

#include <functional>
#include <utility>

#include "policy/evidence.h"
#include "verify/oci/cosign.h"
#include "verify/oci/cosign_keyless.h"
#include "verify/oci/registry_client.h"

namespace sluice::verify {

class PolicyCommitVerifier final : public policy::CommitVerifier {
 public:
  // Throws Error(kVerificationFailed) also when the commit has no committer time: allowed
  // signers' validity cannot be checked without one (git refuses to verify then too).
  policy::Signer verify_ssh(const policy::CommitEvidence& commit, std::string_view allowed_signers,
                            std::string_view source) const override;

  // Signer{"keyless", <the matching SAN>, "SHA256:<certificate fingerprint>"}. A missing trusted
  // root is kVerificationFailed: the public-good sigstore root is not bundled.
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

  // Tries each of the requirement's keys in turn, then each keyless identity, and returns the
  // first that signed the image: Signer{"key", <key description>, <key fingerprint>} or
  // Signer{"keyless", "<SAN> (issuer <URL>)", <certificate fingerprint>}. Transparency-log
  // entries (and, for identities, certificate authorities) are checked against the
  // requirement's trusted root when it has one, else the options' (neither: keys fail unless
  // the options ignore the log; identities are kUnimplemented, there is no built-in root).
  // Without any signature: kNotFound; signed, but by none of them: kVerificationFailed with
  // every key's and identity's reason.
  policy::Signer verify(const ImageReference& image,
                        const policy::ImageRequirement& requirement) const override;

 private:
  RegistryOptionsFor registries_;
  oci::ImageVerifyOptions options_;
};

}  // namespace sluice::verify
