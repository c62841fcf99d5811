#include "policy/signatures.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "policy_test_support.h"

namespace sluice::policy {
namespace {

using testing::commit;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::kKeyPem;
using testing::kPgpArmor;
using testing::kSshArmor;
using testing::kX509Armor;

class Signatures : public ::testing::Test {
 protected:
  Signatures() {
    commits_.good_ssh_signature = kSshArmor;
    commits_.good_x509_signature = kX509Armor;
  }

  std::vector<std::string> check_commit_with(const std::string& spec,
                                             const CommitEvidence& evidence) {
    verdict_ = Verdict{};
    check_commit(testing::policy("p", spec), evidence, verifiers(), verdict_);
    return pairs();
  }

  std::vector<std::string> check_images_with(const std::string& spec,
                                             const std::string& manifests) {
    verdict_ = Verdict{};
    const std::vector<ImageUse> images = collect_images(testing::objects(manifests));
    ImageVerificationCache cache;
    check_images(testing::policy("p", spec), images, verifiers(), cache, verdict_);
    return pairs();
  }

  Verifiers verifiers() const { return Verifiers{&secrets_, &commits_, &images_}; }

  std::vector<std::string> pairs() const {
    std::vector<std::string> result;
    for (const Violation& violation : verdict_.violations) {
      result.push_back(violation.rule + " " + violation.object);
    }
    return result;
  }

  testing::FakeSecrets secrets_;
  testing::FakeCommitVerifier commits_;
  testing::FakeImageVerifier images_;
  Verdict verdict_;
};

const std::string kSshInline =
    "commits: {required: true, ssh: {allowedSigners: 'alice@example.com ssh-ed25519 AAAA'}}";
const std::string kKeyless =
    "commits: {required: true, keyless: {identities: [{issuer: 'https://issuer.example', "
    "subjectRegExp: '^https://github.com/org/'}]}}";

TEST_F(Signatures, CommitsNotRequiredAreNotChecked) {
  EXPECT_THAT(check_commit_with("{}", commit(std::nullopt)), IsEmpty());
  EXPECT_THAT(check_commit_with("commits: {required: false, ssh: {allowedSigners: x}}",
                                commit(std::nullopt)),
              IsEmpty());
  EXPECT_EQ(commits_.calls, 0);
}

TEST_F(Signatures, UnsignedCommit) {
  EXPECT_THAT(check_commit_with(kSshInline, commit(std::nullopt)),
              ElementsAre("CommitUnsigned commit main@sha1:4f2c"));
  EXPECT_FALSE(verdict_.allowed);
}

TEST_F(Signatures, SshSignerAllowed) {
  EXPECT_THAT(check_commit_with(kSshInline, commit(kSshArmor)), IsEmpty());
  EXPECT_EQ(commits_.last_allowed_signers, "alice@example.com ssh-ed25519 AAAA");
  EXPECT_EQ(commits_.last_source, "SigningPolicy p spec.commits.ssh.allowedSigners");
  ASSERT_EQ(verdict_.signers.size(), 1U);
  EXPECT_EQ(verdict_.signers[0].method, "ssh");
  EXPECT_EQ(verdict_.signers[0].signer, "alice@example.com");
  EXPECT_EQ(verdict_.signers[0].object, "commit main@sha1:4f2c");
}

TEST_F(Signatures, SshSignerNotAllowed) {
  commits_.ssh_principal = "bob@example.com";
  EXPECT_THAT(check_commit_with(kSshInline, commit(kSshArmor)),
              ElementsAre("CommitSignerNotAllowed commit main@sha1:4f2c"));
  EXPECT_EQ(verdict_.violations[0].message, "signed by an unknown key");
  EXPECT_TRUE(verdict_.signers.empty());
}

TEST_F(Signatures, SshAllowedSignersFromSecret) {
  const std::string spec =
      "commits: {required: true, ssh: {allowedSignersSecretRef: {name: signers, namespace: "
      "sluice-system}}}";
  secrets_.values["sluice-system/signers/allowed_signers"] = "alice@example.com ssh-ed25519 AAAA";
  EXPECT_THAT(check_commit_with(spec, commit(kSshArmor)), IsEmpty());
  EXPECT_EQ(commits_.last_source, "secret sluice-system/signers key allowed_signers");

  secrets_.values.clear();
  EXPECT_THAT(check_commit_with(spec, commit(kSshArmor)),
              ElementsAre("SecretUnavailable SigningPolicy/p"));
  EXPECT_EQ(verdict_.violations[0].message,
            "spec.commits.ssh.allowedSignersSecretRef: secret sluice-system/signers key "
            "allowed_signers: secret sluice-system/signers/allowed_signers not found");
  EXPECT_FALSE(verdict_.allowed);
}

TEST_F(Signatures, FormatWithoutPolicySection) {
  EXPECT_THAT(check_commit_with(kKeyless, commit(kSshArmor)),
              ElementsAre("CommitSignerNotAllowed commit main@sha1:4f2c"));
  EXPECT_EQ(verdict_.violations[0].message, "signed with SSH, but spec.commits.ssh is not set");
  EXPECT_THAT(check_commit_with(kSshInline, commit(kX509Armor)),
              ElementsAre("CommitSignerNotAllowed commit main@sha1:4f2c"));
  EXPECT_THAT(verdict_.violations[0].message, HasSubstr("spec.commits.keyless is not set"));
  EXPECT_THAT(check_commit_with(kSshInline, commit(kPgpArmor)),
              ElementsAre("CommitSignerNotAllowed commit main@sha1:4f2c"));
  EXPECT_THAT(verdict_.violations[0].message, HasSubstr("OpenPGP"));
  EXPECT_THAT(check_commit_with(kSshInline, commit("garbage")),
              ElementsAre("CommitSignerNotAllowed commit main@sha1:4f2c"));
  EXPECT_EQ(commits_.calls, 0);
}

TEST_F(Signatures, KeylessCommit) {
  EXPECT_THAT(check_commit_with(kKeyless, commit(kX509Armor)), IsEmpty());
  EXPECT_FALSE(commits_.last_trusted_root);  // no trustedRootSecretRef: the public-good root
  ASSERT_EQ(verdict_.signers.size(), 1U);
  EXPECT_EQ(verdict_.signers[0].method, "keyless");

  commits_.good_x509_signature = "other";
  EXPECT_THAT(check_commit_with(kKeyless, commit(kX509Armor)),
              ElementsAre("CommitSignerNotAllowed commit main@sha1:4f2c"));
}

TEST_F(Signatures, KeylessTrustedRootFromSecret) {
  const std::string spec =
      "commits: {required: true, keyless: {identities: [{issuer: 'https://issuer.example', "
      "subject: 'https://github.com/org/repo'}], trustedRootSecretRef: {name: root}}}";
  secrets_.values["/root/trusted_root.json"] = "{\"mediaType\": \"root\"}";
  EXPECT_THAT(check_commit_with(spec, commit(kX509Armor)), IsEmpty());
  EXPECT_EQ(commits_.last_trusted_root, "{\"mediaType\": \"root\"}");
  secrets_.values.clear();
  EXPECT_THAT(check_commit_with(spec, commit(kX509Armor)),
              ElementsAre("SecretUnavailable SigningPolicy/p"));
}

TEST_F(Signatures, VerifierTroubleIsAVerificationError) {
  commits_.good_x509_signature = "other";
  commits_.keyless_failure = ErrorCode::kUnimplemented;
  EXPECT_THAT(check_commit_with(kKeyless, commit(kX509Armor)),
              ElementsAre("CommitVerificationError commit main@sha1:4f2c"));
  EXPECT_EQ(verdict_.violations[0].message, "could not verify the signature: bad certificate");
  EXPECT_FALSE(verdict_.allowed);
}

TEST_F(Signatures, AuditCommitViolationsDoNotBlock) {
  EXPECT_THAT(check_commit_with("mode: Audit\n" + kSshInline, commit(std::nullopt)),
              ElementsAre("CommitUnsigned commit main@sha1:4f2c"));
  EXPECT_TRUE(verdict_.allowed);
}

const std::string kTwoImages = R"(
kind: Pod
metadata: {name: p, namespace: shop}
spec:
  containers:
  - {image: "registry.example.com/app:1"}
  - {image: "nginx:1.25"}
)";

std::string key_entry(const std::string& glob) {
  return "images: [{glob: '" + glob + "', keys: [{pem: \"" +
         std::string(
             "-----BEGIN PUBLIC KEY-----\\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\\n-----END "
             "PUBLIC KEY-----\\n") +
         "\"}]}]";
}

TEST_F(Signatures, ImagesMatchedByNoEntryAreUnaffected) {
  EXPECT_THAT(check_images_with(key_entry("other.io/**"), kTwoImages), IsEmpty());
  EXPECT_THAT(check_images_with("{}", kTwoImages), IsEmpty());
  EXPECT_THAT(images_.asked, IsEmpty());
}

TEST_F(Signatures, MatchedImagesMustBeSigned) {
  EXPECT_THAT(check_images_with(key_entry("registry.example.com/**"), kTwoImages),
              ElementsAre("ImageUnsigned image registry.example.com/app:1"));
  EXPECT_EQ(verdict_.violations[0].message,
            "no signatures for registry.example.com/app:1 (spec.images[0] glob "
            "\"registry.example.com/**\"; used by Pod/shop/p)");
  EXPECT_THAT(images_.asked, ElementsAre("registry.example.com/app:1"));

  images_.signed_by["registry.example.com/app:1"] = kKeyPem;
  EXPECT_THAT(check_images_with(key_entry("registry.example.com/**"), kTwoImages), IsEmpty());
  ASSERT_EQ(verdict_.signers.size(), 1U);
  EXPECT_EQ(verdict_.signers[0].object, "image registry.example.com/app:1");
  EXPECT_EQ(verdict_.signers[0].method, "key");
}

TEST_F(Signatures, ImageSignedByTheWrongKey) {
  images_.signed_by["docker.io/library/nginx:1.25"] = "another key";
  EXPECT_THAT(check_images_with(key_entry("nginx"), kTwoImages),
              ElementsAre("ImageSignerNotAllowed image docker.io/library/nginx:1.25"));
}

TEST_F(Signatures, ImageVerifierTrouble) {
  images_.failures["docker.io/library/nginx:1.25"] = ErrorCode::kUnavailable;
  EXPECT_THAT(check_images_with(key_entry("**"), kTwoImages),
              ElementsAre("ImageUnsigned image registry.example.com/app:1",
                          "ImageVerificationError image docker.io/library/nginx:1.25"));
}

TEST_F(Signatures, IgnoreTlogReachesTheVerifierForKeys) {
  images_.signed_by["registry.example.com/app:1"] = kKeyPem;
  std::string spec = key_entry("registry.example.com/**");
  spec.insert(spec.rfind('}'), ", ignoreTlog: true");
  EXPECT_THAT(check_images_with(spec, kTwoImages), IsEmpty());
  ASSERT_EQ(images_.requirements.size(), 1U);
  EXPECT_TRUE(images_.requirements[0].keys_ignore_tlog);
  EXPECT_THAT(check_images_with(key_entry("registry.example.com/**"), kTwoImages), IsEmpty());
  EXPECT_FALSE(images_.requirements.back().keys_ignore_tlog);
}

TEST_F(Signatures, AVerifierThatCannotCheckIsAVerificationErrorNotARefusedSigner) {
  // E.g. keys without a trusted root for their log entries (no signer was at fault).
  images_.failures["registry.example.com/app:1"] = ErrorCode::kFailedPrecondition;
  EXPECT_THAT(check_images_with(key_entry("registry.example.com/**"), kTwoImages),
              ElementsAre("ImageVerificationError image registry.example.com/app:1"));
}

TEST_F(Signatures, KeylessImages) {
  const std::string spec =
      "images: [{glob: '**', keyless: {identities: [{issuer: 'https://issuer.example', "
      "subjectRegExp: '^https://github.com/org/'}]}}]";
  images_.signed_by["registry.example.com/app:1"] = "https://github.com/org/app";
  images_.signed_by["docker.io/library/nginx:1.25"] = "https://github.com/evil/app";
  EXPECT_THAT(check_images_with(spec, kTwoImages),
              ElementsAre("ImageSignerNotAllowed image docker.io/library/nginx:1.25"));
  EXPECT_EQ(verdict_.signers.size(), 1U);
}

TEST_F(Signatures, EveryMatchingEntryMustBeSatisfied) {
  // Signed by the key, but a second entry also wants a keyless signature.
  images_.signed_by["registry.example.com/app:1"] = kKeyPem;
  const std::string spec = key_entry("registry.example.com/**")
                               .substr(0, key_entry("registry.example.com/**").size() - 1) +
                           ", {glob: 'registry.example.com/*', keyless: {identities: [{issuer: "
                           "'https://issuer.example', subject: 'ci'}]}}]";
  EXPECT_THAT(check_images_with(spec, kTwoImages),
              ElementsAre("ImageSignerNotAllowed image registry.example.com/app:1"));
  EXPECT_THAT(verdict_.violations[0].message, HasSubstr("spec.images[1]"));
}

TEST_F(Signatures, KeysFromSecretsAreResolvedOnceAndOnlyWhenNeeded) {
  const std::string spec =
      "images: [{glob: 'registry.example.com/**', keys: [{secretRef: {name: cosign}}]}, "
      "{glob: 'unused.io/**', keys: [{secretRef: {name: never}}]}]";
  secrets_.values["/cosign/cosign.pub"] = kKeyPem;
  images_.signed_by["registry.example.com/app:1"] = kKeyPem;
  const std::string three = kTwoImages + "  - {image: 'registry.example.com/other:2'}\n";
  EXPECT_THAT(check_images_with(spec, three),
              ElementsAre("ImageUnsigned image registry.example.com/other:2"));
  EXPECT_THAT(secrets_.asked, ElementsAre("/cosign/cosign.pub"));
}

TEST_F(Signatures, UnreadableKeySecretFailsClosed) {
  const std::string spec =
      "images: [{glob: 'registry.example.com/**', keys: [{secretRef: {name: missing}}, {pem: \"" +
      std::string("-----BEGIN PUBLIC KEY-----\\nMFkw\\n-----END PUBLIC KEY-----\\n") + "\"}]}]";
  images_.signed_by["registry.example.com/app:1"] =
      "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n";
  EXPECT_THAT(check_images_with(spec, kTwoImages),
              ElementsAre("SecretUnavailable SigningPolicy/p"));
  EXPECT_THAT(verdict_.violations[0].message, HasSubstr("spec.images[0].keys[0].secretRef"));
  EXPECT_THAT(images_.asked, IsEmpty());
  EXPECT_FALSE(verdict_.allowed);
}

TEST(ImageVerificationCache, AsksTheVerifierOncePerImageAndRequirement) {
  testing::FakeImageVerifier verifier;
  verifier.signed_by["docker.io/library/a:1"] = kKeyPem;
  ImageVerificationCache cache;
  const ImageReference a = parse_image_reference("a:1");
  const ImageReference b = parse_image_reference("b:1");
  const ImageRequirement key{{kKeyPem}, {}, std::nullopt};
  const ImageRequirement other{{"other"}, {}, std::nullopt};
  EXPECT_EQ(cache.verify(verifier, a, key).method, "key");
  EXPECT_EQ(cache.verify(verifier, a, key).method, "key");
  EXPECT_THROW(cache.verify(verifier, b, key), Error);
  EXPECT_THROW(cache.verify(verifier, b, key), Error);
  EXPECT_THROW(cache.verify(verifier, a, other), Error);
  EXPECT_THAT(verifier.asked, ElementsAre("docker.io/library/a:1", "docker.io/library/b:1",
                                          "docker.io/library/a:1"));
  try {
    cache.verify(verifier, b, key);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);  // the cached error keeps its code
  }
}

}  // namespace
}  // namespace sluice::policy
