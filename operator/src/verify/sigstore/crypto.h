#pragma once
// The OpenSSL pieces sigstore verification shares: public keys (PKIX DER or PEM), X.509
// certificates (DER, no trailing data), and signature checks over a message or over a
// SHA-256 digest that was computed elsewhere (`sluice verify-bundle sha256:<hex>`).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "core/error.h"
#include "core/unique_c_ptr.h"

namespace sluice::verify::sigstore {

using PublicKeyPtr = std::shared_ptr<EVP_PKEY>;
using CertificatePtr = std::shared_ptr<X509>;

// A SubjectPublicKeyInfo in DER; malformed input or trailing bytes throw `code`.
PublicKeyPtr parse_public_key_der(std::string_view der, ErrorCode code, std::string_view what);
// A PKCS#1 RSAPublicKey in DER (trusted roots' PKCS1_RSA_* key details).
PublicKeyPtr parse_rsa_public_key_der(std::string_view der, ErrorCode code, std::string_view what);
// "-----BEGIN PUBLIC KEY-----" PEM (exactly one block).
PublicKeyPtr parse_public_key_pem(std::string_view pem, ErrorCode code, std::string_view what);
std::string public_key_der(EVP_PKEY* key);
// "ECDSA P-256", "Ed25519", "RSA 2048", for messages.
std::string describe_key(EVP_PKEY* key);

CertificatePtr parse_certificate_der(std::string_view der, ErrorCode code, std::string_view what);
// One "-----BEGIN CERTIFICATE-----" PEM block (Rekor entry bodies carry these).
CertificatePtr parse_certificate_pem(std::string_view pem, ErrorCode code, std::string_view what);
std::string certificate_der(X509* certificate);
// An ASN.1 time (UTCTime or GeneralizedTime) in Unix seconds; nullopt when it is unreadable.
std::optional<std::int64_t> asn1_time_seconds(const ASN1_TIME* time);
// The content bytes of an ASN.1 string (OCTET STRING, IA5String, UTF8String, ...).
std::string asn1_string_bytes(const ASN1_STRING* value);
PublicKeyPtr certificate_key(X509* certificate);

// Checks `signature` by `key` over `message`: ECDSA and RSA (PKCS#1 v1.5) with SHA-256
// (SHA-384 for P-384 keys, SHA-512 for P-521), Ed25519 pure. False when it does not verify.
bool verify_message_signature(EVP_PKEY* key, std::string_view message, std::string_view signature);
// The same with the digest given (nullptr for Ed25519), for formats that name their own hash
// (SSH signatures: ECDSA's follows the curve, RSA's the algorithm name).
bool verify_signature_with_digest(EVP_PKEY* key, const EVP_MD* digest, std::string_view message,
                                  std::string_view signature);
// Same for a message known only by its SHA-256 digest: ECDSA and RSA only (Ed25519 cannot
// verify a digest; that throws kVerificationFailed).
bool verify_digest_signature(EVP_PKEY* key, std::string_view sha256_digest,
                             std::string_view signature);

// Raw 32-byte SHA-256.
std::string sha256_raw(std::string_view bytes);

}  // namespace sluice::verify::sigstore
