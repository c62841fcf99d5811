#pragma once
// cosign's classic image signatures: a "simple signing" payload (containers/image's
// signature format) naming the image's manifest digest, signed by the key, stored as a layer
// of the `<repo>:sha256-<hex>.sig` manifest with the signature in the layer's
// "dev.cosignproject.cosign/signature" annotation.
//
// Checks what `cosign verify --key` checks: the signature over the exact payload bytes, the
// payload's type, and that its critical.image.docker-manifest-digest is the image's digest (a
// signature copied from another image does not count). The docker-reference is reported, not
// enforced, as cosign does.

#include <string>
#include <string_view>

#include "verify/public_key.h"

namespace sluice::verify::oci {

struct SimpleSigningClaims {
  std::string docker_reference;
  std::string manifest_digest;
};

// Parses a payload (bounded, JSON). Throws Error(kVerificationFailed) when it is not a cosign
// container image signature payload.
SimpleSigningClaims parse_simple_signing(std::string_view payload);

// Throws Error(kVerificationFailed) with the reason unless `signature_base64` is `key`'s
// signature over `payload` and the payload claims `image_digest`.
SimpleSigningClaims verify_simple_signing(std::string_view payload,
                                          std::string_view signature_base64,
                                          std::string_view image_digest, const PublicKey& key);

}  // namespace sluice::verify::oci
