#pragma once
// Fulcio signing certificates: the chain to a certificate authority of the trusted root valid
// at the signing time, the leaf's code-signing profile, its identity (subject alternative
// name) and OIDC issuer (extension 1.3.6.1.4.1.57264.1.8, or the legacy .1.1), and the
// signed certificate timestamps (SCTs) embedded by the CT logs of the trusted root.
#include <cstdint>
#include <string>
#include <vector>

#include "verify/sigstore/trusted_root.h"

namespace sluice::verify::sigstore {

// Throws kVerificationFailed unless `leaf` chains, at `time` (Unix seconds), to a certificate
// authority of `root` whose validFor window holds `time`, and is a code-signing leaf (not a
// CA, extended key usage codeSigning). Returns the leaf's issuer in that chain.
CertificatePtr verify_certificate_chain(X509* leaf, const TrustedRoot& root, std::int64_t time);

struct CertificateIdentity {
  std::vector<std::string> subject_alternative_names;  // URIs, e-mail addresses, other names
  std::string oidc_issuer;                             // empty when the extension is absent
};

CertificateIdentity certificate_identity(X509* leaf);

// Throws kVerificationFailed unless `identity` matches exactly one of the names and the
// issuer matches exactly (sigstore clients compare both byte for byte).
void check_certificate_identity(const CertificateIdentity& found, const std::string& identity,
                                const std::string& issuer);

// Throws kVerificationFailed unless at least one embedded precertificate SCT is signed by a CT
// log of `root` (RFC 6962 section 3.2, signed over the leaf's TBS without the SCT list and the
// issuer's key hash). As in sigstore-go, the CT log's validFor window is not applied to SCTs.
void verify_embedded_scts(X509* leaf, X509* issuer, const TrustedRoot& root);

// The certificate's notBefore..notAfter, both inclusive, in Unix seconds.
TimeWindow certificate_validity(X509* certificate);

// True for a certificate that issued itself (a root).
bool is_self_signed(X509* certificate);

}  // namespace sluice::verify::sigstore
