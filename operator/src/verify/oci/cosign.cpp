#include "verify/oci/cosign.h"

#include "core/error.h"
#include "verify/oci/cosign_signatures.h"
#include "verify/oci/simple_signing.h"
#include "verify/sigstore/verifier.h"

namespace sluice::verify::oci {

std::string registry_api_host(const ImageReference& image) {
  return image.domain == "docker.io" ? "registry-1.docker.io" : image.domain;
}

ImageVerification verify_image_with_key(RegistryClient& registry, const ImageReference& image,
                                        const PublicKey& key, const ImageVerifyOptions& options) {
  if (!options.ignore_tlog) {
    throw unimplemented(
        "checking the transparency-log entries of image signatures is not built yet; "
        "--insecure-ignore-tlog relies on the key alone, as cosign's flag of that name does");
  }
  SignatureCheckers checkers;
  checkers.classic = [&key](const ClassicSignature& signature) {
    const SimpleSigningClaims claims = verify_simple_signing(
        signature.payload, signature.signature_base64, signature.image_digest, key);
    return VerifiedSignature{signature.layer.digest, claims.docker_reference, "", ""};
  };
  // The in-toto subject of cosign's DSSE statement is the image manifest's digest.
  // Transparency-log entries are not looked at (ignore_tlog).
  checkers.bundle = [&key](const sigstore::Bundle& bundle, const std::string& image_sha256) {
    sigstore::verify_bundle_signature_only(bundle, {std::nullopt, image_sha256}, key.handle());
    return VerifiedSignature{"", "sigstore bundle", "", ""};
  };
  return verify_cosign_signatures(registry, image, checkers, "with the key");
}

}  // namespace sluice::verify::oci
