#include "verify/sigstore/crypto.h"

#include <ctime>

#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "core/sha256.h"

namespace sluice::verify::sigstore {
namespace {

using PkeyContextPtr = UniqueCPtr<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using DigestContextPtr = UniqueCPtr<EVP_MD_CTX, EVP_MD_CTX_free>;
using BioPtr = UniqueCPtr<BIO, BIO_free>;

constexpr std::size_t kMaxPemBytes = std::size_t{64} * 1024;

const unsigned char* bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

std::string_view one_pem_block(std::string_view pem, std::string_view label, ErrorCode code,
                               std::string_view what) {
  if (pem.size() > kMaxPemBytes) throw Error(code, std::string(what) + " is too large");
  const std::string begin = "-----BEGIN " + std::string(label) + "-----";
  const std::string end = "-----END " + std::string(label) + "-----";
  const std::size_t first = pem.find(begin);
  const std::size_t last = pem.find(end);
  if (first == std::string_view::npos || last == std::string_view::npos || last < first ||
      pem.find(begin, first + 1) != std::string_view::npos) {
    throw Error(code, std::string(what) + " is not one PEM " + std::string(label) + " block");
  }
  return pem.substr(first, last + end.size() - first);
}

// The message digest a key signs with (sigstore's key details PKIX_ECDSA_P384_SHA_384 etc.).
const EVP_MD* digest_for(EVP_PKEY* key) {
  if (EVP_PKEY_is_a(key, "EC")) {
    switch (EVP_PKEY_get_bits(key)) {
      case 384:
        return EVP_sha384();
      case 521:
        return EVP_sha512();
      default:
        return EVP_sha256();
    }
  }
  return EVP_sha256();
}

bool is_ed25519(EVP_PKEY* key) {
  return EVP_PKEY_is_a(key, "ED25519") != 0;
}

}  // namespace

PublicKeyPtr parse_public_key_der(std::string_view der, ErrorCode code, std::string_view what) {
  const unsigned char* cursor = bytes(der);
  EVP_PKEY* key = d2i_PUBKEY(nullptr, &cursor, static_cast<long>(der.size()));
  ERR_clear_error();  // a refusal leaves nothing on OpenSSL's queue for later callers
  if (key == nullptr) throw Error(code, std::string(what) + " is not a DER public key");
  PublicKeyPtr owned(key, EVP_PKEY_free);
  if (cursor != bytes(der) + der.size()) {
    throw Error(code, std::string(what) + " has trailing bytes after the public key");
  }
  if (!EVP_PKEY_is_a(key, "EC") && !EVP_PKEY_is_a(key, "RSA") && !is_ed25519(key)) {
    throw Error(code, std::string(what) + " is not an ECDSA, RSA or Ed25519 key");
  }
  return owned;
}

PublicKeyPtr parse_rsa_public_key_der(std::string_view der, ErrorCode code, std::string_view what) {
  const unsigned char* cursor = bytes(der);
  EVP_PKEY* key = d2i_PublicKey(EVP_PKEY_RSA, nullptr, &cursor, static_cast<long>(der.size()));
  ERR_clear_error();
  if (key == nullptr) throw Error(code, std::string(what) + " is not a DER PKCS#1 RSA public key");
  PublicKeyPtr owned(key, EVP_PKEY_free);
  if (cursor != bytes(der) + der.size()) {
    throw Error(code, std::string(what) + " has trailing bytes after the public key");
  }
  return owned;
}

PublicKeyPtr parse_public_key_pem(std::string_view pem, ErrorCode code, std::string_view what) {
  const std::string_view block = one_pem_block(pem, "PUBLIC KEY", code, what);
  BioPtr bio(BIO_new_mem_buf(block.data(), static_cast<int>(block.size())));
  if (!bio) throw internal_error("BIO_new_mem_buf failed");
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  ERR_clear_error();
  if (key == nullptr) throw Error(code, std::string(what) + " is not a PEM public key");
  PublicKeyPtr owned(key, EVP_PKEY_free);
  return parse_public_key_der(public_key_der(key), code, what);
}

std::string public_key_der(EVP_PKEY* key) {
  unsigned char* out = nullptr;
  const int length = i2d_PUBKEY(key, &out);
  if (length <= 0) throw internal_error("i2d_PUBKEY failed");
  std::string der(reinterpret_cast<char*>(out), static_cast<std::size_t>(length));
  OPENSSL_free(out);
  return der;
}

std::string describe_key(EVP_PKEY* key) {
  if (is_ed25519(key)) return "Ed25519";
  if (EVP_PKEY_is_a(key, "EC")) return "ECDSA P-" + std::to_string(EVP_PKEY_get_bits(key));
  if (EVP_PKEY_is_a(key, "RSA")) return "RSA " + std::to_string(EVP_PKEY_get_bits(key));
  return "unknown key";
}

CertificatePtr parse_certificate_der(std::string_view der, ErrorCode code, std::string_view what) {
  const unsigned char* cursor = bytes(der);
  X509* certificate = d2i_X509(nullptr, &cursor, static_cast<long>(der.size()));
  ERR_clear_error();
  if (certificate == nullptr) throw Error(code, std::string(what) + " is not a DER certificate");
  CertificatePtr owned(certificate, X509_free);
  if (cursor != bytes(der) + der.size()) {
    throw Error(code, std::string(what) + " has trailing bytes after the certificate");
  }
  return owned;
}

CertificatePtr parse_certificate_pem(std::string_view pem, ErrorCode code, std::string_view what) {
  const std::string_view block = one_pem_block(pem, "CERTIFICATE", code, what);
  BioPtr bio(BIO_new_mem_buf(block.data(), static_cast<int>(block.size())));
  if (!bio) throw internal_error("BIO_new_mem_buf failed");
  X509* certificate = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr);
  ERR_clear_error();
  if (certificate == nullptr) throw Error(code, std::string(what) + " is not a PEM certificate");
  return {certificate, X509_free};
}

std::string certificate_der(X509* certificate) {
  unsigned char* out = nullptr;
  const int length = i2d_X509(certificate, &out);
  if (length <= 0) throw internal_error("i2d_X509 failed");
  std::string der(reinterpret_cast<char*>(out), static_cast<std::size_t>(length));
  OPENSSL_free(out);
  return der;
}

std::optional<std::int64_t> asn1_time_seconds(const ASN1_TIME* time) {
  std::tm parts{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &parts) != 1) return std::nullopt;
  return static_cast<std::int64_t>(timegm(&parts));
}

std::string asn1_string_bytes(const ASN1_STRING* value) {
  return {reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
          static_cast<std::size_t>(ASN1_STRING_length(value))};
}

PublicKeyPtr certificate_key(X509* certificate) {
  EVP_PKEY* key = X509_get_pubkey(certificate);
  if (key == nullptr) {
    throw Error(ErrorCode::kVerificationFailed, "the certificate's public key is unreadable");
  }
  return {key, EVP_PKEY_free};
}

bool verify_message_signature(EVP_PKEY* key, std::string_view message, std::string_view signature) {
  return verify_signature_with_digest(key, is_ed25519(key) ? nullptr : digest_for(key), message,
                                      signature);
}

bool verify_signature_with_digest(EVP_PKEY* key, const EVP_MD* digest, std::string_view message,
                                  std::string_view signature) {
  DigestContextPtr context(EVP_MD_CTX_new());
  if (!context) throw internal_error("EVP_MD_CTX_new failed");
  if (EVP_DigestVerifyInit(context.get(), nullptr, digest, nullptr, key) != 1) {
    throw internal_error("EVP_DigestVerifyInit failed");
  }
  const bool verified = EVP_DigestVerify(context.get(), bytes(signature), signature.size(),
                                         bytes(message), message.size()) == 1;
  ERR_clear_error();
  return verified;
}

bool verify_digest_signature(EVP_PKEY* key, std::string_view sha256_digest,
                             std::string_view signature) {
  if (is_ed25519(key)) {
    throw Error(ErrorCode::kVerificationFailed,
                "an Ed25519 signature covers the whole message; give the artifact, not its digest");
  }
  if (sha256_digest.size() != 32) throw internal_error("SHA-256 digest of the wrong length");
  if (digest_for(key) != EVP_sha256()) {
    throw Error(ErrorCode::kVerificationFailed,
                describe_key(key) + " keys sign with SHA-384/512, not SHA-256");
  }
  PkeyContextPtr context(EVP_PKEY_CTX_new(key, nullptr));
  if (!context || EVP_PKEY_verify_init(context.get()) != 1 ||
      EVP_PKEY_CTX_set_signature_md(context.get(), EVP_sha256()) != 1) {
    throw internal_error("EVP_PKEY_verify_init failed");
  }
  const bool verified = EVP_PKEY_verify(context.get(), bytes(signature), signature.size(),
                                        bytes(sha256_digest), sha256_digest.size()) == 1;
  ERR_clear_error();
  return verified;
}

std::string sha256_raw(std::string_view bytes_in) {
  Sha256 hash;
  hash.update(bytes_in);
  return hash.finish_raw();
}

}  // namespace sluice::verify::sigstore
