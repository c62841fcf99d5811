#pragma once
// Shared by the sigstore unit tests: keys made at test time (so hostile variants can be signed
// for real), a synthetic key-based bundle with a Rekor v1 entry (SET, inclusion proof in a
// three-leaf tree, checkpoint), and reading files of the sigstore conformance vectors.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "core/base64.h"
#include "core/error.h"
#include "core/sha256.h"
#include "verify/sigstore/crypto.h"
#include "verify/sigstore/json_fields.h"
#include "verify/sigstore/merkle.h"

namespace sluice::verify::sigstore::testing {

// A file of the conformance vectors (SLUICE_SIGSTORE_CONFORMANCE_DIR); missing is a failure.
inline std::string vector_file(const std::string& relative) {
  const std::filesystem::path path =
      std::filesystem::path(SLUICE_SIGSTORE_CONFORMANCE_DIR) / relative;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("sigstore conformance vector missing: " + path.string());
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline Json vector_json(const std::string& relative) {
  return Json::parse(vector_file(relative));
}

// The code of the Error `call` throws; kInternal when it throws nothing.
inline ErrorCode code_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const Error& e) {
    return e.code();
  }
  return ErrorCode::kInternal;
}

// The message of the Error `call` throws; "" when it throws nothing.
inline std::string message_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const Error& e) {
    return e.message();
  }
  return "";
}

class TestKey {
 public:
  static TestKey ec_p256() { return TestKey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")); }
  static TestKey ed25519() { return TestKey(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")); }

  EVP_PKEY* get() const { return key_.get(); }
  PublicKeyPtr public_key() const {
    return parse_public_key_der(spki_der(), ErrorCode::kInvalidArgument, "test key");
  }
  std::string spki_der() const { return public_key_der(key_.get()); }
  std::string pem() const {
    return "-----BEGIN PUBLIC KEY-----\n" + encode_base64(spki_der()) +
           "\n-----END PUBLIC KEY-----\n";
  }
  std::string sign(std::string_view message) const {
    UniqueCPtr<EVP_MD_CTX, EVP_MD_CTX_free> context(EVP_MD_CTX_new());
    const EVP_MD* digest = EVP_PKEY_is_a(key_.get(), "ED25519") ? nullptr : EVP_sha256();
    std::size_t size = 0;
    const auto* data = reinterpret_cast<const unsigned char*>(message.data());
    if (EVP_DigestSignInit(context.get(), nullptr, digest, nullptr, key_.get()) != 1 ||
        EVP_DigestSign(context.get(), nullptr, &size, data, message.size()) != 1) {
      throw std::runtime_error("EVP_DigestSign failed");
    }
    std::string signature(size, '\0');
    if (EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &size,
                       data, message.size()) != 1) {
      throw std::runtime_error("EVP_DigestSign failed");
    }
    signature.resize(size);
    return signature;
  }

 private:
  explicit TestKey(EVP_PKEY* key) : key_(key, EVP_PKEY_free) {
    if (!key_) throw std::runtime_error("key generation failed");
  }
  std::shared_ptr<EVP_PKEY> key_;
};

inline std::string node(const std::string& left, const std::string& right) {
  return sha256_raw("\x01" + left + right);
}

// A key-signed message bundle (v0.3) logged as hashedrekord 0.0.1 at index 2 of a three-leaf
// tree, with the trusted root of its log. Tests change one field and rebuild.
struct SyntheticBundle {
  TestKey signer = TestKey::ec_p256();
  TestKey log = TestKey::ec_p256();
  std::string artifact = "hello, sigstore\n";
  std::int64_t integrated_time = 1700000000;
  std::int64_t log_index = 2;
  std::string log_host = "rekor.example.dev";
  std::string log_valid_from = "2020-01-01T00:00:00Z";

  std::string log_id() const { return sha256_raw(log.spki_der()); }
  std::string signature() const { return signer.sign(artifact); }

  std::string body(const std::string& signature_bytes) const {
    Json body = {{"apiVersion", "0.0.1"},
                 {"kind", "hashedrekord"},
                 {"spec",
                  {{"data", {{"hash", {{"algorithm", "sha256"}, {"value", sha256_hex(artifact)}}}}},
                   {"signature",
                    {{"content", encode_base64(signature_bytes)},
                     {"publicKey", {{"content", encode_base64(signer.pem())}}}}}}}};
    return body.dump();
  }

  std::string checkpoint(std::uint64_t size, const std::string& root) const {
    const std::string text =
        log_host + " - 42\n" + std::to_string(size) + "\n" + encode_base64(root) + "\n";
    return text + "\n\xE2\x80\x94 " + log_host + " " +
           encode_base64(log_id().substr(0, 4) + log.sign(text)) + "\n";
  }

  Json entry(const std::string& body_bytes) const {
    const std::string leaf0 = merkle_leaf_hash("leaf 0");
    const std::string leaf1 = merkle_leaf_hash("leaf 1");
    const std::string root = node(node(leaf0, leaf1), merkle_leaf_hash(body_bytes));
    Json payload = {{"body", encode_base64(body_bytes)},
                    {"integratedTime", integrated_time},
                    {"logID", to_hex(log_id())},
                    {"logIndex", log_index}};
    return {
        {"logIndex", std::to_string(log_index)},
        {"logId", {{"keyId", encode_base64(log_id())}}},
        {"kindVersion", {{"kind", "hashedrekord"}, {"version", "0.0.1"}}},
        {"integratedTime", std::to_string(integrated_time)},
        {"inclusionPromise", {{"signedEntryTimestamp", encode_base64(log.sign(payload.dump()))}}},
        {"inclusionProof",
         {{"logIndex", "2"},
          {"rootHash", encode_base64(root)},
          {"treeSize", "3"},
          {"hashes", {encode_base64(node(leaf0, leaf1))}},
          {"checkpoint", {{"envelope", checkpoint(3, root)}}}}},
        {"canonicalizedBody", encode_base64(body_bytes)}};
  }

  Json bundle() const {
    const std::string signature_bytes = signature();
    return {{"mediaType", "application/vnd.dev.sigstore.bundle.v0.3+json"},
            {"verificationMaterial",
             {{"publicKey", {{"hint", "test"}}},
              {"tlogEntries", Json::array({entry(body(signature_bytes))})}}},
            {"messageSignature",
             {{"messageDigest",
               {{"algorithm", "SHA2_256"}, {"digest", encode_base64(sha256_raw(artifact))}}},
              {"signature", encode_base64(signature_bytes)}}}};
  }

  Json trusted_root() const {
    return {{"mediaType", "application/vnd.dev.sigstore.trustedroot+json;version=0.1"},
            {"tlogs", Json::array({{{"baseUrl", "https://" + log_host},
                                    {"hashAlgorithm", "SHA2_256"},
                                    {"publicKey",
                                     {{"rawBytes", encode_base64(log.spki_der())},
                                      {"keyDetails", "PKIX_ECDSA_P256_SHA_256"},
                                      {"validFor", {{"start", log_valid_from}}}}},
                                    {"logId", {{"keyId", encode_base64(log_id())}}}}})}};
  }
};

}  // namespace sluice::verify::sigstore::testing
