#pragma once
// Offline verification of a sigstore bundle against a trusted root, with the rules sigstore
// clients (sigstore-go, sigstore-python) apply:
//
//  * the content: a message signature over the artifact (whose digest must also equal the
//    bundle's messageDigest), or a DSSE envelope signed over its PAE whose in-toto statement
//    names the artifact's sha256 digest;
//  * every transparency-log entry: from a log of the trusted root, its body matching the
//    bundle, its SET (v1) and/or inclusion proof with a checkpoint signed by the log;
//  * every RFC 3161 timestamp: signed by a trusted timestamp authority over the signature;
//  * the verified times: each SET's integrated time (inside the log key's validFor window, not
//    in the future) and each timestamp's time; at least one is required;
//  * the signer: with a key, the given key; with a certificate, at each verified time a chain
//    to a Fulcio CA valid then, an embedded SCT from a trusted CT log, and the expected
//    identity and OIDC issuer.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "verify/sigstore/bundle.h"
#include "verify/sigstore/trusted_root.h"

namespace sluice::verify::sigstore {

struct Artifact {
  std::optional<std::string> bytes;  // the artifact itself, when known
  std::string sha256;                // raw 32 bytes (of bytes, when given)
};

// Who must have signed: a key, or a certificate identity and OIDC issuer.
struct SignerPolicy {
  PublicKeyPtr key;
  std::string identity;
  std::string issuer;
};

struct VerificationResult {
  std::string signer;  // "identity <SAN> (issuer <URL>)" or "key <type> sha256:<hex>"
  std::vector<std::int64_t> log_indexes;
  std::vector<std::int64_t> verified_times;
};

// Throws kVerificationFailed (kUnimplemented for unsupported features) with the reason.
VerificationResult verify_bundle(const Bundle& bundle, const TrustedRoot& root,
                                 const Artifact& artifact, const SignerPolicy& policy,
                                 std::int64_t now);

}  // namespace sluice::verify::sigstore
