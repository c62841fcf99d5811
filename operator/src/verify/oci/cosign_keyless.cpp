#include "verify/oci/cosign_keyless.h"

#include "core/error.h"
#include "core/sha256.h"
#include "verify/oci/cosign_signatures.h"
#include "verify/oci/rekor_bundle.h"
#include "verify/oci/simple_signing.h"
#include "verify/public_key.h"
#include "verify/sigstore/crypto.h"
#include "verify/sigstore/verifier.h"

namespace sluice::verify::oci {
namespace {

constexpr ErrorCode kCode = ErrorCode::kVerificationFailed;
constexpr const char* kCertificateAnnotation = "dev.sigstore.cosign/certificate";

// "<the first SAN the matcher accepts> (issuer <issuer>)".
std::string describe_signer(const sigstore::CertificateIdentity& found,
                            const sigstore::CertificateIdentityMatcher& identity) {
  return identity.matching_subject(found) + " (issuer " + found.oidc_issuer + ")";
}

std::string certificate_fingerprint(X509* leaf) {
  return sha256_fingerprint(sigstore::certificate_der(leaf));
}

FoundSignature check_classic(const ClassicSignature& signature,
                             const sigstore::CertificateIdentityMatcher& identity,
                             const ImageVerifyOptions& options) {
  const std::string where = "layer " + signature.layer.digest;
  const auto certificate = signature.layer.annotations.find(kCertificateAnnotation);
  if (certificate == signature.layer.annotations.end()) {
    throw Error(kCode, where + " has no signing certificate (signed with a key?)");
  }
  try {
    const sigstore::CertificatePtr leaf =
        sigstore::parse_certificate_pem(certificate->second, kCode, "the signing certificate");
    const PublicKey key = PublicKey::from_handle(sigstore::certificate_key(leaf.get()));
    const SimpleSigningClaims claims = verify_simple_signing(
        signature.payload, signature.signature_base64, signature.image_digest, key);
    const sigstore::TimeWindow validity = sigstore::certificate_validity(leaf.get());
    const std::int64_t now = verification_time(options);
    std::optional<std::int64_t> logged_at;
    if (!options.ignore_tlog) {
      logged_at = verify_layer_rekor_bundle(
          signature.layer, signature.payload, signature.signature_base64,
          sigstore::certificate_der(leaf.get()), true, *options.trusted_root, now);
    }
    // The log's integrated time is when the short-lived certificate must have been valid;
    // without it, cosign checks the chain at the leaf's notBefore and expiry against now.
    if (logged_at && !validity.contains(*logged_at)) {
      throw Error(kCode, "the signing certificate was not valid at the log's integrated time " +
                             std::to_string(*logged_at));
    }
    const sigstore::CertificatePtr issuer = sigstore::verify_certificate_chain(
        leaf.get(), *options.trusted_root, logged_at.value_or(validity.start));
    if (!logged_at && !validity.contains(now)) {
      throw Error(kCode,
                  "the signing certificate is not valid now (" + std::to_string(now) +
                      "), and without a transparency-log entry or signed timestamp no other time "
                      "can stand in");
    }
    sigstore::CertificateIdentity found = sigstore::certificate_identity(leaf.get());
    found.oidc_issuer = found.legacy_oidc_issuer;  // what cosign's classic path compares
    sigstore::check_certificate_identity(found, identity);
    if (!options.ignore_sct) {
      sigstore::verify_embedded_scts(leaf.get(), issuer.get(), *options.trusted_root);
    }
    FoundSignature verified{signature.layer.digest, claims.docker_reference,
                            describe_signer(found, identity), certificate_fingerprint(leaf.get())};
    verified.verified_time = logged_at;
    return verified;
  } catch (const Error& e) {
    throw e.with_context(where);
  }
}

FoundSignature check_bundle(const sigstore::Bundle& bundle, const std::string& image_sha256,
                            const sigstore::CertificateIdentityMatcher& identity,
                            const ImageVerifyOptions& options) {
  const sigstore::Artifact artifact{std::nullopt, image_sha256};
  const sigstore::VerificationResult verified =
      options.ignore_tlog ? sigstore::verify_bundle_certificate_now(
                                bundle, *options.trusted_root, artifact, identity,
                                verification_time(options), options.ignore_sct)
                          : sigstore::verify_bundle(bundle, *options.trusted_root, artifact,
                                                    {nullptr, identity, options.ignore_sct},
                                                    verification_time(options));
  X509* leaf = bundle.certificates.front().get();
  FoundSignature found{"", "sigstore bundle",
                       describe_signer(sigstore::certificate_identity(leaf), identity),
                       certificate_fingerprint(leaf)};
  if (!options.ignore_tlog && !verified.verified_times.empty()) {
    found.verified_time = verified.verified_times.front();
  }
  return found;
}

}  // namespace

SignedImage verify_image_keyless(RegistryClient& registry, const ImageReference& image,
                                 const sigstore::CertificateIdentityMatcher& identity,
                                 const ImageVerifyOptions& options) {
  if (!options.trusted_root) {
    throw invalid_argument(
        "keyless image verification needs a trusted root (its certificate authorities); sluice "
        "has no built-in one");
  }
  SignatureCheckers checkers;
  checkers.classic = [&](const ClassicSignature& signature) {
    return check_classic(signature, identity, options);
  };
  checkers.bundle = [&](const sigstore::Bundle& bundle, const std::string& image_sha256) {
    return check_bundle(bundle, image_sha256, identity, options);
  };
  return verify_cosign_signatures(registry, image, checkers, "for " + identity.to_string());
}

}  // namespace sluice::verify::oci
