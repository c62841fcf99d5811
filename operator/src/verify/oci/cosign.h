#pragma once
// `cosign verify --key` for images in a registry: the image's manifest digest is resolved, and
// its cosign signatures are checked against the key: the classic ones (the
// `sha256-<hex>.sig` manifest's simple-signing layers) and the sigstore bundles cosign attaches
// as OCI 1.1 referrers with --new-bundle-format (a DSSE in-toto statement naming the image's
// digest). As `cosign verify` does, only the referrer bundles are looked at when the image has
// any that parse, else only the classic signatures. The image counts as signed when at least
// one of those verifies.
//
// Transparency-log entries: as with cosign, a key-signed image is only accepted without its
// Rekor entry when `ignore_tlog` says so (cosign's --insecure-ignore-tlog). Otherwise, offline
// (as `cosign verify --offline --trusted-root`): a classic signature counts only with a Rekor
// bundle annotation that verifies against the trusted root (oci/rekor_bundle.h), a referrer
// bundle only when the full sigstore verifier (sigstore/verifier.h) accepts it.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/image_reference.h"
#include "verify/oci/cosign_signatures.h"
#include "verify/oci/registry_client.h"
#include "verify/public_key.h"
#include "verify/sigstore/trusted_root.h"

namespace sluice::verify::oci {

// The host the registry API of `image` lives on: docker.io's is registry-1.docker.io.
std::string registry_api_host(const ImageReference& image);

// How image signatures are checked, for keys (here) and certificates (cosign_keyless.h).
struct ImageVerifyOptions {
  bool ignore_tlog = false;  // cosign --insecure-ignore-tlog
  bool ignore_sct = false;   // cosign --insecure-ignore-sct (certificates only)
  // The Rekor keys (and, for bundles and certificates, CAs and timestamp authorities) trusted;
  // required unless ignore_tlog (kFailedPrecondition without), and always for certificates.
  std::optional<sigstore::TrustedRoot> trusted_root = std::nullopt;
  std::optional<std::int64_t> now = std::nullopt;  // Unix seconds; default: the current time
};

// options.now, or the current time.
std::int64_t verification_time(const ImageVerifyOptions& options);

// Each verified signature's `signer` is "key", its fingerprint the key's, its verified_time the
// log's integrated time (unset with ignore_tlog). Throws Error(kNotFound) when the image or any
// cosign signature of it is missing, and Error(kVerificationFailed) with the reasons when
// signatures exist but none verifies.
SignedImage verify_image_with_key(RegistryClient& registry, const ImageReference& image,
                                  const PublicKey& key, const ImageVerifyOptions& options);

}  // namespace sluice::verify::oci
