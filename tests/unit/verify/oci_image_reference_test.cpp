// Image references with Docker's defaults, and refusal of malformed ones.
#include <gtest/gtest.h>

#include "core/error.h"
#include "verify/oci/image_reference.h"

namespace sluice::verify::oci {
namespace {

const std::string kDigest = "sha256:" + std::string(64, 'a');

TEST(ImageReferenceTest, AppliesDockerDefaults) {
  const ImageReference nginx = ImageReference::parse("nginx");
  EXPECT_EQ(nginx.registry, "docker.io");
  EXPECT_EQ(nginx.repository, "library/nginx");
  EXPECT_FALSE(nginx.tag);
  EXPECT_EQ(nginx.manifest_reference(), "latest");
  EXPECT_EQ(nginx.api_host(), "registry-1.docker.io");
  EXPECT_EQ(ImageReference::parse("org/app:1.0").repository, "org/app");
  EXPECT_EQ(ImageReference::parse("docker.io/nginx").repository, "library/nginx");
}

TEST(ImageReferenceTest, RecognisesRegistries) {
  const ImageReference local = ImageReference::parse("127.0.0.1:5000/shop/app:v1@" + kDigest);
  EXPECT_EQ(local.registry, "127.0.0.1:5000");
  EXPECT_EQ(local.repository, "shop/app");
  EXPECT_EQ(local.tag, "v1");
  EXPECT_EQ(local.digest, kDigest);
  EXPECT_EQ(local.manifest_reference(), kDigest);
  EXPECT_EQ(local.to_string(), "127.0.0.1:5000/shop/app:v1@" + kDigest);
  EXPECT_EQ(ImageReference::parse("localhost/app").registry, "localhost");
  EXPECT_EQ(ImageReference::parse("ghcr.io/org/team/app").repository, "org/team/app");
  EXPECT_EQ(ImageReference::parse("[::1]:5000/app").registry, "[::1]:5000");
  // Without '.', ':' or "localhost" the first component is part of the path.
  EXPECT_EQ(ImageReference::parse("myregistry/app").registry, "docker.io");
}

TEST(ImageReferenceTest, PathSeparators) {
  EXPECT_NO_THROW(ImageReference::parse("a/b.c/d_e/f__g/h---i"));
  for (const char* bad : {"a/b..c", "a/b___c", "a/-b", "a/b-", "A/b", "a//b", "a/b/"}) {
    EXPECT_THROW(ImageReference::parse(bad), Error) << bad;
  }
}

TEST(ImageReferenceTest, RefusesMalformedReferences) {
  for (const std::string& bad :
       {std::string(""), std::string("app:"), std::string("app:-x"), std::string("app@sha256:abc"),
        "app@md5:" + std::string(32, 'a'), "app@sha256:" + std::string(64, 'A'),
        std::string("host:port/app"), "app:" + std::string(129, 'a'), std::string(5000, 'a'),
        std::string("[::1/app")}) {
    EXPECT_THROW(ImageReference::parse(bad), Error) << bad.substr(0, 40);
  }
}

TEST(ImageReferenceTest, DigestSyntax) {
  EXPECT_TRUE(is_digest(kDigest));
  EXPECT_TRUE(is_digest("sha512:" + std::string(128, '0')));
  EXPECT_FALSE(is_digest("sha256:" + std::string(63, 'a')));
  EXPECT_FALSE(is_digest("sha384:" + std::string(96, 'a')));
}

}  // namespace
}  // namespace sluice::verify::oci
