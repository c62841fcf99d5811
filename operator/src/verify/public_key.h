#pragma once
// A PEM public key (SubjectPublicKeyInfo, as `cosign generate-key-pair` writes cosign.pub) and
// checking the plain signatures cosign makes with it: ECDSA (P-256/384/521) and RSA PKCS#1 v1.5
// over SHA-256, Ed25519 over the raw message.

#include <memory>
#include <string>
#include <string_view>

struct evp_pkey_st;  // OpenSSL's EVP_PKEY

namespace sluice::verify {

class PublicKey {
 public:
  // Throws Error(kInvalidArgument) when `pem` holds no usable public key; `what` names it.
  static PublicKey from_pem(std::string_view pem, const std::string& what);

  // "ECDSA prime256v1", "RSA 3072", "Ed25519".
  std::string description() const;
  // "SHA256:<unpadded base64 of SHA-256 of the DER SubjectPublicKeyInfo>".
  std::string fingerprint() const;
  // Whether `signature` (DER ECDSA, raw RSA or raw Ed25519 bytes) signs `message`.
  bool verify(std::string_view signature, std::string_view message) const;

 private:
  explicit PublicKey(std::shared_ptr<evp_pkey_st> key) : key_(std::move(key)) {}
  std::shared_ptr<evp_pkey_st> key_;
};

}  // namespace sluice::verify
