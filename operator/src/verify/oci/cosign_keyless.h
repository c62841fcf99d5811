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
// Transparency-log entries, as for keys (cosign.h): unless ignore_tlog, a classic signature
// counts only with a Rekor bundle annotation (for this signature and this leaf) that verifies
// against the trusted root, and the leaf is checked at the bundle's integrated time instead of
// notBefore/now; a referrer bundle goes through the full sigstore verifier (its verified times).
// With ignore_tlog (--insecure-ignore-tlog) the signature stands on the certificate alone, as
// cosign's flag of that name makes it.

#include <cstdint>

#include "core/image_reference.h"
#include "verify/oci/cosign.h"
#include "verify/oci/cosign_signatures.h"
#include "verify/oci/registry_client.h"
#include "verify/sigstore/certificate.h"
#include "verify/sigstore/trusted_root.h"

namespace sluice::verify::oci {

// Which signatures are looked at (referrer bundles when there are any, else the classic ones)
// is cosign_signatures.h's walk. Each verified signature's `signer` is "<the first SAN the
// identity matches> (issuer <the issuer read>)", its `fingerprint` the leaf's SHA256.
// Throws Error(kNotFound) when the image or any cosign signature of it is missing,
// Error(kVerificationFailed) with every signature's reason when none verifies, and
// Error(kInvalidArgument) without options.trusted_root.
SignedImage verify_image_keyless(RegistryClient& registry, const ImageReference& image,
                                 const sigstore::CertificateIdentityMatcher& identity,
                                 const ImageVerifyOptions& options);

}  // namespace sluice::verify::oci
