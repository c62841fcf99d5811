#pragma once
// The transparency-log evidence of cosign's classic image signatures: the Rekor bundle cosign
// stores in a `.sig` layer's "dev.sigstore.cosign/bundle" annotation (cosign's
// pkg/cosign/bundle.RekorBundle):
//   {"SignedEntryTimestamp": "<base64>",
//    "Payload": {"body": "<base64 canonicalized entry>", "integratedTime": <int>,
//                "logIndex": <int>, "logID": "<hex key id>"}}
// It holds Rekor's signed entry timestamp (SET) but no inclusion proof, so it is checked
// offline as `cosign verify --trusted-root` does (pkg/cosign/verify.go VerifyBundle).
//
// The parser reads the annotation as Go's encoding/json reads it into that struct: unknown
// fields are ignored, field names match case-insensitively (the last matching key wins), null or a
// missing field leaves the zero value (which then fails verification), integers must be
// integral JSON numbers fitting int64, and base64 may carry CR/LF. Unlike Go, base64 with
// non-zero trailing bits is refused, and "body" must be a string (cosign panics otherwise).
#include <cstdint>
#include <string>
#include <string_view>

#include "verify/oci/registry_client.h"
#include "verify/sigstore/bundle.h"
#include "verify/sigstore/trusted_root.h"

namespace sluice::verify::oci {

inline constexpr const char* kRekorBundleAnnotation = "dev.sigstore.cosign/bundle";
inline constexpr std::size_t kMaxRekorBundleBytes = std::size_t{256} * 1024;

struct RekorBundle {
  std::string signed_entry_timestamp;  // raw ASN.1 ECDSA signature
  std::string body;                    // the canonicalized entry body (decoded)
  std::int64_t integrated_time = 0;
  std::int64_t log_index = 0;
  std::string log_id;  // raw key id bytes
};

// Throws kVerificationFailed naming the field when the annotation is not a Rekor bundle
// (kResourceExhausted when it is too large or nests too deep).
RekorBundle parse_rekor_bundle(std::string_view annotation);

// The bundle as a transparency-log entry (kind and version read from the body; the entry's
// inclusion promise is the SET), for verify/sigstore/tlog.h.
sigstore::TlogEntry rekor_bundle_entry(const RekorBundle& bundle);

// What the bundle must describe: the simple-signing payload, the signature over it, and who
// signed (the key's, or the certificate's, DER).
struct LoggedSignature {
  std::string_view payload;
  std::string signature;  // raw bytes
  std::string verifier_der;
  bool verifier_is_certificate = false;
};

// Checks the bundle as cosign does: the entry body is a hashedrekord (or rekord) 0.0.1 naming
// exactly this signature, the payload's SHA-256 and this key or certificate; the log (key id
// = logID) is an ECDSA Rekor key of `root` whose validFor holds the integrated time; the SET
// verifies under it. Also (stricter than cosign, which only bounds the time by the certificate
// for keyless signers) the integrated time must not be after `now`.
// Returns the verified integrated time: for a certificate signer, the time its validity must
// hold at. Throws kVerificationFailed with the reason.
std::int64_t verify_rekor_bundle(const RekorBundle& bundle, const LoggedSignature& signature,
                                 const sigstore::TrustedRoot& root, std::int64_t now);

// A classic signature layer's Rekor bundle annotation (its absence is a failure) checked with
// verify_rekor_bundle for `payload`, the layer's base64 signature annotation and the signer's
// DER (a key's, or with `verifier_is_certificate`, the leaf's). Returns the integrated time.
std::int64_t verify_layer_rekor_bundle(const Descriptor& layer, std::string_view payload,
                                       std::string_view signature_base64, std::string verifier_der,
                                       bool verifier_is_certificate,
                                       const sigstore::TrustedRoot& root, std::int64_t now);

}  // namespace sluice::verify::oci
