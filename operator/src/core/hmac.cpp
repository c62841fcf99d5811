#include "core/hmac.h"

#include <array>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/error.h"

namespace sluice {

std::string hmac_sha256(std::string_view key, std::string_view message) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int size = 0;
  // A key or message over INT_MAX bytes cannot be passed to OpenSSL's int length; nothing sluice
  // signs comes near it (webhook bodies are bounded to a few MiB).
  if (key.size() > 0x7fffffffU) throw invalid_argument("HMAC key too long");
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(message.data()), message.size(), out.data(),
           &size) == nullptr) {
    throw internal_error("HMAC-SHA256 failed");
  }
  return {reinterpret_cast<const char*>(out.data()), size};
}

bool constant_time_equal(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace sluice
