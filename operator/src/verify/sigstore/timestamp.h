#pragma once
// RFC 3161 signed timestamps from a bundle's timestampVerificationData: a DER TimeStampResp
// whose token is signed by a timestamp authority of the trusted root (its chain verified at
// the timestamp's own time, the authority's validFor window holding that time) and whose
// message imprint is the hash of the bytes the bundle's signature consists of.
#include <cstdint>
#include <string_view>

#include "verify/sigstore/trusted_root.h"

namespace sluice::verify::sigstore {

// The genTime of a timestamp (Unix seconds, fractions dropped) without verifying anything.
std::int64_t timestamp_time(std::string_view der);

// Verifies the timestamp over `signed_bytes` and returns its time; throws
// kVerificationFailed with the reason otherwise.
std::int64_t verify_rfc3161_timestamp(std::string_view der, std::string_view signed_bytes,
                                      const TrustedRoot& root);

}  // namespace sluice::verify::sigstore
