#include "core/sha256.h"

#include <array>

#include "core/error.h"

namespace sluice {

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1) {
    throw internal_error("sha256: EVP_DigestInit_ex failed");
  }
}

void Sha256::update(std::string_view bytes) {
  if (EVP_DigestUpdate(ctx_.get(), bytes.data(), bytes.size()) != 1) {
    throw internal_error("sha256: EVP_DigestUpdate failed");
  }
}

std::string Sha256::finish_raw() {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(ctx_.get(), out.data(), &size) != 1) {
    throw internal_error("sha256: EVP_DigestFinal_ex failed");
  }
  return {reinterpret_cast<const char*>(out.data()), size};
}

std::string to_hex(std::string_view raw) {
  static constexpr std::string_view kDigits = "0123456789abcdef";
  std::string hex;
  hex.reserve(raw.size() * 2);
  for (const char c : raw) {
    const auto u = static_cast<unsigned char>(c);
    hex.push_back(kDigits[u >> 4U]);
    hex.push_back(kDigits[u & 0xFU]);
  }
  return hex;
}

std::string sha256_hex(std::string_view bytes) {
  Sha256 hash;
  hash.update(bytes);
  return to_hex(hash.finish_raw());
}

}  // namespace sluice
