// Signed-note checkpoints: parsing (and refusing malformed notes), Rekor v2 signer matching by
// name and key hint with cosignatures ignored, Rekor v1 "every signature is the log's".
#include "verify/sigstore/checkpoint.h"

#include <gtest/gtest.h>

#include "sigstore_test_support.h"

namespace sluice::verify::sigstore {
namespace {

using testing::code_of;
using testing::TestKey;

const std::string kRoot(32, '\x11');
const std::string kRootBase64 = encode_base64(kRoot);
constexpr std::string_view kDash = "\xE2\x80\x94 ";

std::string signature_line(const std::string& name, const std::string& hint,
                           const std::string& signature) {
  return std::string(kDash) + name + " " + encode_base64(hint + signature) + "\n";
}

std::string body(const std::string& origin = "log.example.dev") {
  return origin + "\n736\n" + kRootBase64 + "\n";
}

TEST(CheckpointTest, ParsesOriginSizeRootExtensionsAndSignatures) {
  const std::string text = body() + "extension line\n";
  const Checkpoint checkpoint =
      parse_checkpoint(text + "\n" + signature_line("log.example.dev", "abcd", "sig") +
                       signature_line("witness", "wxyz", "cosig"));
  EXPECT_EQ(checkpoint.origin, "log.example.dev");
  EXPECT_EQ(checkpoint.tree_size, 736U);
  EXPECT_EQ(checkpoint.root_hash, kRoot);
  EXPECT_EQ(checkpoint.extensions, std::vector<std::string>{"extension line"});
  EXPECT_EQ(checkpoint.signed_text, text);
  ASSERT_EQ(checkpoint.signatures.size(), 2U);
  EXPECT_EQ(checkpoint.signatures[1].name, "witness");
  EXPECT_EQ(checkpoint.signatures[1].key_hint, "wxyz");
  EXPECT_EQ(checkpoint.signatures[1].signature, "cosig");
}

TEST(CheckpointTest, RefusesMalformedNotes) {
  const std::string sig = signature_line("log", "abcd", "sig");
  const std::vector<std::string> bad = {
      "",                                             // empty
      body() + sig,                                   // no blank line
      body() + "\n",                                  // no signatures
      body() + "\n" + sig.substr(0, sig.size() - 1),  // no final newline
      "log\n736\n\n" + sig,                           // root hash missing
      "log\n" + kRootBase64 + "\n\n" + sig,           // size missing
      "736\n" + kRootBase64 + "\n\n" + sig,           // origin missing
      "\n736\n" + kRootBase64 + "\n\n" + sig,         // empty origin
      "log\n0736\n" + kRootBase64 + "\n\n" + sig,     // leading zero
      "log\n-1\n" + kRootBase64 + "\n\n" + sig,       // negative size
      "log\n99999999999999999999999\n" + kRootBase64 + "\n\n" + sig,
      "log\n736\n" + encode_base64("short") + "\n\n" + sig,  // root hash of wrong length
      "log\n736\nnot base64!\n\n" + sig,
      body() + "\n" + "- log " + encode_base64("abcdsig") + "\n",                  // not an em dash
      body() + "\n" + std::string(kDash) + "log\n",                                // no signature
      body() + "\n" + std::string(kDash) + "log " + encode_base64("abcd") + "\n",  // hint only
      body() + "\n" + std::string(kDash) + " " + encode_base64("abcdsig") + "\n",  // no name
      body() + "\n" + sig + "\n",                   // blank signature line
      "log\r\n736\n" + kRootBase64 + "\n\n" + sig,  // control character
      body() + "\n" + std::string(70000, 'x'),      // oversized
  };
  for (const std::string& note : bad) {
    EXPECT_EQ(code_of([&] { parse_checkpoint(note); }), ErrorCode::kVerificationFailed) << note;
  }
}

TEST(CheckpointTest, RekorV2SignerIsFoundByNameAndHintAmongCosignatures) {
  const TestKey log = TestKey::ed25519();
  const TestKey witness = TestKey::ed25519();
  const std::string text = body();
  const Checkpoint checkpoint =
      parse_checkpoint(text + "\n" + signature_line("witness.example", "wwww", witness.sign(text)) +
                       signature_line("log.example.dev", "hint", log.sign(text)));
  EXPECT_TRUE(checkpoint_signed_by(checkpoint, "log.example.dev", "hint", log.get()));
  EXPECT_FALSE(checkpoint_signed_by(checkpoint, "log.example.dev", "hinx", log.get()));
  EXPECT_FALSE(checkpoint_signed_by(checkpoint, "other.example.dev", "hint", log.get()));
  EXPECT_FALSE(checkpoint_signed_by(checkpoint, "log.example.dev", "hint", witness.get()));
}

TEST(CheckpointTest, SignatureMustCoverTheExactText) {
  const TestKey log = TestKey::ec_p256();
  const Checkpoint checkpoint = parse_checkpoint(
      body() + "\n" + signature_line("log.example.dev", "hint", log.sign(body("x"))));
  EXPECT_FALSE(checkpoint_signed_by(checkpoint, "log.example.dev", "hint", log.get()));
}

TEST(CheckpointTest, RekorV1RequiresEverySignatureToBeTheLogs) {
  const TestKey log = TestKey::ec_p256();
  const std::string text = body("rekor.example.dev - 1193050959916656506");
  const std::string own = signature_line("rekor.example.dev", "hint", log.sign(text));
  const Checkpoint alone = parse_checkpoint(text + "\n" + own);
  EXPECT_TRUE(is_rekor_v1_checkpoint(alone));
  EXPECT_TRUE(checkpoint_signed_only_by(alone, "hint", log.get()));
  EXPECT_FALSE(checkpoint_signed_only_by(alone, "hinx", log.get()));
  const Checkpoint cosigned = parse_checkpoint(
      text + "\n" + own + signature_line("witness", "wwww", TestKey::ec_p256().sign(text)));
  EXPECT_FALSE(checkpoint_signed_only_by(cosigned, "hint", log.get()));
}

TEST(CheckpointTest, TellsRekorV1OriginsFromV2Ones) {
  const auto with_origin = [](const std::string& origin) {
    return parse_checkpoint(body(origin) + "\n" + signature_line("n", "hint", "s"));
  };
  EXPECT_TRUE(is_rekor_v1_checkpoint(with_origin("rekor.sigstore.dev - 2605736670972794746")));
  EXPECT_FALSE(is_rekor_v1_checkpoint(with_origin("log2025-1.rekor.sigstore.dev")));
  EXPECT_FALSE(is_rekor_v1_checkpoint(with_origin("rekor.sigstore.dev - ")));
  EXPECT_FALSE(is_rekor_v1_checkpoint(with_origin("rekor.sigstore.dev - 12a")));
}

}  // namespace
}  // namespace sluice::verify::sigstore
