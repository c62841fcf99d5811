#include "verify/public_key.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "core/base64.h"
#include "core/error.h"
#include "core/sha256.h"
#include "core/unique_c_ptr.h"

namespace sluice::verify {

PublicKey PublicKey::from_pem(std::string_view pem, const std::string& what) {
  UniqueCPtr<BIO, BIO_free_all> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EVP_PKEY* key = bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr;
  if (key == nullptr) throw invalid_argument(what + " holds no PEM public key");
  std::shared_ptr<evp_pkey_st> owned(key, EVP_PKEY_free);
  const int id = EVP_PKEY_get_base_id(key);
  if (id != EVP_PKEY_EC && id != EVP_PKEY_RSA && id != EVP_PKEY_ED25519) {
    throw invalid_argument(what + " is not an ECDSA, RSA or Ed25519 key");
  }
  return PublicKey(std::move(owned));
}

std::string PublicKey::description() const {
  switch (EVP_PKEY_get_base_id(key_.get())) {
    case EVP_PKEY_ED25519:
      return "Ed25519";
    case EVP_PKEY_RSA:
      return "RSA " + std::to_string(EVP_PKEY_get_bits(key_.get()));
    default: {
      char group[64] = {};
      std::size_t length = 0;
      EVP_PKEY_get_group_name(key_.get(), group, sizeof group, &length);
      return "ECDSA " + std::string(group, length);
    }
  }
}

std::string PublicKey::fingerprint() const {
  unsigned char* der = nullptr;
  const int size = i2d_PUBKEY(key_.get(), &der);
  if (size <= 0) throw internal_error("i2d_PUBKEY failed");
  const std::string bytes(reinterpret_cast<const char*>(der), static_cast<std::size_t>(size));
  OPENSSL_free(der);
  Sha256 hash;
  hash.update(bytes);
  std::string encoded = encode_base64(hash.finish_raw());
  while (encoded.ends_with('=')) encoded.pop_back();
  return "SHA256:" + encoded;
}

bool PublicKey::verify(std::string_view signature, std::string_view message) const {
  const EVP_MD* md = EVP_PKEY_get_base_id(key_.get()) == EVP_PKEY_ED25519 ? nullptr : EVP_sha256();
  UniqueCPtr<EVP_MD_CTX, EVP_MD_CTX_free> context(EVP_MD_CTX_new());
  if (!context || EVP_DigestVerifyInit(context.get(), nullptr, md, nullptr, key_.get()) != 1) {
    throw internal_error("EVP_DigestVerifyInit failed");
  }
  return EVP_DigestVerify(context.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(message.data()),
                          message.size()) == 1;
}

}  // namespace sluice::verify
