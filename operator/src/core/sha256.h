#pragma once
// SHA-256 (OpenSSL EVP), for content digests and kustomize's name hashes.
#include <string>
#include <string_view>

#include <openssl/evp.h>

#include "core/unique_c_ptr.h"

namespace sluice {

// Incremental hashing. Throws Error(kInternal) if OpenSSL fails.
class Sha256 {
 public:
  Sha256();
  void update(std::string_view bytes);
  // The 32-byte digest; the hash cannot be updated afterwards.
  std::string finish_raw();

 private:
  UniqueCPtr<EVP_MD_CTX, EVP_MD_CTX_free> ctx_;
};

// Lower-case hex of raw bytes.
std::string to_hex(std::string_view raw);

// Hex SHA-256 of `bytes`.
std::string sha256_hex(std::string_view bytes);

}  // namespace sluice
