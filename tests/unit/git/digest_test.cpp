#include "git/digest.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/sha256.h"

namespace sluice::git {
namespace {

TEST(DigestTest, Sha256OfKnownInput) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(DigestTest, EmptyTreeHasTheDigestOfNothing) {
  EXPECT_EQ(TreeDigest().finish(),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(DigestTest, OrderOfAddDoesNotMatter) {
  TreeDigest a;
  a.add("b/c.yaml", kModeFile, "c");
  a.add("a.yaml", kModeFile, "a");
  a.add("b.yaml", kModeFile, "b");
  TreeDigest b;
  b.add("b.yaml", kModeFile, "b");
  b.add("a.yaml", kModeFile, "a");
  b.add("b/c.yaml", kModeFile, "c");
  EXPECT_EQ(a.finish(), b.finish());
  EXPECT_TRUE(a.finish().starts_with("sha256:"));
  EXPECT_EQ(a.finish().size(), 7U + 64U);
}

TEST(DigestTest, PathModeAndBytesAllCount) {
  const auto digest = [](const std::string& path, std::uint32_t mode, const std::string& bytes) {
    TreeDigest d;
    d.add(path, mode, bytes);
    return d.finish();
  };
  const std::string base = digest("a", kModeFile, "x");
  EXPECT_NE(base, digest("b", kModeFile, "x"));
  EXPECT_NE(base, digest("a", kModeExecutable, "x"));
  EXPECT_NE(base, digest("a", kModeSymlink, "x"));
  EXPECT_NE(base, digest("a", kModeFile, "y"));
  EXPECT_EQ(base, digest("a", kModeFile, "x"));
}

TEST(DigestTest, BoundariesBetweenEntriesAreUnambiguous) {
  TreeDigest one;
  one.add("a", kModeFile, "bc");
  TreeDigest two;
  two.add("ab", kModeFile, "c");
  EXPECT_NE(one.finish(), two.finish());
}

TEST(DigestTest, DuplicatePathIsRefused) {
  TreeDigest d;
  d.add("a", kModeFile, "1");
  d.add("a", kModeFile, "2");
  EXPECT_THROW(static_cast<void>(d.finish()), Error);
}

}  // namespace
}  // namespace sluice::git
