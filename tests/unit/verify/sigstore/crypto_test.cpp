// Keys, certificates and signature checks: DER/PEM parsing without trailing data, message and
// digest signatures for ECDSA and Ed25519.
#include "verify/sigstore/crypto.h"

#include <gtest/gtest.h>

#include "sigstore_test_support.h"

namespace sluice::verify::sigstore {
namespace {

using testing::code_of;
using testing::TestKey;

constexpr ErrorCode kInvalid = ErrorCode::kInvalidArgument;

std::string public_good_certificate() {
  const Json root = testing::vector_json("trusted_root.public-good.json");
  return *decode_protobuf_bytes(
      root["certificateAuthorities"][1]["certChain"]["certificates"][0]["rawBytes"]
          .get<std::string>());
}

TEST(CryptoTest, PublicKeyRoundTripsThroughDerAndPem) {
  const TestKey key = TestKey::ec_p256();
  const PublicKeyPtr from_der = parse_public_key_der(key.spki_der(), kInvalid, "key");
  const PublicKeyPtr from_pem = parse_public_key_pem(key.pem(), kInvalid, "key");
  EXPECT_EQ(public_key_der(from_der.get()), key.spki_der());
  EXPECT_EQ(public_key_der(from_pem.get()), key.spki_der());
  EXPECT_EQ(describe_key(from_der.get()), "ECDSA P-256");
  EXPECT_EQ(describe_key(TestKey::ed25519().public_key().get()), "Ed25519");
}

TEST(CryptoTest, RefusesMalformedTruncatedAndTrailingKeys) {
  const std::string der = TestKey::ec_p256().spki_der();
  EXPECT_EQ(code_of([&] { parse_public_key_der(der + "x", kInvalid, "key"); }), kInvalid);
  EXPECT_EQ(code_of([&] { parse_public_key_der(der.substr(0, der.size() - 1), kInvalid, "k"); }),
            kInvalid);
  EXPECT_EQ(code_of([&] { parse_public_key_der("", kInvalid, "key"); }), kInvalid);
  EXPECT_EQ(code_of([&] { parse_public_key_der("\x30\x03\x02\x01\x01", kInvalid, "key"); }),
            kInvalid);
}

TEST(CryptoTest, PemMustBeOnePublicKeyBlock) {
  const std::string pem = TestKey::ec_p256().pem();
  EXPECT_EQ(code_of([&] { parse_public_key_pem(pem + pem, kInvalid, "key"); }), kInvalid);
  EXPECT_EQ(code_of([&] { parse_public_key_pem("not pem", kInvalid, "key"); }), kInvalid);
  std::string broken = pem;
  broken[40] = '!';
  EXPECT_EQ(code_of([&] { parse_public_key_pem(broken, kInvalid, "key"); }), kInvalid);
  EXPECT_EQ(code_of([&] { parse_public_key_pem(std::string(70000, 'A'), kInvalid, "key"); }),
            kInvalid);
}

TEST(CryptoTest, ReadsPkcs1RsaKeys) {
  const Json root = testing::vector_json("bundle-verify/rekor2-happy-path/trusted_root.json");
  const std::string der =
      *decode_protobuf_bytes(root["ctlogs"][0]["publicKey"]["rawBytes"].get<std::string>());
  EXPECT_EQ(describe_key(parse_rsa_public_key_der(der, kInvalid, "ctlog").get()), "RSA 4096");
  EXPECT_EQ(
      code_of([&] { parse_rsa_public_key_der(der + std::string(1, '\0'), kInvalid, "ctlog"); }),
      kInvalid);
  EXPECT_EQ(code_of([&] { parse_public_key_der(der, kInvalid, "ctlog"); }), kInvalid);
}

TEST(CryptoTest, EcdsaMessageAndDigestSignatures) {
  const TestKey key = TestKey::ec_p256();
  const std::string signature = key.sign("message");
  EXPECT_TRUE(verify_message_signature(key.get(), "message", signature));
  EXPECT_FALSE(verify_message_signature(key.get(), "massage", signature));
  EXPECT_FALSE(verify_message_signature(TestKey::ec_p256().get(), "message", signature));
  EXPECT_TRUE(verify_digest_signature(key.get(), sha256_raw("message"), signature));
  EXPECT_FALSE(verify_digest_signature(key.get(), sha256_raw("massage"), signature));
  EXPECT_FALSE(verify_message_signature(key.get(), "message", signature + std::string(1, '\0')));
  EXPECT_FALSE(verify_message_signature(key.get(), "message", ""));
  EXPECT_FALSE(verify_message_signature(key.get(), "message", signature.substr(1)));
}

TEST(CryptoTest, Ed25519SignsMessagesNotDigests) {
  const TestKey key = TestKey::ed25519();
  const std::string signature = key.sign("message");
  EXPECT_TRUE(verify_message_signature(key.get(), "message", signature));
  EXPECT_FALSE(verify_message_signature(key.get(), "message!", signature));
  EXPECT_EQ(code_of([&] { verify_digest_signature(key.get(), sha256_raw("message"), signature); }),
            ErrorCode::kVerificationFailed);
}

TEST(CryptoTest, CertificatesParseWithoutTrailingData) {
  const std::string der = public_good_certificate();
  const CertificatePtr certificate = parse_certificate_der(der, kInvalid, "cert");
  EXPECT_EQ(certificate_der(certificate.get()), der);
  EXPECT_EQ(describe_key(certificate_key(certificate.get()).get()), "ECDSA P-384");
  EXPECT_EQ(code_of([&] { parse_certificate_der(der + "x", kInvalid, "cert"); }), kInvalid);
  EXPECT_EQ(code_of([&] { parse_certificate_der(der.substr(0, 100), kInvalid, "cert"); }),
            kInvalid);
  const std::string pem =
      "-----BEGIN CERTIFICATE-----\n" + encode_base64(der) + "\n-----END CERTIFICATE-----\n";
  EXPECT_EQ(certificate_der(parse_certificate_pem(pem, kInvalid, "cert").get()), der);
  EXPECT_EQ(code_of([&] { parse_certificate_pem(pem + pem, kInvalid, "cert"); }), kInvalid);
}

}  // namespace
}  // namespace sluice::verify::sigstore
