#include "verify/policy_verifiers.h"

#include "core/error.h"
#include "core/unix_time.h"
#include "core/value_matcher.h"
#include "verify/git_ssh.h"
#include "verify/gitsign.h"
#include "verify/oci/cosign_keyless.h"
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
    const policy::CommitEvidence& commit, const std::vector<policy::KeylessIdentity>& identities,
    const std::optional<std::string>& trusted_root) const {
  if (!commit.signature) {
    throw Error(ErrorCode::kVerificationFailed, "commit " + commit.revision + " is not signed");
  }
  if (!trusted_root) {
    throw Error(ErrorCode::kVerificationFailed,
                "no trusted root given for keyless commit signatures (the public-good sigstore "
                "root is not bundled); set spec.commits.keyless.trustedRootSecretRef");
  }
  const sigstore::TrustedRoot root = sigstore::parse_trusted_root(*trusted_root);
  GitsignOptions options;
  options.now = unix_seconds_now();
  const GitsignSigner signer =
      verify_gitsign_signature(*commit.signature, commit.payload, root, options);
  for (const std::string& name : signer.identity.subject_alternative_names) {
    for (const policy::KeylessIdentity& identity : identities) {
      if (identity.matches(signer.identity.oidc_issuer, name)) {
        return policy::Signer{"keyless", name, signer.certificate_fingerprint};
      }
    }
  }
  std::string names;
  for (const std::string& name : signer.identity.subject_alternative_names) {
    names += (names.empty() ? "" : ", ") + name;
  }
  throw Error(ErrorCode::kVerificationFailed,
              "commit " + commit.revision + " is signed by " + names + " (issuer " +
                  signer.identity.oidc_issuer +
                  "), which no keyless identity of the policy allows");
}

namespace {

// The policy's rule (KeylessIdentity::matches): issuer exact; subject exact or by regexp.
sigstore::CertificateIdentityMatcher matcher_of(const policy::KeylessIdentity& identity) {
  return {ValueMatcher(identity.subject, identity.subject_regexp, "subjectRegExp"),
          ValueMatcher::exactly(identity.issuer)};
}
}  // namespace

policy::Signer PolicyImageVerifier::verify(const ImageReference& image,
                                           const policy::ImageRequirement& requirement) const {
  oci::RegistryClient registry(oci::registry_api_host(image),
                               registries_ ? registries_(image.domain) : oci::RegistryOptions{});
  // The requirement's trusted root, when it names one, holds the Rekor keys entries must verify
  // under; otherwise the verifier's own (options_); ignore_tlog needs neither.
  oci::ImageVerifyOptions options = options_;
  if (requirement.trusted_root) {
    try {
      options.trusted_root = sigstore::parse_trusted_root(*requirement.trusted_root);
    } catch (const Error& e) {
      throw e.with_context("the image requirement's trusted root");
    }
  }
  std::string reasons;
  bool any_signature = false;
  const auto refused = [&](const Error& e) {
    if (e.code() != ErrorCode::kVerificationFailed && e.code() != ErrorCode::kNotFound) throw e;
    any_signature = any_signature || e.code() == ErrorCode::kVerificationFailed;
    reasons += (reasons.empty() ? "" : "; ") + e.message();
  };
  oci::ImageVerifyOptions key_options = options;
  key_options.ignore_tlog = options.ignore_tlog || requirement.keys_ignore_tlog;
  for (std::size_t i = 0; i < requirement.public_keys_pem.size(); ++i) {
    const PublicKey key =
        PublicKey::from_pem(requirement.public_keys_pem[i], "key " + std::to_string(i + 1));
    try {
      oci::verify_image_with_key(registry, image, key, key_options);
      // Said in the accepted signer, so an audit sees which images no log vouches for.
      return policy::Signer{
          "key",
          key.description() +
              (requirement.keys_ignore_tlog ? " (no transparency log: ignoreTlog)" : ""),
          key.fingerprint()};
    } catch (const Error& e) {
      refused(e);
    }
  }
  if (!requirement.identities.empty()) {
    if (!options.trusted_root) {
      throw unimplemented(
          "keyless image signatures need the policy's trustedRootSecretRef: sluice has no "
          "built-in public-good sigstore root (" +
          image.to_string() + ")");
    }
    for (const policy::KeylessIdentity& identity : requirement.identities) {
      try {
        const oci::SignedImage verified =
            oci::verify_image_keyless(registry, image, matcher_of(identity), options);
        const oci::FoundSignature& signature = verified.signatures.front();
        return policy::Signer{"keyless", signature.signer, signature.fingerprint};
      } catch (const Error& e) {
        refused(e);
      }
    }
  }
  if (reasons.empty()) throw invalid_argument("the image requirement names no key or identity");
  throw Error(any_signature ? ErrorCode::kVerificationFailed : ErrorCode::kNotFound, reasons);
}

}  // namespace sluice::verify
