#pragma once
// SHA-256 for content digests and kustomize's name hashes.
//
// Built on OpenSSL's low-level SHA256_* functions rather than EVP: they run the same assembly
// (SHA-NI where the CPU has it), but the first EVP digest loads OpenSSL's provider and method
// tables, which costs about 2 MiB of resident memory in every process that hashes anything
// (`sluice build` hashes a few generated ConfigMaps; see docs/benchmarks.md "Renderer").
#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sluice {

// Incremental hashing.
class Sha256 {
 public:
  Sha256();
  void update(std::string_view bytes);
  // The 32-byte digest; the hash cannot be updated afterwards.
  std::string finish_raw();

 private:
  // Storage for OpenSSL's SHA256_CTX (112 bytes in OpenSSL 1.1 and 3.x; sha256.cpp checks the
  // size), kept opaque so that this header does not pull in deprecated OpenSSL declarations.
  static constexpr std::size_t kContextBytes = 112;
  alignas(8) std::array<unsigned char, kContextBytes> ctx_{};
};

// Lower-case hex of raw bytes.
std::string to_hex(std::string_view raw);

// The bytes an even-length hex string (either case) spells; nullopt for anything else.
std::optional<std::string> from_hex(std::string_view hex);

// OpenSSH's fingerprint notation of `bytes` (a key blob or DER key):
// "SHA256:<base64 of the digest without '=' padding>".
std::string sha256_fingerprint(std::string_view bytes);

// Hex SHA-256 of `bytes`.
std::string sha256_hex(std::string_view bytes);

}  // namespace sluice
