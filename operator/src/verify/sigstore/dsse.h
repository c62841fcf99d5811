#pragma once
// DSSE envelopes (secure-systems-lab/dsse v1): the signature covers the pre-authentication
// encoding PAE(type, payload) = "DSSEv1" SP len(type) SP type SP len(payload) SP payload, and
// in-toto statements (payload type application/vnd.in-toto+json) name the artifacts they are
// about by digest.
#include <string>
#include <string_view>

#include "verify/sigstore/bundle.h"

namespace sluice::verify::sigstore {

inline constexpr std::string_view kInTotoPayloadType = "application/vnd.in-toto+json";

std::string dsse_pae(std::string_view payload_type, std::string_view payload);

// Throws kVerificationFailed unless the envelope holds exactly one signature (sigstore bundles
// carry one) and it verifies under `key` over the PAE.
void verify_dsse_signature(const DsseEnvelope& envelope, EVP_PKEY* key);

// Throws kVerificationFailed unless the envelope is an in-toto statement (v0.1 or v1) with a
// subject whose sha256 digest is `artifact_sha256` (raw 32 bytes).
void check_in_toto_subject(const DsseEnvelope& envelope, std::string_view artifact_sha256);

}  // namespace sluice::verify::sigstore
