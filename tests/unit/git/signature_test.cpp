#include "git/signature.h"

#include <gtest/gtest.h>

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
}  // namespace sluice::git
