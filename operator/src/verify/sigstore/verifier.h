#pragma once
// Offline verification of a sigstore bundle against a trusted root, with the rules sigstore-go
// (the reference the conformance suite is written against) applies:
//
//  * the content: a message signature over the artifact (whose digest must also equal the
//    bundle's messageDigest), or a DSSE envelope with exactly one signature, over its PAE, whose
//    in-toto statement names the artifact's sha256 digest;
//  * the transparency-log entries (at most 32, no duplicates): an entry of a log the trusted
//    root does not know, or whose SET does not verify (or whose integrated time is outside the
//    log key's validFor window), does not count; any other entry must have its inclusion proof
//    lead to a checkpoint signed by the log, its body must describe exactly this bundle, and its
//    integrated time must not be in the future nor outside the signing certificate's validity.
//    At least one entry must count;
//  * the RFC 3161 timestamps (at most 32, no duplicates): one that does not verify against a
//    timestamp authority of the trusted root (over the signature bytes) does not count;
//  * the verified times: the integrated time of each log's SET-backed entry and each verified
//    timestamp's time; at least one is required (Rekor v2 entries have no integrated time, so
//    their bundles need a timestamp);
//  * the signer: with a key, the given key; with a certificate, at every verified time a chain
//    to a Fulcio CA valid then, an embedded SCT from a trusted CT log, and the expected identity
//    and OIDC issuer (exactly or by regular expression: CertificateIdentityMatcher).
// Reasons for entries and timestamps that did not count are part of the error when nothing
// else stands in for them.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "verify/sigstore/bundle.h"
#include "verify/sigstore/certificate.h"
#include "verify/sigstore/trusted_root.h"

namespace sluice::verify::sigstore {

struct Artifact {
  std::optional<std::string> bytes;  // the artifact itself, when known
  std::string sha256;                // raw 32 bytes (of bytes, when given)
};

// Who must have signed: a key, or a certificate identity and OIDC issuer (exact or regexp).
struct SignerPolicy {
  PublicKeyPtr key;
  CertificateIdentityMatcher identity;  // used when key is null
  bool ignore_sct = false;              // cosign's --insecure-ignore-sct (certificates only)
};

struct VerificationResult {
  std::string signer;  // "identity <SAN> (issuer <URL>)" or "key <type> sha256:<hex>"
  std::vector<std::int64_t> log_indexes;
  std::vector<std::int64_t> verified_times;
};

// cosign's --insecure-ignore-tlog for a key-signed bundle: only the content and its signature
// by `key` are checked; transparency-log entries and timestamps are neither required nor
// looked at (so no trusted root is needed). For images signed where no log is reachable.
VerificationResult verify_bundle_signature_only(const Bundle& bundle, const Artifact& artifact,
                                                const PublicKeyPtr& key);

// cosign's --insecure-ignore-tlog for a certificate-signed bundle (sigstore-go's
// WithCurrentTime): the content and its signature by the leaf, the leaf's chain to a Fulcio CA
// of `root` valid at `now`, an embedded SCT of a CT log of `root` unless `ignore_sct`
// (--insecure-ignore-sct), and `identity`. Transparency-log entries and timestamps are not
// looked at. The result's verified_times holds `now`.
VerificationResult verify_bundle_certificate_now(const Bundle& bundle, const TrustedRoot& root,
                                                 const Artifact& artifact,
                                                 const CertificateIdentityMatcher& identity,
                                                 std::int64_t now, bool ignore_sct);

// Throws kVerificationFailed (kUnimplemented for unsupported features) with the reason.
VerificationResult verify_bundle(const Bundle& bundle, const TrustedRoot& root,
                                 const Artifact& artifact, const SignerPolicy& policy,
                                 std::int64_t now);

}  // namespace sluice::verify::sigstore
