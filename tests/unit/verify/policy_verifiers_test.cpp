#include "verify/policy_verifiers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "verify_test_support.h"

namespace sluice::verify {
namespace {

using ::testing::HasSubstr;
using testing::public_key_fields;
using testing::testdata;

// ssh-keygen signed testdata/message in namespace "git", as git does a commit's payload.
policy::CommitEvidence evidence(const std::string& signature_file) {
  return policy::CommitEvidence{"main@sha1:4f2c", testdata(signature_file), testdata("message"),
                                1700000000};
}

std::string allowed_line(const std::string& principal, const std::string& key_file,
                         const std::string& options = "") {
  const auto [type, blob] = public_key_fields(key_file);
  return principal + " " + (options.empty() ? "" : options + " ") + type + " " + blob + "\n";
}

std::string rejection(const policy::CommitEvidence& commit, const std::string& allowed) {
  try {
    PolicyCommitVerifier().verify_ssh(commit, allowed, "SigningPolicy p");
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kVerificationFailed);
    return e.message();
  }
  return "accepted";
}

TEST(PolicyCommitVerifier, AcceptsAnAllowedSshSigner) {
  const policy::Signer signer = PolicyCommitVerifier().verify_ssh(
      evidence("ed25519.sig"), allowed_line("alice@example.com", "ed25519.pub"), "SigningPolicy p");
  EXPECT_EQ(signer.method, "ssh");
  EXPECT_EQ(signer.signer, "alice@example.com");
  EXPECT_THAT(signer.fingerprint, HasSubstr("SHA256:"));
}

TEST(PolicyCommitVerifier, RejectsOtherKeysAndTampering) {
  EXPECT_THAT(rejection(evidence("ed25519.sig"), allowed_line("bob@example.com", "rsa.pub")),
              HasSubstr("no allowed signer lists"));
  policy::CommitEvidence tampered = evidence("ed25519.sig");
  tampered.payload += "x";
  EXPECT_NE(rejection(tampered, allowed_line("alice@example.com", "ed25519.pub")), "accepted");
}

TEST(PolicyCommitVerifier, ChecksValidityAtTheCommitTime) {
  EXPECT_THAT(rejection(evidence("ed25519.sig"), allowed_line("alice@example.com", "ed25519.pub",
                                                              "valid-after=\"20300101\"")),
              HasSubstr("no allowed signer lists"));
  policy::CommitEvidence timeless = evidence("ed25519.sig");
  timeless.signed_at.reset();
  EXPECT_THAT(rejection(timeless, allowed_line("alice@example.com", "ed25519.pub")),
              HasSubstr("no committer time"));
  policy::CommitEvidence unsigned_commit = evidence("ed25519.sig");
  unsigned_commit.signature.reset();
  EXPECT_THAT(rejection(unsigned_commit, ""), HasSubstr("is not signed"));
}

TEST(PolicyCommitVerifier, KeylessIsNotBuiltYet) {
  try {
    PolicyCommitVerifier().verify_keyless(evidence("ed25519.sig"), {}, std::nullopt);
    FAIL() << "keyless verification unexpectedly succeeded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnimplemented);
  }
}

TEST(PolicyImageVerifier, KeylessIsNotBuiltYet) {
  policy::ImageRequirement keyless;
  keyless.identities.push_back({"https://issuer", "someone", ""});
  const Error e = sluice::testing::error_of(
      [&] { PolicyImageVerifier().verify(parse_image_reference("nginx"), keyless); });
  EXPECT_EQ(e.code(), ErrorCode::kUnimplemented);
  EXPECT_THAT(e.message(), HasSubstr("docker.io/library/nginx:latest"));
}

TEST(PolicyImageVerifier, AnUnreachableRegistryIsNotAVerdict) {
  const int port = sluice::testing::unused_loopback_port();
  const PolicyImageVerifier verifier(
      [](const std::string&) {
        oci::RegistryOptions options;
        options.plain_http = true;
        return options;
      },
      {.ignore_tlog = true});
  policy::ImageRequirement requirement;
  requirement.public_keys_pem.push_back(testdata("cosign/cosign.pub"));
  const Error e = sluice::testing::error_of([&] {
    verifier.verify(parse_image_reference("127.0.0.1:" + std::to_string(port) + "/app:v1"),
                    requirement);
  });
  EXPECT_EQ(e.code(), ErrorCode::kUnavailable) << e.message();
}

// Key-signed images without ignore_tlog: the requirement's trusted root holds the Rekor keys.
oci::RegistryOptions plain_http(const std::string&) {
  oci::RegistryOptions options;
  options.plain_http = true;
  return options;
}

Error verify_unreachable(const PolicyImageVerifier& verifier,
                         const policy::ImageRequirement& requirement) {
  const int port = sluice::testing::unused_loopback_port();
  return sluice::testing::error_of([&] {
    verifier.verify(parse_image_reference("127.0.0.1:" + std::to_string(port) + "/app:v1"),
                    requirement);
  });
}

TEST(PolicyImageVerifier, CheckingTheLogNeedsATrustedRoot) {
  policy::ImageRequirement requirement;
  requirement.public_keys_pem.push_back(testdata("cosign/cosign.pub"));
  const Error e = verify_unreachable(PolicyImageVerifier(plain_http), requirement);
  EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << e.message();
  EXPECT_THAT(e.message(), HasSubstr("trusted root"));
}

TEST(PolicyImageVerifier, UsesTheRequirementsTrustedRoot) {
  policy::ImageRequirement requirement;
  requirement.public_keys_pem.push_back(testdata("cosign/cosign.pub"));
  requirement.trusted_root = "{\"tlogs\": 1}";
  const Error bad = verify_unreachable(PolicyImageVerifier(plain_http), requirement);
  EXPECT_EQ(bad.code(), ErrorCode::kInvalidArgument) << bad.message();
  EXPECT_THAT(bad.message(), HasSubstr("the image requirement's trusted root"));

  // A well-formed root gets the verifier as far as the registry.
  requirement.trusted_root =
      R"({"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1"})";
  const Error e = verify_unreachable(PolicyImageVerifier(plain_http), requirement);
  EXPECT_EQ(e.code(), ErrorCode::kUnavailable) << e.message();
}

}  // namespace
}  // namespace sluice::verify
