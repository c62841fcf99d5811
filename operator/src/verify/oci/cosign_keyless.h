#pragma once
// `cosign verify --certificate-identity[-regexp] --certificate-oidc-issuer[-regexp]` for images
// in a registry: signatures made with a Fulcio (or other X.509 CA) code-signing certificate.
//
// Classic signatures (`sha256-<hex>.sig` simple-signing layers) carry the leaf certificate in
// the layer annotation "dev.sigstore.cosign/certificate" (PEM). For each, as cosign does with a
// trusted root (--trusted-root):
//   * the simple-signing payload's signature verifies with the leaf's key, and the payload
//     names the image's manifest digest;
//   * the leaf chains to a Fulcio CA of the trusted root, checked at the leaf's notBefore (the
//     CA's validFor window must hold it), and is a code-signing leaf; the chain annotation
//     ("dev.sigstore.cosign/chain") is not used: the intermediates come from the trusted root;
//   * the leaf is valid now (without a transparency-log or RFC 3161 time, cosign checks expiry
//     against the current time and refuses an expired leaf);
//   * the identity matcher matches one of its SANs and its OIDC issuer, read as cosign's
//     classic path reads it: from the legacy extension 1.3.6.1.4.1.57264.1.1 only (a leaf with
//     only the .1.8 extension has no issuer there; Fulcio writes both);
//   * unless ignore_sct, an embedded SCT of a CT log of the trusted root.
// Bundles (cosign --new-bundle-format referrers) are checked with
// sigstore::verify_bundle_certificate_now (sigstore-go's WithCurrentTime: the chain at now).
//
// Transparency-log entries: not verified for images here. Without ignore_tlog
// (--insecure-ignore-tlog) verification throws kUnimplemented; with it, the signature stands
// on the certificate alone, as cosign's flag of that name makes it.

#include <cstdint>

#include "core/image_reference.h"
#include "verify/oci/cosign_signatures.h"
#include "verify/oci/registry_client.h"
#include "verify/sigstore/certificate.h"
#include "verify/sigstore/trusted_root.h"

namespace sluice::verify::oci {

struct KeylessVerifyOptions {
  bool ignore_tlog = false;  // cosign --insecure-ignore-tlog
  bool ignore_sct = false;   // cosign --insecure-ignore-sct
};

// Which signatures are looked at (referrer bundles when there are any, else the classic ones)
// is cosign_signatures.h's walk. Each verified signature's `signer` is "<the first SAN the
// identity matches> (issuer <the issuer read>)", its `fingerprint` the leaf's SHA256.
// Throws Error(kNotFound) when the image or any cosign signature of it is missing,
// Error(kVerificationFailed) with every signature's reason when none verifies, and
// Error(kUnimplemented) without options.ignore_tlog. `now` is Unix seconds.
SignedImage verify_image_keyless(RegistryClient& registry, const ImageReference& image,
                                 const sigstore::TrustedRoot& root,
                                 const sigstore::CertificateIdentityMatcher& identity,
                                 const KeylessVerifyOptions& options, std::int64_t now);

}  // namespace sluice::verify::oci
