#include "core/sha256.h"

// SHA256_Init/Update/Final are deprecated in OpenSSL 3 in favour of EVP, but remain part of its
// API; see sha256.h for why they are used here.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include "core/base64.h"

namespace sluice {
namespace {

SHA256_CTX* context(unsigned char* storage) {
  return reinterpret_cast<SHA256_CTX*>(storage);
}

}  // namespace

Sha256::Sha256() {
  static_assert(sizeof(SHA256_CTX) <= kContextBytes, "Sha256::ctx_ is too small");
  static_assert(alignof(SHA256_CTX) <= 8);
  SHA256_Init(context(ctx_.data()));
}

void Sha256::update(std::string_view bytes) {
  SHA256_Update(context(ctx_.data()), bytes.data(), bytes.size());
}

std::string Sha256::finish_raw() {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> out{};
  SHA256_Final(out.data(), context(ctx_.data()));
  return {reinterpret_cast<const char*>(out.data()), out.size()};
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

std::optional<std::string> from_hex(std::string_view hex) {
  const auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) return std::nullopt;
  std::string raw;
  raw.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int high = nibble(hex[i]);
    const int low = nibble(hex[i + 1]);
    if (high < 0 || low < 0) return std::nullopt;
    raw.push_back(static_cast<char>(high * 16 + low));
  }
  return raw;
}

std::string sha256_fingerprint(std::string_view bytes) {
  Sha256 hash;
  hash.update(bytes);
  std::string encoded = encode_base64(hash.finish_raw());
  while (encoded.ends_with('=')) encoded.pop_back();
  return "SHA256:" + encoded;
}

std::string sha256_hex(std::string_view bytes) {
  Sha256 hash;
  hash.update(bytes);
  return to_hex(hash.finish_raw());
}

}  // namespace sluice
