#include "policy/image_glob.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"

namespace sluice::policy {
namespace {

using ::testing::HasSubstr;

bool matches(std::string_view glob, std::string_view name) {
  return ImageGlob::parse(glob).matches(name);
}

std::string problem(std::string_view glob) {
  try {
    ImageGlob::parse(glob);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    return e.message();
  }
  return "accepted";
}

TEST(ImageGlob, DoubleStarSpansSegments) {
  EXPECT_TRUE(matches("registry.example.com/**", "registry.example.com/app"));
  EXPECT_TRUE(matches("registry.example.com/**", "registry.example.com/team/sub/app"));
  EXPECT_FALSE(matches("registry.example.com/**", "registry.example.com.evil.io/app"));
  EXPECT_FALSE(matches("registry.example.com/**", "evil.io/registry.example.com/app"));
}

TEST(ImageGlob, SingleStarStaysInOneSegment) {
  EXPECT_TRUE(matches("registry.example.com/*", "registry.example.com/app"));
  EXPECT_FALSE(matches("registry.example.com/*", "registry.example.com/team/app"));
  EXPECT_TRUE(matches("reg.io/app-*", "reg.io/app-"));
  EXPECT_TRUE(matches("reg.io/app-*", "reg.io/app-web"));
  EXPECT_FALSE(matches("reg.io/app-*", "reg.io/app/web"));
  EXPECT_TRUE(matches("reg.io/*-*-v*", "reg.io/a-b-c-v2"));
  EXPECT_FALSE(matches("reg.io/*-*-v*", "reg.io/a-b"));
  EXPECT_TRUE(matches("reg.io/*/app", "reg.io/team/app"));
  EXPECT_FALSE(matches("reg.io/*/app", "reg.io/app"));
}

TEST(ImageGlob, DoubleStarMatchesZeroSegmentsInTheMiddle) {
  EXPECT_TRUE(matches("reg.io/a/**/b", "reg.io/a/b"));
  EXPECT_TRUE(matches("reg.io/a/**/b", "reg.io/a/x/b"));
  EXPECT_TRUE(matches("reg.io/a/**/b", "reg.io/a/x/y/b"));
  EXPECT_FALSE(matches("reg.io/a/**/b", "reg.io/a/b/c"));
  EXPECT_FALSE(matches("reg.io/a/**/b", "reg.io/a/xb"));
}

TEST(ImageGlob, StarInRegistry) {
  EXPECT_TRUE(matches("*.example.com/**", "eu.example.com/app"));
  EXPECT_FALSE(matches("*.example.com/**", "example.com/app"));
  EXPECT_FALSE(matches("*.example.com/**", "eu.example.com.evil.io/app"));
  EXPECT_TRUE(matches("localhost:*/**", "localhost:5000/app"));
}

TEST(ImageGlob, NormalisedLikeImageNames) {
  EXPECT_EQ(ImageGlob::parse("nginx").normalised(), "docker.io/library/nginx");
  EXPECT_EQ(ImageGlob::parse("*").normalised(), "docker.io/library/*");
  EXPECT_EQ(ImageGlob::parse("bitnami/*").normalised(), "docker.io/bitnami/*");
  EXPECT_EQ(ImageGlob::parse("*/app").normalised(), "docker.io/*/app");
  EXPECT_EQ(ImageGlob::parse("index.docker.io/x/**").normalised(), "docker.io/x/**");
  EXPECT_EQ(ImageGlob::parse("localhost/**").normalised(), "localhost/**");
  EXPECT_EQ(ImageGlob::parse("**/nginx").normalised(), "**/nginx");
  EXPECT_EQ(ImageGlob::parse("**/nginx").text(), "**/nginx");

  EXPECT_TRUE(matches("nginx", "docker.io/library/nginx"));
  EXPECT_FALSE(matches("nginx", "docker.io/bitnami/nginx"));
  EXPECT_TRUE(matches("*", "docker.io/library/redis"));
  EXPECT_FALSE(matches("*", "docker.io/bitnami/redis"));
  EXPECT_FALSE(matches("*", "ghcr.io/redis"));
  EXPECT_TRUE(matches("docker.io/**", "docker.io/library/nginx"));
}

TEST(ImageGlob, LeadingDoubleStarSpansRegistries) {
  EXPECT_TRUE(matches("**", "docker.io/library/nginx"));
  EXPECT_TRUE(matches("**", "localhost:5000/a/b/c"));
  EXPECT_TRUE(matches("**/nginx", "docker.io/library/nginx"));
  EXPECT_TRUE(matches("**/nginx", "ghcr.io/nginx"));
  EXPECT_FALSE(matches("**/nginx", "ghcr.io/nginx-unprivileged"));
}

TEST(ImageGlob, CaseSensitive) {
  EXPECT_FALSE(matches("Reg.io/app", "reg.io/app"));
  EXPECT_EQ(ImageGlob::parse("Reg/app").normalised(), "Reg/app");  // upper case: a registry
}

TEST(ImageGlob, Refusals) {
  EXPECT_THAT(problem(""), HasSubstr("empty"));
  EXPECT_THAT(problem("reg.io//app"), HasSubstr("empty path segment"));
  EXPECT_THAT(problem("reg.io/app/"), HasSubstr("empty path segment"));
  EXPECT_THAT(problem("reg.io/app:1.0"), HasSubstr("tags and digests cannot be matched"));
  EXPECT_THAT(problem("reg.io/app:*"), HasSubstr("tags and digests cannot be matched"));
  EXPECT_THAT(problem("app:1.0"), HasSubstr("tags and digests cannot be matched"));
  EXPECT_THAT(problem("reg.io/app@sha256:aa"), HasSubstr("only letters, digits"));
  EXPECT_THAT(problem("reg.io/ap?"), HasSubstr("only letters, digits"));
  EXPECT_THAT(problem("reg.io/a**"), HasSubstr("whole path segment"));
  EXPECT_THAT(problem("**.io/a"), HasSubstr("whole path segment"));
  EXPECT_THAT(problem("reg.io/***"), HasSubstr("\"***\""));
  EXPECT_THAT(problem(std::string(600, 'a')), HasSubstr("longer than 512"));
}

TEST(ImageGlob, HostileGlobsStayFast) {
  std::string glob = "**";
  for (int i = 0; i < 60; ++i) glob += "/**";
  glob += "/*a*a*a*a*a*a*a*b";
  std::string name = "reg.io";
  for (int i = 0; i < 100; ++i) name += "/" + std::string(60, 'a');
  EXPECT_FALSE(matches(glob, name));
  EXPECT_TRUE(matches(glob, name + "/aaaaaaaab"));
}

}  // namespace
}  // namespace sluice::policy
