#include "verify/oci/cosign_keyless.h"

#include "core/error.h"
#include "core/sha256.h"
#include "verify/oci/cosign_signatures.h"
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
  std::string name;
  for (const std::string& candidate : found.subject_alternative_names) {
    if (identity.subject.matches(candidate)) {
      name = candidate;
      break;
    }
  }
  return name + " (issuer " + found.oidc_issuer + ")";
}

std::string certificate_fingerprint(X509* leaf) {
  return sha256_fingerprint(sigstore::certificate_der(leaf));
}

FoundSignature check_classic(const ClassicSignature& signature, const sigstore::TrustedRoot& root,
                             const sigstore::CertificateIdentityMatcher& identity,
                             const KeylessVerifyOptions& options, std::int64_t now) {
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
    const sigstore::CertificatePtr issuer =
        sigstore::verify_certificate_chain(leaf.get(), root, validity.start);
    if (!validity.contains(now)) {
      throw Error(kCode,
                  "the signing certificate is not valid now (" + std::to_string(now) +
                      "), and without a transparency-log entry or signed timestamp no other time "
                      "can stand in");
    }
    sigstore::CertificateIdentity found = sigstore::certificate_identity(leaf.get());
    found.oidc_issuer = found.legacy_oidc_issuer;  // what cosign's classic path compares
    sigstore::check_certificate_identity(found, identity);
    if (!options.ignore_sct) sigstore::verify_embedded_scts(leaf.get(), issuer.get(), root);
    return FoundSignature{signature.layer.digest, claims.docker_reference,
                          describe_signer(found, identity), certificate_fingerprint(leaf.get())};
  } catch (const Error& e) {
    throw e.with_context(where);
  }
}

FoundSignature check_bundle(const sigstore::Bundle& bundle, const std::string& image_sha256,
                            const sigstore::TrustedRoot& root,
                            const sigstore::CertificateIdentityMatcher& identity,
                            const KeylessVerifyOptions& options, std::int64_t now) {
  sigstore::verify_bundle_certificate_now(bundle, root, {std::nullopt, image_sha256}, identity, now,
                                          options.ignore_sct);
  X509* leaf = bundle.certificates.front().get();
  return FoundSignature{"", "sigstore bundle",
                        describe_signer(sigstore::certificate_identity(leaf), identity),
                        certificate_fingerprint(leaf)};
}

}  // namespace

SignedImage verify_image_keyless(RegistryClient& registry, const ImageReference& image,
                                 const sigstore::TrustedRoot& root,
                                 const sigstore::CertificateIdentityMatcher& identity,
                                 const KeylessVerifyOptions& options, std::int64_t now) {
  if (!options.ignore_tlog) {
    throw unimplemented(
        "checking the transparency-log entries of keyless image signatures is not built yet; "
        "--insecure-ignore-tlog checks the certificate at the current time instead, as cosign's "
        "flag of that name does");
  }
  SignatureCheckers checkers;
  checkers.classic = [&](const ClassicSignature& signature) {
    return check_classic(signature, root, identity, options, now);
  };
  checkers.bundle = [&](const sigstore::Bundle& bundle, const std::string& image_sha256) {
    return check_bundle(bundle, image_sha256, root, identity, options, now);
  };
  return verify_cosign_signatures(registry, image, checkers, "for " + identity.to_string());
}

}  // namespace sluice::verify::oci
