// SSH public keys from their text and wire forms, fingerprints as ssh-keygen prints them, and
// refusal of malformed or unsupported keys.
#include "verify/ssh_key.h"

#include <gtest/gtest.h>

#include "core/base64.h"
#include "verify/ssh_wire.h"
#include "verify_test_support.h"

namespace sluice::verify {
namespace {

using testing::public_key_fields;

SshPublicKey load(const std::string& name) {
  const auto [type, blob] = public_key_fields(name + ".pub");
  return SshPublicKey::from_text(type, blob, ErrorCode::kInvalidArgument);
}

TEST(SshKeyTest, ParsesEachTypeAndNamesIt) {
  EXPECT_EQ(load("ed25519").type(), SshKeyType::kEd25519);
  EXPECT_EQ(load("ed25519").display_type(), "ED25519");
  EXPECT_EQ(load("ecdsa256").type(), SshKeyType::kEcdsaP256);
  EXPECT_EQ(load("ecdsa256").type_name(), "ecdsa-sha2-nistp256");
  EXPECT_EQ(load("rsa").type(), SshKeyType::kRsa);
  EXPECT_EQ(load("rsa").display_type(), "RSA");
}

TEST(SshKeyTest, FingerprintIsSha256OfTheBlobUnpadded) {
  const SshPublicKey key = load("ed25519");
  const std::string fingerprint = key.fingerprint();
  ASSERT_TRUE(fingerprint.starts_with("SHA256:"));
  EXPECT_EQ(fingerprint.size(), 7U + 43U);  // 32 bytes in base64 without "="
  EXPECT_EQ(fingerprint.find('='), std::string::npos);
  EXPECT_NE(fingerprint, load("ecdsa256").fingerprint());
}

TEST(SshKeyTest, SameKeyComparesKeyMaterial) {
  EXPECT_TRUE(load("ed25519").same_key(load("ed25519")));
  EXPECT_FALSE(load("ed25519").same_key(load("rsa")));
}

TEST(SshKeyTest, TypeNameMustMatchTheBlob) {
  const auto [type, blob] = public_key_fields("ed25519.pub");
  EXPECT_EQ(sluice::testing::error_of([&, &b = blob] {
              SshPublicKey::from_text("ssh-rsa", b, ErrorCode::kInvalidArgument);
            }).code(),
            ErrorCode::kInvalidArgument);
}

TEST(SshKeyTest, RefusesMalformedBlobs) {
  const auto [type, blob_text] = public_key_fields("ed25519.pub");
  const std::string blob = *decode_base64(blob_text);
  std::string off_curve;
  put_string(off_curve, "ecdsa-sha2-nistp256");
  put_string(off_curve, "nistp256");
  put_string(off_curve, "\x04" + std::string(64, '\x01'));
  std::string wrong_curve;
  put_string(wrong_curve, "ecdsa-sha2-nistp256");
  put_string(wrong_curve, "nistp384");
  put_string(wrong_curve, "\x04" + std::string(64, '\x01'));
  std::string small_rsa;
  put_string(small_rsa, "ssh-rsa");
  put_string(small_rsa, "\x01\x00\x01");
  put_string(small_rsa, "\x00" + std::string(64, '\xC3'));  // 512 bits
  std::string negative_rsa;
  put_string(negative_rsa, "ssh-rsa");
  put_string(negative_rsa, "\x81");
  put_string(negative_rsa, std::string(256, '\xC3'));
  for (const std::string& bad :
       {blob.substr(0, blob.size() - 1), blob + "x", off_curve, wrong_curve, small_rsa,
        negative_rsa, std::string("\x00\x00\x00", 3)}) {
    EXPECT_EQ(sluice::testing::error_of([&] {
                SshPublicKey::from_blob(bad, ErrorCode::kInvalidArgument);
              }).code(),
              ErrorCode::kInvalidArgument);
  }
}

TEST(SshKeyTest, RefusesUnsupportedTypesClearly) {
  for (const std::string type :
       {"ssh-dss", "ssh-ed25519-cert-v01@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com"}) {
    std::string blob;
    put_string(blob, type);
    EXPECT_EQ(sluice::testing::error_of([&] {
                SshPublicKey::from_blob(blob, ErrorCode::kInvalidArgument);
              }).code(),
              ErrorCode::kUnimplemented)
        << type;
  }
}

}  // namespace
}  // namespace sluice::verify
