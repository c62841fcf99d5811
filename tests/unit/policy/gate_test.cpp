#include "policy/gate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "policy_test_support.h"

namespace sluice::policy {
namespace {

using testing::commit;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::kSshArmor;
using testing::object;
using testing::policy_object;

const std::string kApplication = R"(
apiVersion: sluice.dev/v1alpha1
kind: Application
metadata: {name: shop, namespace: shop, labels: {tier: prod}}
spec: {targetNamespace: shop}
)";

const std::string kManifests = R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      hostNetwork: true
      containers: [{name: web, image: "registry.example.com/shop/web:1"}]
---
{apiVersion: v1, kind: Secret, metadata: {name: creds, namespace: shop}}
)";

class Gate : public ::testing::Test {
 protected:
  Gate() : application_(object(kApplication)), manifests_(testing::objects(kManifests)) {
    commits_.good_ssh_signature = kSshArmor;
  }

  void add(const std::string& name, const std::string& spec) {
    policies_.push_back(load_signing_policy(policy_object(name, spec)));
  }

  Verdict run(const CommitEvidence& evidence = commit(kSshArmor)) {
    const GateInput input{&application_, &manifests_, &evidence, "shop", {}};
    return evaluate(policies_, input, Verifiers{&secrets_, &commits_, &images_});
  }

  static std::vector<std::string> pairs(const Verdict& verdict) {
    std::vector<std::string> result;
    for (const Violation& violation : verdict.violations) {
      result.push_back(violation.policy + " " + std::string(to_string(violation.mode)) + " " +
                       violation.rule + " " + violation.object);
    }
    return result;
  }

  Object application_;
  std::vector<Object> manifests_;
  std::vector<LoadedPolicy> policies_;
  testing::FakeSecrets secrets_;
  testing::FakeCommitVerifier commits_;
  testing::FakeImageVerifier images_;
};

TEST_F(Gate, NoPoliciesAllowsEverything) {
  const Verdict verdict = run(commit(std::nullopt));
  EXPECT_TRUE(verdict.allowed);
  EXPECT_THAT(verdict.policies, IsEmpty());
  EXPECT_THAT(verdict.violations, IsEmpty());
}

TEST_F(Gate, PolicyMatching) {
  add("by-namespace", "match: {namespaces: [shop]}\nrules: {deniedKinds: [Secret]}");
  add("other-namespace", "match: {namespaces: [blog]}\nrules: {deniedKinds: [Secret]}");
  add("by-label",
      "match: {applicationSelector: {matchLabels: {tier: prod}}}\nrules: {deniedKinds: [Secret]}");
  add("other-label",
      "match: {applicationSelector: {matchExpressions: [{key: tier, operator: NotIn, values: "
      "[prod]}]}}\nrules: {deniedKinds: [Secret]}");
  add("both",
      "match: {namespaces: [shop], applicationSelector: {matchLabels: {tier: dev}}}\nrules: "
      "{deniedKinds: [Secret]}");
  add("everywhere", "rules: {deniedKinds: [Secret]}");
  const Verdict verdict = run();
  EXPECT_THAT(verdict.policies, ElementsAre("by-label", "by-namespace", "everywhere"));
  EXPECT_EQ(verdict.violations.size(), 3U);
}

TEST_F(Gate, EveryMatchingPolicyMustPass) {
  add("a-commits", "commits: {required: true, ssh: {allowedSigners: 'alice@example.com k'}}");
  add("b-rules", "rules: {denyHostNetwork: true}");
  add("c-images", "images: [{glob: 'registry.example.com/**', keys: [{secretRef: {name: k}}]}]");
  secrets_.values["/k/cosign.pub"] = testing::kKeyPem;
  images_.signed_by["registry.example.com/shop/web:1"] = testing::kKeyPem;
  // a and c pass, b does not: the revision is blocked.
  const Verdict verdict = run();
  EXPECT_FALSE(verdict.allowed);
  EXPECT_THAT(pairs(verdict), ElementsAre("b-rules Enforce HostNetwork Deployment/shop/web"));
  EXPECT_EQ(verdict.signers.size(), 2U);  // the commit's and the image's
}

TEST_F(Gate, AllViolationsOfAllPoliciesAreListed) {
  add("strict",
      "commits: {required: true, ssh: {allowedSigners: 'alice@example.com k'}}\n"
      "rules: {deniedKinds: [Secret], denyHostNetwork: true}");
  add("watch", "mode: Audit\nrules: {requiredLabels: [team], allowedRegistries: [ghcr.io/**]}");
  const Verdict verdict = run(commit(std::nullopt));
  EXPECT_FALSE(verdict.allowed);
  EXPECT_THAT(pairs(verdict),
              ElementsAre("strict Enforce CommitUnsigned commit main@sha1:4f2c",
                          "strict Enforce HostNetwork Deployment/shop/web",
                          "strict Enforce KindDenied Secret/shop/creds",
                          "watch Audit RegistryNotAllowed image registry.example.com/shop/web:1",
                          "watch Audit LabelMissing Deployment/shop/web",
                          "watch Audit LabelMissing Secret/shop/creds"));
  EXPECT_EQ(verdict.blocking_count(), 3U);
}

TEST_F(Gate, NoCommitEvidenceIsAnUnsignedRevision) {
  add("strict", "commits: {required: true, ssh: {allowedSigners: 'alice@example.com k'}}");
  add("images-only", "rules: {denyHostNetwork: true}");
  const GateInput input{&application_, &manifests_, nullptr, "shop", {}};
  const Verdict verdict = evaluate(policies_, input, Verifiers{&secrets_, &commits_, &images_});
  EXPECT_FALSE(verdict.allowed);
  EXPECT_THAT(pairs(verdict),
              ElementsAre("images-only Enforce HostNetwork Deployment/shop/web",
                          "strict Enforce CommitUnsigned commit (revision unknown)"));
}

TEST_F(Gate, AuditOnlyViolationsAreAllowed) {
  add("watch", "mode: Audit\nrules: {deniedKinds: [Secret]}");
  const Verdict verdict = run();
  EXPECT_TRUE(verdict.allowed);
  EXPECT_THAT(pairs(verdict), ElementsAre("watch Audit KindDenied Secret/shop/creds"));
}

TEST_F(Gate, MalformedEnforcePolicyBlocks) {
  add("broken", "rules: {denyEverything: true}");
  const Verdict verdict = run();
  EXPECT_FALSE(verdict.allowed);
  EXPECT_THAT(pairs(verdict), ElementsAre("broken Enforce PolicyInvalid SigningPolicy/broken"));
  EXPECT_THAT(verdict.violations[0].message,
              HasSubstr("SigningPolicy \"broken\": spec.rules: unknown field \"denyEverything\""));
}

TEST_F(Gate, MalformedAuditPolicyIsReported) {
  add("broken", "mode: Audit\nimages: [{glob: 'reg.io/**'}]");
  const Verdict verdict = run();
  EXPECT_TRUE(verdict.allowed);
  EXPECT_THAT(pairs(verdict), ElementsAre("broken Audit PolicyInvalid SigningPolicy/broken"));
}

TEST_F(Gate, MalformedPolicyKeepsItsReadableMatch) {
  add("broken-for-blog", "match: {namespaces: [blog]}\nmode: Enforce\nrules: 3");
  EXPECT_TRUE(run().allowed);
  add("broken-match", "match: {namespaces: blog}");
  const Verdict verdict = run();
  EXPECT_FALSE(verdict.allowed);
  EXPECT_THAT(verdict.policies, ElementsAre("broken-match"));
}

TEST_F(Gate, PolicyOrderDoesNotMatter) {
  add("z", "rules: {deniedKinds: [Secret]}");
  add("a", "rules: {denyHostNetwork: true}");
  const Verdict forward = run();
  std::reverse(policies_.begin(), policies_.end());
  const Verdict backward = run();
  EXPECT_EQ(forward.violations, backward.violations);
  EXPECT_THAT(forward.policies, ElementsAre("a", "z"));
}

TEST_F(Gate, SameImageRequirementIsVerifiedOnce) {
  const std::string spec =
      "images: [{glob: 'registry.example.com/**', keys: [{pem: \"-----BEGIN PUBLIC KEY-----\\nK\\n"
      "-----END PUBLIC KEY-----\\n\"}]}]";
  add("one", spec);
  add("two", spec);
  const Verdict verdict = run();
  EXPECT_THAT(pairs(verdict),
              ElementsAre("one Enforce ImageUnsigned image registry.example.com/shop/web:1",
                          "two Enforce ImageUnsigned image registry.example.com/shop/web:1"));
  EXPECT_THAT(images_.asked, ElementsAre("registry.example.com/shop/web:1"));
}

TEST_F(Gate, MalformedApplicationLabelsAreGoverned) {
  add("by-label",
      "match: {applicationSelector: {matchLabels: {tier: prod}}}\nrules: {deniedKinds: [Secret]}");
  application_ =
      object("{kind: Application, metadata: {name: x, namespace: shop, labels: [tier]}}");
  EXPECT_FALSE(run().allowed);
  EXPECT_TRUE(governs(policies_[0], application_));
}

}  // namespace
}  // namespace sluice::policy
