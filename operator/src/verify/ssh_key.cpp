#include "verify/ssh_key.h"

#include <array>
#include <vector>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include "core/base64.h"
#include "core/sha256.h"
#include "core/unique_c_ptr.h"
#include "verify/sigstore/crypto.h"
#include "verify/ssh_wire.h"

namespace sluice::verify {
namespace {

constexpr int kMinimumRsaBits = 1024;  // OpenSSH's SSH_RSA_MINIMUM_MODULUS_SIZE

struct EcdsaCurve {
  SshKeyType type;
  std::string_view key_type;    // "ecdsa-sha2-nistp256"
  std::string_view curve_name;  // "nistp256", repeated inside the blob
  const char* openssl_group;
  std::size_t field_bytes;
};

constexpr std::array<EcdsaCurve, 3> kCurves{{
    {SshKeyType::kEcdsaP256, "ecdsa-sha2-nistp256", "nistp256", "prime256v1", 32},
    {SshKeyType::kEcdsaP384, "ecdsa-sha2-nistp384", "nistp384", "secp384r1", 48},
    {SshKeyType::kEcdsaP521, "ecdsa-sha2-nistp521", "nistp521", "secp521r1", 66},
}};

const EcdsaCurve* curve_of(std::string_view key_type) {
  for (const EcdsaCurve& curve : kCurves) {
    if (curve.key_type == key_type) return &curve;
  }
  return nullptr;
}
const EcdsaCurve& curve_of(SshKeyType type) {
  for (const EcdsaCurve& curve : kCurves) {
    if (curve.type == type) return curve;
  }
  throw internal_error("not an ECDSA key type");
}

[[noreturn]] void refuse_unsupported(std::string_view key_type, ErrorCode code) {
  const std::string name(key_type);
  if (key_type.find("-cert-v01@openssh.com") != std::string_view::npos) {
    throw unimplemented("SSH certificates (" + name +
                        ") are not supported; list the signer's own key, not a "
                        "cert-authority");
  }
  if (key_type.starts_with("sk-")) {
    throw unimplemented("security-key (FIDO) SSH keys (" + name + ") are not supported");
  }
  if (key_type == "ssh-dss") throw unimplemented("DSA SSH keys are not accepted");
  throw Error(code, "unknown SSH key type \"" + name + "\"");
}

using PkeyPtr = std::shared_ptr<evp_pkey_st>;
using ParamBuilderPtr = UniqueCPtr<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;
using ParamsPtr = UniqueCPtr<OSSL_PARAM, OSSL_PARAM_free>;
using PkeyContextPtr = UniqueCPtr<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using BignumPtr = UniqueCPtr<BIGNUM, BN_free>;

PkeyPtr wrap(EVP_PKEY* key) {
  return {key, EVP_PKEY_free};
}

BignumPtr to_bignum(std::string_view magnitude) {
  BignumPtr bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(magnitude.data()),
                         static_cast<int>(magnitude.size()), nullptr));
  if (!bn) throw internal_error("BN_bin2bn failed");
  return bn;
}

PkeyPtr key_from_params(const char* algorithm, const OSSL_PARAM* params, ErrorCode code,
                        const std::string& what) {
  PkeyContextPtr context(EVP_PKEY_CTX_new_from_name(nullptr, algorithm, nullptr));
  EVP_PKEY* key = nullptr;
  if (!context || EVP_PKEY_fromdata_init(context.get()) != 1 ||
      EVP_PKEY_fromdata(context.get(), &key, EVP_PKEY_PUBLIC_KEY,
                        const_cast<OSSL_PARAM*>(params)) != 1) {
    throw Error(code, what + " is not a valid " + algorithm + " public key");
  }
  PkeyPtr owned = wrap(key);
  PkeyContextPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) {
    throw Error(code, what + " is not a valid " + algorithm + " public key");
  }
  return owned;
}

PkeyPtr ecdsa_key(const EcdsaCurve& curve, std::string_view point, ErrorCode code) {
  // Only the uncompressed form, as OpenSSH writes and reads it.
  if (point.size() != 1 + 2 * curve.field_bytes || point.front() != '\x04') {
    throw Error(code, "public key is malformed: bad " + std::string(curve.curve_name) + " point");
  }
  ParamBuilderPtr builder(OSSL_PARAM_BLD_new());
  if (!builder ||
      OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME,
                                      curve.openssl_group, 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    throw internal_error("OSSL_PARAM_BLD failed");
  }
  const ParamsPtr params(OSSL_PARAM_BLD_to_param(builder.get()));
  return key_from_params("EC", params.get(), code, "public key");
}

PkeyPtr rsa_key(std::string_view exponent, std::string_view modulus, ErrorCode code) {
  const BignumPtr n = to_bignum(modulus);
  const BignumPtr e = to_bignum(exponent);
  if (BN_num_bits(n.get()) < kMinimumRsaBits) {
    throw Error(code, "RSA key is too small (" + std::to_string(BN_num_bits(n.get())) +
                          " bits; at least 1024 are required)");
  }
  ParamBuilderPtr builder(OSSL_PARAM_BLD_new());
  if (!builder || OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1) {
    throw internal_error("OSSL_PARAM_BLD failed");
  }
  const ParamsPtr params(OSSL_PARAM_BLD_to_param(builder.get()));
  return key_from_params("RSA", params.get(), code, "public key");
}

// r and s (SSH mpints) as the DER ECDSA-Sig-Value OpenSSL verifies.
std::string ecdsa_der(std::string_view r, std::string_view s) {
  UniqueCPtr<ECDSA_SIG, ECDSA_SIG_free> sig(ECDSA_SIG_new());
  BignumPtr r_bn = to_bignum(r);
  BignumPtr s_bn = to_bignum(s);
  if (!sig || ECDSA_SIG_set0(sig.get(), r_bn.get(), s_bn.get()) != 1) {
    throw internal_error("ECDSA_SIG_set0 failed");
  }
  (void)r_bn.release();  // owned by sig now
  (void)s_bn.release();
  unsigned char* der = nullptr;
  const int size = i2d_ECDSA_SIG(sig.get(), &der);
  if (size <= 0) throw internal_error("i2d_ECDSA_SIG failed");
  std::string out(reinterpret_cast<const char*>(der), static_cast<std::size_t>(size));
  OPENSSL_free(der);
  return out;
}

const EVP_MD* ecdsa_digest(SshKeyType type) {
  switch (type) {
    case SshKeyType::kEcdsaP256:
      return EVP_sha256();
    case SshKeyType::kEcdsaP384:
      return EVP_sha384();
    default:
      return EVP_sha512();
  }
}

}  // namespace

SshPublicKey SshPublicKey::from_blob(std::string_view blob, ErrorCode code) {
  SshReader reader(blob, "public key", code);
  const std::string_view key_type = reader.string();
  if (key_type == "ssh-ed25519") {
    const std::string_view raw = reader.string();
    reader.expect_end();
    if (raw.size() != 32) reader.fail("an Ed25519 key is 32 bytes");
    EVP_PKEY* key = EVP_PKEY_new_raw_public_key(
        EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
    if (key == nullptr) reader.fail("not an Ed25519 key");
    return {SshKeyType::kEd25519, std::string(blob), wrap(key)};
  }
  if (const EcdsaCurve* curve = curve_of(key_type)) {
    const std::string_view curve_name = reader.string();
    const std::string_view point = reader.string();
    reader.expect_end();
    if (curve_name != curve->curve_name) reader.fail("curve does not match the key type");
    return {curve->type, std::string(blob), ecdsa_key(*curve, point, code)};
  }
  if (key_type == "ssh-rsa") {
    const std::string_view exponent = reader.mpint();
    const std::string_view modulus = reader.mpint();
    reader.expect_end();
    return {SshKeyType::kRsa, std::string(blob), rsa_key(exponent, modulus, code)};
  }
  refuse_unsupported(key_type, code);
}

SshPublicKey SshPublicKey::from_text(std::string_view type_name, std::string_view base64_blob,
                                     ErrorCode code) {
  const auto blob = decode_base64(base64_blob);
  if (!blob) throw Error(code, "public key is not valid base64");
  SshPublicKey key = from_blob(*blob, code);
  if (key.type_name() != type_name) {
    throw Error(code, "public key says \"" + std::string(type_name) + "\" but holds a " +
                          std::string(key.type_name()) + " key");
  }
  return key;
}

std::string_view SshPublicKey::type_name() const noexcept {
  switch (type_) {
    case SshKeyType::kEd25519:
      return "ssh-ed25519";
    case SshKeyType::kEcdsaP256:
      return "ecdsa-sha2-nistp256";
    case SshKeyType::kEcdsaP384:
      return "ecdsa-sha2-nistp384";
    case SshKeyType::kEcdsaP521:
      return "ecdsa-sha2-nistp521";
    case SshKeyType::kRsa:
      return "ssh-rsa";
  }
  return "unknown";
}

std::string_view SshPublicKey::display_type() const noexcept {
  switch (type_) {
    case SshKeyType::kEd25519:
      return "ED25519";
    case SshKeyType::kRsa:
      return "RSA";
    default:
      return "ECDSA";
  }
}

std::string SshPublicKey::fingerprint() const {
  return sha256_fingerprint(blob_);
}

bool SshPublicKey::same_key(const SshPublicKey& other) const {
  return type_ == other.type_ && EVP_PKEY_eq(key_.get(), other.key_.get()) == 1;
}

bool SshPublicKey::verify(std::string_view signature_blob, std::string_view data) const {
  SshReader reader(signature_blob, "signature", ErrorCode::kVerificationFailed);
  const std::string_view algorithm = reader.string();
  const std::string_view signature = reader.string();
  reader.expect_end();
  switch (type_) {
    case SshKeyType::kEd25519:
      if (algorithm != "ssh-ed25519") reader.fail("algorithm does not match the key");
      if (signature.size() != 64) reader.fail("an Ed25519 signature is 64 bytes");
      return sigstore::verify_signature_with_digest(key_.get(), nullptr, data, signature);
    case SshKeyType::kEcdsaP256:
    case SshKeyType::kEcdsaP384:
    case SshKeyType::kEcdsaP521: {
      if (algorithm != curve_of(type_).key_type) reader.fail("algorithm does not match the key");
      SshReader inner(signature, "ECDSA signature", ErrorCode::kVerificationFailed);
      const std::string_view r = inner.mpint();
      const std::string_view s = inner.mpint();
      inner.expect_end();
      return sigstore::verify_signature_with_digest(key_.get(), ecdsa_digest(type_), data,
                                                    ecdsa_der(r, s));
    }
    case SshKeyType::kRsa: {
      const EVP_MD* md = nullptr;
      if (algorithm == "rsa-sha2-256") {
        md = EVP_sha256();
      } else if (algorithm == "rsa-sha2-512") {
        md = EVP_sha512();
      } else {
        throw Error(ErrorCode::kVerificationFailed,
                    "RSA signature algorithm \"" + std::string(algorithm) +
                        "\" is not accepted (rsa-sha2-256 or rsa-sha2-512 are)");
      }
      const auto modulus_bytes = static_cast<std::size_t>(EVP_PKEY_get_size(key_.get()));
      if (signature.size() > modulus_bytes) reader.fail("RSA signature longer than the modulus");
      // OpenSSH left-pads a short signature to the modulus length before checking it.
      std::string padded(modulus_bytes - signature.size(), '\0');
      padded.append(signature);
      return sigstore::verify_signature_with_digest(key_.get(), md, data, padded);
    }
  }
  return false;
}

}  // namespace sluice::verify
