#include "core/image_reference.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"

namespace sluice {
namespace {

using ::testing::HasSubstr;

std::string normalised(std::string_view text) {
  return parse_image_reference(text).to_string();
}

std::string problem(std::string_view text) {
  try {
    parse_image_reference(text);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    return e.message();
  }
  return "accepted";
}

const std::string kDigest = "sha256:" + std::string(64, 'a');

TEST(ImageReference, DockerHubDefaults) {
  EXPECT_EQ(normalised("nginx"), "docker.io/library/nginx:latest");
  EXPECT_EQ(normalised("nginx:1.25"), "docker.io/library/nginx:1.25");
  EXPECT_EQ(normalised("library/nginx"), "docker.io/library/nginx:latest");
  EXPECT_EQ(normalised("bitnami/redis:7.2"), "docker.io/bitnami/redis:7.2");
  EXPECT_EQ(normalised("docker.io/nginx"), "docker.io/library/nginx:latest");
  EXPECT_EQ(normalised("index.docker.io/library/nginx"), "docker.io/library/nginx:latest");
  EXPECT_EQ(normalised("index.docker.io/nginx"), "docker.io/library/nginx:latest");
}

TEST(ImageReference, Fields) {
  const ImageReference reference = parse_image_reference("nginx@" + kDigest);
  EXPECT_EQ(reference.domain, "docker.io");
  EXPECT_EQ(reference.path, "library/nginx");
  EXPECT_EQ(reference.tag, "");  // a digest alone gets no "latest"
  EXPECT_EQ(reference.digest, kDigest);
  EXPECT_EQ(reference.name(), "docker.io/library/nginx");
}

TEST(ImageReference, DigestWinsOverTag) {
  // As containerd's ParseDockerRef: the tag is validated, then dropped.
  EXPECT_EQ(normalised("ghcr.io/org/app:1.0@" + kDigest), "ghcr.io/org/app@" + kDigest);
  EXPECT_EQ(parse_image_reference("app:1@" + kDigest), parse_image_reference("app@" + kDigest));
  EXPECT_THAT(problem("app:-bad@" + kDigest), HasSubstr("invalid tag"));
}

TEST(ImageReference, DomainDetection) {
  EXPECT_EQ(parse_image_reference("localhost/app").domain, "localhost");
  EXPECT_EQ(parse_image_reference("localhost:5000/app:v1").domain, "localhost:5000");
  EXPECT_EQ(parse_image_reference("registry.example.com:5000/team/app").path, "team/app");
  // No '.', ':' or "localhost": a Docker Hub user, not a registry.
  EXPECT_EQ(normalised("myregistry/app"), "docker.io/myregistry/app:latest");
  // Upper case marks a domain (distribution/reference), and domains may hold it.
  EXPECT_EQ(parse_image_reference("Registry/app").domain, "Registry");
  // A single component is never a domain, even with a dot.
  EXPECT_EQ(normalised("app.v2"), "docker.io/library/app.v2:latest");
}

TEST(ImageReference, PathComponentSeparators) {
  EXPECT_EQ(parse_image_reference("reg.io/a_b/c__d/e--f/g.h").path, "a_b/c__d/e--f/g.h");
  EXPECT_THAT(problem("reg.io/a___b"), HasSubstr("invalid path component \"a___b\""));
  EXPECT_THAT(problem("reg.io/a.-b"), HasSubstr("invalid path component"));
  EXPECT_THAT(problem("reg.io/-app"), HasSubstr("invalid path component"));
  EXPECT_THAT(problem("reg.io/app-"), HasSubstr("invalid path component"));
  EXPECT_THAT(problem("reg.io//app"), HasSubstr("invalid path component \"\""));
  EXPECT_THAT(problem("reg.io/app/"), HasSubstr("invalid path component \"\""));
}

TEST(ImageReference, RefusesUpperCaseRepository) {
  EXPECT_THAT(problem("Nginx"), HasSubstr("must be lower-case"));
  EXPECT_THAT(problem("reg.io/Team/app"), HasSubstr("must be lower-case"));
}

TEST(ImageReference, Tags) {
  EXPECT_EQ(parse_image_reference("app:_x.Y-1").tag, "_x.Y-1");
  EXPECT_EQ(parse_image_reference("app:" + std::string(128, 'v')).tag.size(), 128U);
  EXPECT_THAT(problem("app:" + std::string(129, 'v')), HasSubstr("invalid tag"));
  EXPECT_THAT(problem("app:"), HasSubstr("invalid tag \"\""));
  EXPECT_THAT(problem("app:.x"), HasSubstr("invalid tag"));
  EXPECT_THAT(problem("app:a/b"), HasSubstr("invalid registry \"app:a\""));  // not a tag
  // The colon of a port is not a tag.
  EXPECT_EQ(parse_image_reference("reg.io:443/app").tag, "latest");
  EXPECT_THAT(problem("reg.io/app:1.0:2"), HasSubstr("invalid path component \"app:1.0\""));
}

TEST(ImageReference, Digests) {
  EXPECT_EQ(parse_image_reference("app@sha512:" + std::string(128, '0')).digest.size(), 135U);
  EXPECT_THAT(problem("app@sha256:abc"), HasSubstr("64 lower-case hex digits"));
  EXPECT_THAT(problem("app@sha256:" + std::string(64, 'A')), HasSubstr("lower-case hex"));
  EXPECT_THAT(problem("app@md5:" + std::string(32, 'a')), HasSubstr("unsupported digest"));
  EXPECT_THAT(problem("app@" + std::string(64, 'a')), HasSubstr("lacks \"algorithm:\""));
  EXPECT_THAT(problem("app@" + kDigest + "@" + kDigest), HasSubstr("64 lower-case hex digits"));
}

TEST(ImageReference, Registries) {
  EXPECT_THAT(problem("my_registry:5000/app"), HasSubstr("invalid registry"));
  EXPECT_THAT(problem("localhost:abc/app"), HasSubstr("invalid registry"));
  EXPECT_THAT(problem("localhost:/app"), HasSubstr("invalid registry"));
  EXPECT_THAT(problem("-reg.io/app"), HasSubstr("invalid registry"));
  EXPECT_THAT(problem("reg..io/app"), HasSubstr("invalid registry"));
}

TEST(ImageReference, RefusesOddInput) {
  EXPECT_THAT(problem(""), HasSubstr("empty"));
  EXPECT_THAT(problem(":tag"), HasSubstr("no repository name"));
  EXPECT_THAT(problem(std::string(64, 'f')), HasSubstr("image id"));
  EXPECT_THAT(problem("reg.io/" + std::string(250, 'a')), HasSubstr("longer than 255"));
  EXPECT_THAT(problem(std::string(10000, 'a')), HasSubstr("too long"));
  EXPECT_THAT(problem("nginx latest"), HasSubstr("invalid path component"));
  EXPECT_THAT(problem(" nginx"), HasSubstr("invalid"));
}

TEST(ImageReference, LibraryPrefixCountsTowardsLength) {
  // 245 characters after "docker.io/" fit only without "library/".
  EXPECT_NO_THROW(parse_image_reference("docker.io/a/" + std::string(243, 'b')));
  EXPECT_THAT(problem(std::string(245, 'b')), HasSubstr("longer than 255"));
}

}  // namespace
}  // namespace sluice
