#pragma once
// A PEM public key (SubjectPublicKeyInfo, as `cosign generate-key-pair` writes cosign.pub) and
// checking the plain signatures cosign makes with it: ECDSA and RSA PKCS#1 v1.5 with SHA-256
// (SHA-384 for P-384, SHA-512 for P-521), Ed25519 over the raw message. A value type over
// verify/sigstore/crypto.h, which holds the OpenSSL work.

#include <memory>
#include <string>
#include <string_view>

struct evp_pkey_st;  // OpenSSL's EVP_PKEY

namespace sluice::verify {

class PublicKey {
 public:
  // Throws Error(kInvalidArgument) when `pem` holds no usable public key; `what` names it.
  static PublicKey from_pem(std::string_view pem, const std::string& what);
  // An OpenSSL key already at hand (a certificate's); it must not be null.
  static PublicKey from_handle(std::shared_ptr<evp_pkey_st> key);

  // "ECDSA P-256", "RSA 3072", "Ed25519".
  std::string description() const;
  // "SHA256:<unpadded base64 of SHA-256 of the DER SubjectPublicKeyInfo>".
  std::string fingerprint() const;
  // Whether `signature` (DER ECDSA, raw RSA or raw Ed25519 bytes) signs `message`.
  bool verify(std::string_view signature, std::string_view message) const;

  // The OpenSSL key, for verify/sigstore's functions.
  const std::shared_ptr<evp_pkey_st>& handle() const noexcept { return key_; }

 private:
  explicit PublicKey(std::shared_ptr<evp_pkey_st> key) : key_(std::move(key)) {}
  std::shared_ptr<evp_pkey_st> key_;
};

}  // namespace sluice::verify
