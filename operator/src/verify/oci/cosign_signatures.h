#pragma once
// The walk `cosign verify` makes over an image's signatures: the image's manifest digest is
// resolved (a digest in the reference must equal it); then, as cosign does, if the image has
// sigstore bundles attached as OCI 1.1 referrers (--new-bundle-format) that parse, those alone
// are checked (at most 64), else the classic signatures: the `sha256-<hex>.sig` manifest's
// simple-signing layers, each with its signature annotation (at most 64). The image counts as
// signed when at least one checked signature verifies. The checks themselves are the caller's
// (cosign.h for keys, cosign_keyless.h for certificates).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/image_reference.h"
#include "verify/oci/registry_client.h"
#include "verify/sigstore/bundle.h"

namespace sluice::verify::oci {

struct ClassicSignature {
  const Descriptor& layer;            // its annotations carry certificates, if any
  std::string_view payload;           // the simple-signing payload (the layer's blob)
  std::string_view signature_base64;  // the dev.cosignproject.cosign/signature annotation
  const std::string& image_digest;    // "sha256:<hex>"
};

struct FoundSignature {
  std::string digest;            // the simple-signing layer's, or the bundle referrer's
  std::string docker_reference;  // what a classic payload names (reported, not enforced)
  std::string signer;            // the checker's description of who signed
  std::string fingerprint;       // "SHA256:..." of the signing certificate or key
  // The time the signature was verified at when the transparency log (or a timestamp) vouches
  // for it: the log's integrated time. Unset when the log was ignored.
  std::optional<std::int64_t> verified_time = std::nullopt;
};

struct SignedImage {
  std::string digest;  // the image manifest's
  std::vector<FoundSignature> signatures;
};

// Each checker returns what verified (the walk fills in `digest`), or throws
// Error(kVerificationFailed or kNotFound) with the reason; the reasons of all signatures that
// failed make the error when none verifies. Other error codes end the walk.
struct SignatureCheckers {
  std::function<FoundSignature(const ClassicSignature&)> classic;
  // `image_sha256` is the image manifest's digest, raw 32 bytes (the in-toto subject).
  std::function<FoundSignature(const sigstore::Bundle&, const std::string& image_sha256)> bundle;
};

// Throws Error(kNotFound) when the image or any cosign signature of it is missing, and
// Error(kVerificationFailed) "... has no signature that verifies <for_whom>: <reasons>" when
// signatures exist but none verifies.
SignedImage verify_cosign_signatures(RegistryClient& registry, const ImageReference& image,
                                     const SignatureCheckers& checkers, std::string_view for_whom);

}  // namespace sluice::verify::oci
