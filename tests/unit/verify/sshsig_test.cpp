// SSHSIG parsing and checking against signatures made by ssh-keygen, and hostile variants of
// them: every one must be refused with a reason, never crash or pass.
#include "verify/sshsig.h"

#include <gtest/gtest.h>

#include "core/base64.h"
#include "verify/ssh_wire.h"
#include "verify_test_support.h"

namespace sluice::verify {
namespace {

using testing::testdata;

std::string armor(const std::string& blob) {
  std::string body = encode_base64(blob);
  std::string out = "-----BEGIN SSH SIGNATURE-----\n";
  for (std::size_t at = 0; at < body.size(); at += 70) out += body.substr(at, 70) + "\n";
  return out + "-----END SSH SIGNATURE-----\n";
}

std::string dearmored(const std::string& armored) {
  const std::size_t begin = armored.find('\n') + 1;
  const std::size_t end = armored.find("-----END");
  return *decode_base64(armored.substr(begin, end - begin), Base64Whitespace::kSkip);
}

// Rebuilds an SSHSIG blob from its fields so single fields can be changed.
std::string sshsig_blob(std::uint32_t version, const std::string& key, const std::string& ns,
                        const std::string& hash, const std::string& signature,
                        const std::string& trailing = "") {
  std::string blob = "SSHSIG";
  put_u32(blob, version);
  put_string(blob, key);
  put_string(blob, ns);
  put_string(blob, "");
  put_string(blob, hash);
  put_string(blob, signature);
  return blob + trailing;
}

Error refusal(const std::string& armored, const std::string& message = testdata("message")) {
  try {
    verify_sshsig(parse_sshsig(armored), message, "git");
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "accepted";
  return internal_error("accepted");
}

class SshsigKeyTypes : public ::testing::TestWithParam<std::string> {};

TEST_P(SshsigKeyTypes, VerifiesWhatSshKeygenSigned) {
  const SshSignature signature = parse_sshsig(testdata(GetParam() + ".sig"));
  EXPECT_EQ(signature.version, 1U);
  EXPECT_EQ(signature.signature_namespace, "git");
  EXPECT_EQ(signature.hash_algorithm, "sha512");
  EXPECT_NO_THROW(verify_sshsig(signature, testdata("message"), "git"));
}

TEST_P(SshsigKeyTypes, RefusesAnotherMessageOrNamespace) {
  const std::string armored = testdata(GetParam() + ".sig");
  EXPECT_EQ(refusal(armored, "hello, sluice!\n").code(), ErrorCode::kVerificationFailed);
  const Error wrong_namespace = [&] {
    try {
      verify_sshsig(parse_sshsig(armored), testdata("message"), "file");
    } catch (const Error& e) {
      return e;
    }
    return internal_error("accepted");
  }();
  EXPECT_NE(wrong_namespace.message().find("namespace \"git\", not \"file\""), std::string::npos)
      << wrong_namespace.message();
}

INSTANTIATE_TEST_SUITE_P(Keys, SshsigKeyTypes, ::testing::Values("ed25519", "ecdsa256", "rsa"));

class SshsigHostile : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string blob = dearmored(testdata("ed25519.sig"));
    SshReader reader(blob, "fixture", ErrorCode::kInternal);
    reader.raw(6);
    reader.u32();
    key_ = std::string(reader.string());
    reader.string();
    reader.string();
    reader.string();
    signature_ = std::string(reader.string());
  }
  std::string key_;
  std::string signature_;
};

TEST_F(SshsigHostile, RebuiltFixtureStillVerifies) {
  EXPECT_NO_THROW(
      verify_sshsig(parse_sshsig(armor(sshsig_blob(1, key_, "git", "sha512", signature_))),
                    testdata("message"), "git"));
}

TEST_F(SshsigHostile, RefusesMalformedStructure) {
  const std::string good = sshsig_blob(1, key_, "git", "sha512", signature_);
  const std::pair<std::string, std::string> cases[] = {
      {armor(good.substr(0, good.size() - 1)), "past the end"},
      {armor(good.substr(0, 8)), "truncated"},
      {armor(sshsig_blob(1, key_, "git", "sha512", signature_, "x")), "trailing data"},
      {armor(sshsig_blob(2, key_, "git", "sha512", signature_)), "version 2"},
      {armor(sshsig_blob(1, key_, "git", "md5", signature_)), "hash algorithm"},
      {armor("SSHSIH" + good.substr(6)), "magic"},
      {armor(""), "END SSH SIGNATURE"},  // no line between the armor lines
      {armor("SSH"), "magic"},
      {"-----BEGIN SSH SIGNATURE-----\n!!!!\n-----END SSH SIGNATURE-----\n", "base64"},
      {"-----BEGIN SSH SIGNATURE-----\nAAAA\n", "END SSH SIGNATURE"},
      {"-----BEGIN PGP SIGNATURE-----\n", "BEGIN SSH SIGNATURE"},
      {armor(good) + std::string(70 * 1024, 'A'), "too large"},
  };
  for (const auto& [armored, reason] : cases) {
    const Error e = refusal(armored);
    EXPECT_EQ(e.code(), ErrorCode::kVerificationFailed) << e.message();
    EXPECT_NE(e.message().find(reason), std::string::npos) << reason << " / " << e.message();
  }
}

TEST_F(SshsigHostile, RefusesALyingLength) {
  std::string blob = sshsig_blob(1, key_, "git", "sha512", signature_);
  blob[10] = '\x7f';  // the public key's length, now far past the end
  EXPECT_NE(refusal(armor(blob)).message().find("past the end"), std::string::npos);
}

TEST_F(SshsigHostile, RefusesABadSignatureBlob) {
  std::string wrong_algorithm;
  put_string(wrong_algorithm, "ecdsa-sha2-nistp256");
  put_string(wrong_algorithm, std::string(64, 'x'));
  std::string short_signature;
  put_string(short_signature, "ssh-ed25519");
  put_string(short_signature, std::string(63, 'x'));
  std::string flipped = signature_;
  flipped[flipped.size() - 1] ^= 1;
  for (const std::string& signature : {wrong_algorithm, short_signature, flipped}) {
    EXPECT_EQ(refusal(armor(sshsig_blob(1, key_, "git", "sha512", signature))).code(),
              ErrorCode::kVerificationFailed);
  }
}

TEST_F(SshsigHostile, RefusesCertificateAndSecurityKeySigners) {
  for (const std::string type :
       {"ssh-ed25519-cert-v01@openssh.com", "sk-ssh-ed25519@openssh.com"}) {
    std::string key;
    put_string(key, type);
    put_string(key, std::string(32, 'k'));
    const Error e = refusal(armor(sshsig_blob(1, key, "git", "sha512", signature_)));
    EXPECT_EQ(e.code(), ErrorCode::kUnimplemented) << e.message();
  }
}

}  // namespace
}  // namespace sluice::verify
