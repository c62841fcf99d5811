#pragma once
// The walk `cosign verify` makes over an image's signatures, shared by the key (cosign.h) and
// keyless (cosign_keyless.h) checks: the image's manifest digest is resolved (a digest in the
// reference must equal it), then the classic signatures (the `sha256-<hex>.sig` manifest's
// simple-signing layers, each with its signature annotation; at most 64) are checked, and only
// when none verifies, the sigstore bundles attached as OCI 1.1 referrers (cosign
// --new-bundle-format; at most 64). The image counts as signed when at least one verifies.

#include <functional>
#include <string>
#include <string_view>

#include "core/image_reference.h"
#include "verify/oci/cosign.h"
#include "verify/oci/registry_client.h"
#include "verify/sigstore/bundle.h"

namespace sluice::verify::oci {

struct ClassicSignature {
  const Descriptor& layer;            // its annotations carry certificates, if any
  std::string_view payload;           // the simple-signing payload (the layer's blob)
  std::string_view signature_base64;  // the dev.cosignproject.cosign/signature annotation
  const std::string& image_digest;    // "sha256:<hex>"
};

// Each checker returns what verified, or throws Error(kVerificationFailed or kNotFound) with
// the reason; the reasons of all signatures that failed make the error when none verifies.
// Other error codes end the walk.
struct SignatureCheckers {
  std::function<VerifiedSignature(const ClassicSignature&)> classic;
  // `image_sha256` is the image manifest's digest, raw 32 bytes (the in-toto subject).
  std::function<VerifiedSignature(const sigstore::Bundle&, const std::string& image_sha256)> bundle;
};

// Throws Error(kNotFound) when the image or any cosign signature of it is missing, and
// Error(kVerificationFailed) "... has no signature that verifies <for_whom>: <reasons>" when
// signatures exist but none verifies.
ImageVerification verify_cosign_signatures(RegistryClient& registry, const ImageReference& image,
                                           const SignatureCheckers& checkers,
                                           std::string_view for_whom);

}  // namespace sluice::verify::oci
