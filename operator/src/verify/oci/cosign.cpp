#include "verify/oci/cosign.h"

#include "core/error.h"
#include "core/sha256.h"
#include "core/unix_time.h"
#include "verify/oci/rekor_bundle.h"
#include "verify/oci/simple_signing.h"
#include "verify/sigstore/bundle.h"
#include "verify/sigstore/crypto.h"
#include "verify/sigstore/verifier.h"

namespace sluice::verify::oci {
namespace {

// One referrer bundle against the key, over the image manifest's digest (the in-toto subject
// of cosign's DSSE statement): the full sigstore verification against the trusted root, or
// with ignore_tlog, the signature alone. Returns the first verified time, if any.
std::optional<std::int64_t> verify_referrer_bundle(const sigstore::Bundle& bundle,
                                                   const std::string& image_sha256,
                                                   const PublicKey& key,
                                                   const ImageVerifyOptions& options) {
  if (options.ignore_tlog) {
    sigstore::verify_bundle_signature_only(bundle, {std::nullopt, image_sha256}, key.handle());
    return std::nullopt;
  }
  const sigstore::VerificationResult verified =
      sigstore::verify_bundle(bundle, *options.trusted_root, {std::nullopt, image_sha256},
                              {key.handle(), {}, false}, verification_time(options));
  if (verified.verified_times.empty()) return std::nullopt;
  return verified.verified_times.front();
}

}  // namespace

std::string registry_api_host(const ImageReference& image) {
  return image.domain == "docker.io" ? "registry-1.docker.io" : image.domain;
}

std::int64_t verification_time(const ImageVerifyOptions& options) {
  return options.now ? *options.now : unix_seconds_now();
}

SignedImage verify_image_with_key(RegistryClient& registry, const ImageReference& image,
                                  const PublicKey& key, const ImageVerifyOptions& options) {
  if (!options.ignore_tlog && !options.trusted_root) {
    // Not the signer's fault: failed_precondition, not a rejection of the signature.
    throw Error(
        ErrorCode::kFailedPrecondition,
        "checking image signatures' transparency-log entries needs a trusted root (a "
        "SigningPolicy image entry's keyless.trustedRootSecretRef); without one, ignoring the "
        "log (the entry's ignoreTlog, cosign's --insecure-ignore-tlog) relies on the key alone");
  }
  SignatureCheckers checkers;
  checkers.classic = [&](const ClassicSignature& signature) {
    const SimpleSigningClaims claims = verify_simple_signing(
        signature.payload, signature.signature_base64, signature.image_digest, key);
    FoundSignature found{"", claims.docker_reference, "key", key.fingerprint()};
    if (!options.ignore_tlog) {
      found.verified_time =
          verify_layer_rekor_bundle(signature.layer, signature.payload, signature.signature_base64,
                                    sigstore::public_key_der(key.handle().get()), false,
                                    *options.trusted_root, verification_time(options));
    }
    return found;
  };
  checkers.bundle = [&](const sigstore::Bundle& bundle, const std::string& image_sha256) {
    FoundSignature found{"", "sigstore bundle", "key", key.fingerprint()};
    found.verified_time = verify_referrer_bundle(bundle, image_sha256, key, options);
    return found;
  };
  return verify_cosign_signatures(registry, image, checkers, "with the key");
}

}  // namespace sluice::verify::oci
