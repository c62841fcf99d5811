#include "verify/policy_verifiers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "gitsign_fixture.h"
#include "test_helpers.h"
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

// gitsign signatures made at test time (tests/support/gitsign_fixture.h).
class PolicyKeylessCommit : public ::testing::Test {
 protected:
  sluice::testing::GitsignFixture fixture;
  std::string payload = "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\nsigned\n";

  policy::CommitEvidence commit() const {
    return policy::CommitEvidence{"main@sha1:9a1b", fixture.sign(payload), payload, 1700000100};
  }
  policy::Signer verify(const std::vector<policy::KeylessIdentity>& identities,
                        const std::optional<std::string>& root) const {
    return PolicyCommitVerifier().verify_keyless(commit(), identities, root);
  }
  std::string rejection(const std::vector<policy::KeylessIdentity>& identities,
                        const std::optional<std::string>& root) const {
    const Error e = sluice::testing::error_of([&] { verify(identities, root); });
    EXPECT_EQ(e.code(), ErrorCode::kVerificationFailed);
    return e.message();
  }
};

TEST_F(PolicyKeylessCommit, AcceptsAMatchingIdentity) {
  const std::string root = fixture.trusted_root_json();
  const policy::Signer exact = verify({{"https://other.example.com", "alice@example.com", ""},
                                       {"https://issuer.example.com", "alice@example.com", ""}},
                                      root);
  EXPECT_EQ(exact.method, "keyless");
  EXPECT_EQ(exact.signer, "alice@example.com");
  EXPECT_THAT(exact.fingerprint, ::testing::StartsWith("SHA256:"));
  EXPECT_EQ(verify({{"https://issuer.example.com", "", "@example\\.com$"}}, root).signer,
            "alice@example.com");
}

TEST_F(PolicyKeylessCommit, RefusesOtherIdentitiesAndMissingRoots) {
  const std::string root = fixture.trusted_root_json();
  EXPECT_THAT(rejection({{"https://issuer.example.com", "bob@example.com", ""}}, root),
              HasSubstr("no keyless identity of the policy allows"));
  EXPECT_THAT(rejection({{"https://other.example.com", "alice@example.com", ""}}, root),
              HasSubstr("no keyless identity"));
  EXPECT_THAT(rejection({{"https://issuer.example.com", "alice@example.com", ""}}, std::nullopt),
              HasSubstr("no trusted root given"));
  // A root that does not know the CA or the log.
  EXPECT_THAT(rejection({{"https://issuer.example.com", "alice@example.com", ""}},
                        sluice::testing::GitsignFixture().trusted_root_json()),
              HasSubstr("is not trusted"));
}

// There is no built-in public-good sigstore root: keyless needs the policy's own.
TEST(PolicyImageVerifier, KeylessNeedsATrustedRoot) {
  policy::ImageRequirement keyless;
  keyless.identities.push_back({"https://issuer", "someone", ""});
  const Error e = sluice::testing::error_of(
      [&] { PolicyImageVerifier().verify(parse_image_reference("nginx"), keyless); });
  EXPECT_EQ(e.code(), ErrorCode::kUnimplemented);
  EXPECT_THAT(e.message(), HasSubstr("docker.io/library/nginx:latest"));
  EXPECT_THAT(e.message(), HasSubstr("trustedRootSecretRef"));
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
  // Not the signer's fault (the gate reports ImageVerificationError), and it names the way out.
  EXPECT_EQ(e.code(), ErrorCode::kFailedPrecondition) << e.message();
  EXPECT_THAT(e.message(), HasSubstr("trusted root"));
  EXPECT_THAT(e.message(), HasSubstr("ignoreTlog"));
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
