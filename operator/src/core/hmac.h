#pragma once
// HMAC-SHA256 and constant-time comparison, for webhook signatures and shared tokens.
//
// In a file of its own, not in sha256.h: HMAC goes through OpenSSL's EVP layer, which
// sha256.h avoids on purpose (the first EVP call loads provider tables: about 2 MiB resident in
// a `sluice build` that only hashes generated ConfigMaps).

#include <string>
#include <string_view>

namespace sluice {

// HMAC-SHA256 (RFC 2104) of `message` under `key`: the 32 raw bytes.
std::string hmac_sha256(std::string_view key, std::string_view message);

// Whether `a` and `b` hold the same bytes, in a time that depends on their lengths only
// (OpenSSL's CRYPTO_memcmp), so comparing a guess with a secret or a MAC tells an attacker
// nothing about how much of it was right. Lengths are not hidden: compare fixed-length values
// (digests, MACs), or digests of variable-length secrets.
bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

}  // namespace sluice
