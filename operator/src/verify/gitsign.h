#pragma once
// Verifies a gitsign (keyless X.509) commit or tag signature offline, as `gitsign verify` does
// for signatures made in gitsign's offline Rekor mode:
//   1. the CMS signature (gitsign_cms.h) verifies over the signed git object under the key of
//      the certificate it names;
//   2. its transparency-log entry (the TransparencyLogEntry gitsign stores as an unsigned CMS
//      attribute, rekor_proto.h) belongs to a Rekor log of the trusted root, logs exactly this
//      signature (hashedrekord 0.0.1: SHA-256 of the DER signed attributes, the CMS signature,
//      the certificate; the body is rebuilt when gitsign left it out), carries a signed entry
//      timestamp (SET) by that log and an inclusion proof to a checkpoint signed by it
//      (both required, as gitsign's offline check requires them); its integrated time is not in the
//      future and lies in the certificate's validity and in the log key's validFor window;
//   3. the certificate chains to a Fulcio CA of the trusted root at the verified time and is a
//      code-signing leaf; when the trusted root lists CT logs, an embedded SCT must verify
//      (sigstore-go's default; gitsign itself checks no SCTs).
// The verified time is the entry's integrated time (the log vouches for it, as sigstore-go's
// "observer timestamp"; gitsign checks the short-lived certificate against it too). With
// insecure_ignore_tlog the entry is not consulted at all (as cosign's --insecure-ignore-tlog)
// and the verified time is the CMS signing-time attribute, which the signer chose: only the
// signature and the chain are then checked, nothing proves when the signature was made.
// Identity is NOT checked here: the caller matches the returned CertificateIdentity.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "verify/sigstore/certificate.h"
#include "verify/sigstore/trusted_root.h"

namespace sluice::verify {

struct GitsignOptions {
  bool insecure_ignore_tlog = false;
  std::int64_t now = 0;  // Unix seconds: integrated times after it are refused
};

struct GitsignSigner {
  sigstore::CertificateIdentity identity;  // the leaf's SANs and OIDC issuer
  std::string certificate_fingerprint;     // "SHA256:<hex of the leaf's DER>"
  std::optional<std::int64_t> log_index;   // nullopt with insecure_ignore_tlog
  std::int64_t verified_time = 0;          // Unix seconds the chain was checked at
  bool time_from_tlog = false;             // false: the unverified CMS signing-time
};

// `armored` and `payload` as git/signature.h extracts them. Throws Error(kVerificationFailed)
// with the reason when the signature does not verify.
GitsignSigner verify_gitsign_signature(std::string_view armored, std::string_view payload,
                                       const sigstore::TrustedRoot& root,
                                       const GitsignOptions& options);

// The canonical hashedrekord 0.0.1 body Rekor logs for a gitsign signature (what gitsign
// rebuilds; exposed for tests and the test signer).
std::string gitsign_hashedrekord_body(std::string_view signed_attributes_der,
                                      std::string_view signature, X509* certificate);

}  // namespace sluice::verify
