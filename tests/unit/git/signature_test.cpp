#include "git/signature.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace sluice::git {
namespace {

TEST(SplitTagSignatureTest, UnsignedTagHasNone) {
  EXPECT_FALSE(split_tag_signature("object abc\ntype commit\ntag v1\n\nmessage\n"));
}

TEST(SplitTagSignatureTest, SplitsAtTheLastArmorLine) {
  const std::string head = "object abc\ntype commit\ntag v1\ntagger t <t@x> 1 +0000\n\nrelease\n";
  const std::string quoted = "-----BEGIN PGP SIGNATURE----- is quoted in this message\n";
  const std::string signature =
      "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n";
  const auto split = split_tag_signature(head + quoted + signature);
  ASSERT_TRUE(split);
  EXPECT_EQ(split->payload, head + quoted);
  EXPECT_EQ(split->signature, signature);
}

TEST(SplitTagSignatureTest, ArmorMustStartALine) {
  EXPECT_FALSE(split_tag_signature("tag v1\n\nsee -----BEGIN PGP SIGNATURE-----\n"));
}

}  // namespace
TEST(SplitCommitSignatureTest, UnfoldsTheHeaderAndKeepsTheRest) {
  const std::string raw =
      "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n"
      "author A <a@example.com> 1717243200 +0000\n"
      "committer A <a@example.com> 1717243201 +0200\n"
      "gpgsig -----BEGIN SSH SIGNATURE-----\n"
      " U1NIU0lH\n"
      " -----END SSH SIGNATURE-----\n"
      "\n"
      "message\n gpgsig in the body stays\n";
  const auto split = split_commit_signature(raw);
  ASSERT_TRUE(split);
  EXPECT_EQ(split->signature,
            "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n");
  EXPECT_EQ(split->payload,
            "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n"
            "author A <a@example.com> 1717243200 +0000\n"
            "committer A <a@example.com> 1717243201 +0200\n"
            "\n"
            "message\n gpgsig in the body stays\n");
  EXPECT_EQ(split->signed_at, 1717243201);
}

TEST(SplitCommitSignatureTest, UnsignedCommitHasNone) {
  EXPECT_FALSE(split_commit_signature("tree abc\ncommitter A <a> 1 +0000\n\nmsg\ngpgsig x\n"));
}

TEST(SplitCommitSignatureTest, RefusesTwoSignatureHeaders) {
  const std::string raw =
      "tree abc\ncommitter A <a> 1 +0000\ngpgsig one\n more\ngpgsig two\n\nmsg\n";
  try {
    split_commit_signature(raw);
    ADD_FAILURE() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kVerificationFailed);
  }
}

TEST(SplitTagSignatureTest, CarriesNoTimeByItself) {
  EXPECT_FALSE(split_tag_signature("tag v1\n\nm\n-----BEGIN SSH SIGNATURE-----\n")->signed_at);
}

}  // namespace sluice::git
