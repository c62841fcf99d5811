#pragma once
// Sigstore bundles (protobuf-specs dev.sigstore.bundle.v1.Bundle in protobuf-JSON) of media
// types application/vnd.dev.sigstore.bundle+json;version=0.1, ...;version=0.2,
// ...;version=0.3 and application/vnd.dev.sigstore.bundle.v0.N[.P]+json (N = 1..3). Other
// versions are refused. Parsing checks shape and encodings (protobuf-JSON base64 and int64
// strings, no negative log indexes, inclusion proofs with a checkpoint) and the per-version
// rules: a v0.1 bundle's entries carry an inclusion promise, a later one's an inclusion proof
// (on at least one entry, as sigstore-go checks), v0.3 carries a single certificate, not a
// chain.
// Nothing here is cryptographically verified; see verifier.h.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "verify/sigstore/crypto.h"

namespace sluice::verify::sigstore {

struct InclusionProof {
  std::int64_t log_index = 0;  // index in the log shard the tree covers
  std::string root_hash;       // 32 bytes
  std::int64_t tree_size = 0;
  std::vector<std::string> hashes;  // 32 bytes each
  std::string checkpoint;           // the signed note text (required)
};

struct TlogEntry {
  std::int64_t log_index = 0;
  std::string log_id;                           // raw key id bytes
  std::string kind;                             // "hashedrekord", "dsse", "intoto"
  std::string version;                          // "0.0.1", "0.0.2"
  std::optional<std::int64_t> integrated_time;  // absent (or 0) for Rekor v2
  std::optional<std::string> signed_entry_timestamp;
  std::optional<InclusionProof> inclusion_proof;
  std::string canonicalized_body;
};

struct DsseSignature {
  std::string signature;
  std::string key_id;
};

struct DsseEnvelope {
  std::string payload;
  std::string payload_type;
  std::vector<DsseSignature> signatures;
};

struct MessageSignature {
  // Required, as sigstore-go requires it to match the logged digest; it is not trusted: the
  // verifier checks it against the artifact.
  std::string digest_algorithm;  // "SHA2_256"
  std::string digest;
  std::string signature;
};

struct Bundle {
  int minor_version = 0;  // 1, 2 or 3 (all are v0.x)
  // Exactly one of these is set.
  std::vector<CertificatePtr> certificates;  // leaf first (x509CertificateChain or certificate)
  std::optional<std::string> public_key_hint;
  bool has_public_key = false;

  std::vector<TlogEntry> tlog_entries;
  std::vector<std::string> rfc3161_timestamps;  // DER TimeStampResp

  std::optional<MessageSignature> message_signature;
  std::optional<DsseEnvelope> dsse_envelope;
};

inline constexpr std::size_t kMaxBundleBytes = std::size_t{16} * 1024 * 1024;

// Parses a bundle; malformed, unknown-version or rule-breaking input throws
// kVerificationFailed with the field at fault.
Bundle parse_bundle(std::string_view json_text);

}  // namespace sluice::verify::sigstore
