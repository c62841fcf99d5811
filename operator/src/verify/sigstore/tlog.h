#pragma once
// Rekor transparency-log entries in a bundle: that the logged body describes exactly what the
// bundle carries, the signed entry timestamp (SET, Rekor v1), and the RFC 6962 inclusion
// proof with its signed checkpoint (Rekor v1 and v2).
//
// Entry kinds: hashedrekord 0.0.1 (v1) and 0.0.2 (v2, also used for DSSE envelopes, where the
// logged digest is SHA-256 of the envelope's PAE), dsse 0.0.1 and 0.0.2, intoto 0.0.2.
#include <cstdint>
#include <string>

#include "verify/sigstore/bundle.h"
#include "verify/sigstore/trusted_root.h"

namespace sluice::verify::sigstore {

// What the bundle says was logged.
struct LoggedContent {
  std::string verifier_der;  // DER of the leaf certificate, or of the public key
  bool verifier_is_certificate = false;
  // hashedrekord: the digest the signature covers (the artifact's, or the PAE's for DSSE).
  std::string signed_digest;               // raw SHA-256
  std::string signature;                   // the message signature or the DSSE envelope's signature
  const DsseEnvelope* envelope = nullptr;  // set for DSSE bundles
};

// Throws kVerificationFailed unless the entry's canonicalized body matches `content`.
void check_entry_body(const TlogEntry& entry, const LoggedContent& content);

// The same for cosign's classic image signatures (a Rekor bundle annotation on a `.sig` layer):
// the body must be hashedrekord 0.0.1 or rekord 0.0.1 naming exactly `content` (a message
// signature: no envelope), as `cosign verify` compares them.
void check_cosign_signature_entry_body(const TlogEntry& entry, const LoggedContent& content);

// The canonical JSON the SET signs: {"body":..,"integratedTime":..,"logID":..,"logIndex":..}.
std::string signed_entry_timestamp_payload(const TlogEntry& entry);
// Throws kVerificationFailed unless the entry's SET verifies under the log's key.
void verify_signed_entry_timestamp(const TlogEntry& entry, const TransparencyLog& log);

// Throws kVerificationFailed unless the inclusion proof leads from the entry to its root hash
// and the checkpoint, signed by the log, commits to that root and tree size.
void verify_inclusion_proof(const TlogEntry& entry, const TransparencyLog& log);

}  // namespace sluice::verify::sigstore
