// cosign simple signing payloads, with a signature cosign 2.6 made (testdata/cosign).
#include <gtest/gtest.h>

#include "core/error.h"
#include "verify/oci/simple_signing.h"
#include "verify_test_support.h"

namespace sluice::verify::oci {
namespace {

using verify::testing::testdata;

class SimpleSigningTest : public ::testing::Test {
 protected:
  std::string payload_ = testdata("cosign/payload.json");
  std::string signature_ = testdata("cosign/signature.b64");
  std::string digest_ = testdata("cosign/digest").substr(0, 71);
  PublicKey key_ = PublicKey::from_pem(testdata("cosign/cosign.pub"), "cosign.pub");
};

TEST_F(SimpleSigningTest, VerifiesWhatCosignSigned) {
  const SimpleSigningClaims claims = verify_simple_signing(payload_, signature_, digest_, key_);
  EXPECT_EQ(claims.manifest_digest, digest_);
  EXPECT_NE(claims.docker_reference.find("shop/app"), std::string::npos);
  EXPECT_EQ(key_.description(), "ECDSA P-256");
}

TEST_F(SimpleSigningTest, RefusesAnotherImageOrKeyOrPayload) {
  const std::string other_digest = "sha256:" + std::string(64, 'b');
  EXPECT_EQ(sluice::testing::error_of([&] {
              verify_simple_signing(payload_, signature_, other_digest, key_);
            }).code(),
            ErrorCode::kVerificationFailed);
  std::string tampered = payload_;
  tampered[tampered.find("shop")] = 'S';
  EXPECT_EQ(sluice::testing::error_of([&] {
              verify_simple_signing(tampered, signature_, digest_, key_);
            }).code(),
            ErrorCode::kVerificationFailed);
  EXPECT_EQ(sluice::testing::error_of([&] {
              verify_simple_signing(payload_, "not base64!", digest_, key_);
            }).code(),
            ErrorCode::kVerificationFailed);
  EXPECT_EQ(sluice::testing::error_of([] {
              PublicKey::from_pem("-----BEGIN PUBLIC KEY-----\n", "junk");
            }).code(),
            ErrorCode::kInvalidArgument);
}

TEST(SimpleSigningPayloadTest, RefusesPayloadsOfAnotherShape) {
  for (const std::string& payload :
       {std::string("[]"), std::string("{"), std::string("{\"critical\":{}}"),
        std::string(R"({"critical":{"type":"x","identity":{"docker-reference":"a"},)"
                    R"("image":{"docker-manifest-digest":"b"}}})"),
        std::string(70 * 1024, ' ')}) {
    EXPECT_EQ(sluice::testing::error_of([&] { parse_simple_signing(payload); }).code(),
              ErrorCode::kVerificationFailed)
        << payload.substr(0, 40);
  }
}

}  // namespace
}  // namespace sluice::verify::oci
