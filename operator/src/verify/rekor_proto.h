#pragma once
// The binary protobuf encoding of sigstore's dev.sigstore.rekor.v1.TransparencyLogEntry
// (protobuf-specs rekor/v1/sigstore_rekor.proto), which gitsign stores in a commit signature's
// CMS unsigned attribute 1.3.6.1.4.1.57264.3.1. A small bounded wire-format reader: only the
// fields sigstore defines are kept, unknown fields are skipped as protobuf requires, and
// anything malformed (truncated varints or lengths, groups, a singular field twice, negative
// indexes, more than kMaxProtoHashes proof hashes) is refused.
// Nothing here is cryptographically verified; see tlog.h.
#include <cstddef>
#include <string_view>

#include "verify/sigstore/bundle.h"

namespace sluice::verify {

inline constexpr std::size_t kMaxTlogEntryProtoBytes = std::size_t{256} * 1024;
inline constexpr std::size_t kMaxProtoHashes = 64;

// Throws Error(kVerificationFailed) naming the field at fault. Fields absent from the message
// keep their proto3 defaults: canonicalized_body "" (gitsign leaves it out; the verifier
// rebuilds it), integrated_time and signed_entry_timestamp nullopt, inclusion_proof nullopt.
sigstore::TlogEntry parse_tlog_entry_proto(std::string_view bytes);

}  // namespace sluice::verify
