#pragma once
// Fulcio signing certificates: the chain to a certificate authority of the trusted root valid
// at the signing time, the leaf's code-signing profile, its identity (subject alternative
// name) and OIDC issuer (extension 1.3.6.1.4.1.57264.1.8, or the legacy .1.1), and the
// signed certificate timestamps (SCTs) embedded by the CT logs of the trusted root.
#include <cstdint>
#include <string>
#include <vector>

#include "core/value_matcher.h"
#include "verify/sigstore/trusted_root.h"

namespace sluice::verify::sigstore {

// Throws kVerificationFailed unless `leaf` chains, at `time` (Unix seconds), to a certificate
// authority of `root` whose validFor window holds `time`, and is a code-signing leaf (not a
// CA, extended key usage codeSigning). Returns the leaf's issuer in that chain.
CertificatePtr verify_certificate_chain(X509* leaf, const TrustedRoot& root, std::int64_t time);

struct CertificateIdentity {
  std::vector<std::string> subject_alternative_names;  // URIs, e-mail addresses, other names
  std::string oidc_issuer;                             // empty when the extension is absent
  // The legacy extension 1.3.6.1.4.1.57264.1.1 alone (raw bytes; empty when absent): cosign's
  // classic image-signature path reads only this one (Fulcio writes both, with one value).
  std::string legacy_oidc_issuer;
};

CertificateIdentity certificate_identity(X509* leaf);

// Who a certificate must name: cosign's --certificate-identity[-regexp] (matched against each
// subject alternative name; one match suffices) and --certificate-oidc-issuer[-regexp]. See
// core/value_matcher.h for exact versus regexp matching and how ECMAScript differs from RE2.
// Default-constructed, it matches no certificate.
struct CertificateIdentityMatcher {
  ValueMatcher subject;
  ValueMatcher issuer;

  // From the four cosign flags' values (empty: not given). Throws Error(kInvalidArgument) when
  // neither the identity nor its regexp, or neither the issuer nor its regexp, is given, or a
  // regexp is invalid; messages name the flags.
  static CertificateIdentityMatcher from_flags(std::string identity, std::string identity_regexp,
                                               std::string issuer, std::string issuer_regexp);
  // Both exact (the policy's and gitsign's usual case).
  static CertificateIdentityMatcher exactly(std::string identity, std::string issuer);

  bool matches(const CertificateIdentity& found) const;
  // The first subject alternative name of `found` the subject matcher accepts ("" for none).
  std::string matching_subject(const CertificateIdentity& found) const;
  std::string to_string() const;  // "identity <matcher> (issuer <matcher>)"
  bool operator==(const CertificateIdentityMatcher&) const = default;
};

// Throws kVerificationFailed, naming what the certificate has, unless `expected` matches it.
void check_certificate_identity(const CertificateIdentity& found,
                                const CertificateIdentityMatcher& expected);
// The same with both compared exactly.
inline void check_certificate_identity(const CertificateIdentity& found,
                                       const std::string& identity, const std::string& issuer) {
  check_certificate_identity(found, CertificateIdentityMatcher::exactly(identity, issuer));
}

// Throws kVerificationFailed unless at least one embedded precertificate SCT is signed by a CT
// log of `root` (RFC 6962 section 3.2, signed over the leaf's TBS without the SCT list and the
// issuer's key hash). As in sigstore-go, the CT log's validFor window is not applied to SCTs.
void verify_embedded_scts(X509* leaf, X509* issuer, const TrustedRoot& root);

// The certificate's notBefore..notAfter, both inclusive, in Unix seconds.
TimeWindow certificate_validity(X509* certificate);

// True for a certificate that issued itself (a root).
bool is_self_signed(X509* certificate);

}  // namespace sluice::verify::sigstore
