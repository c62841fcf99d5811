#include "policy/signing_policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "policy_test_support.h"

namespace sluice::policy {
namespace {

using ::testing::HasSubstr;
using testing::object;
using testing::policy_object;

std::string problem(const std::string& spec_yaml) {
  try {
    parse_signing_policy(policy_object("broken", spec_yaml));
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    return e.message();
  }
  return "accepted";
}

TEST(SigningPolicy, ParsesEveryField) {
  const SigningPolicy policy = parse_signing_policy(object(testing::testdata("full-policy.yaml")));
  EXPECT_EQ(policy.name, "everything");
  EXPECT_EQ(policy.mode, Mode::kAudit);
  EXPECT_EQ(policy.match.namespaces, (std::vector<std::string>{"shop", "payments"}));
  ASSERT_TRUE(policy.match.application_selector);
  EXPECT_EQ(policy.match.application_selector->match_labels.at("tier"), "prod");
  ASSERT_EQ(policy.match.application_selector->match_expressions.size(), 1U);

  ASSERT_TRUE(policy.commits);
  EXPECT_TRUE(policy.commits->required);
  ASSERT_TRUE(policy.commits->ssh);
  EXPECT_FALSE(policy.commits->ssh->allowed_signers);
  ASSERT_TRUE(policy.commits->ssh->allowed_signers_secret);
  EXPECT_EQ(policy.commits->ssh->allowed_signers_secret->to_string(),
            "secret sluice-system/signers key allowed_signers");
  ASSERT_TRUE(policy.commits->keyless);
  ASSERT_EQ(policy.commits->keyless->identities.size(), 2U);
  EXPECT_EQ(policy.commits->keyless->identities[0].subject_regexp, "^https://github.com/org/");
  EXPECT_EQ(policy.commits->keyless->identities[1].subject, "alice@example.com");
  EXPECT_EQ(policy.commits->keyless->trusted_root->to_string(),
            "secret sigstore-root key root.json");

  ASSERT_EQ(policy.images.size(), 2U);
  EXPECT_EQ(policy.images[0].glob.normalised(), "registry.example.com/**");
  ASSERT_EQ(policy.images[0].keys.size(), 2U);
  EXPECT_EQ(policy.images[0].keys[0].secret->key, "cosign.pub");
  EXPECT_THAT(*policy.images[0].keys[1].pem, HasSubstr("BEGIN PUBLIC KEY"));
  EXPECT_FALSE(policy.images[0].keyless);
  ASSERT_TRUE(policy.images[1].keyless);
  EXPECT_FALSE(policy.images[1].keyless->trusted_root);

  ASSERT_TRUE(policy.rules.allowed_registries);
  EXPECT_EQ(policy.rules.allowed_registries->size(), 2U);
  EXPECT_EQ(policy.rules.denied_kinds, (std::vector<std::string>{"ClusterRoleBinding", "Secret"}));
  EXPECT_EQ(policy.rules.required_labels,
            (std::vector<std::string>{"app.kubernetes.io/name", "team"}));
  EXPECT_TRUE(policy.rules.deny_privileged);
  EXPECT_TRUE(policy.rules.deny_host_path);
  EXPECT_FALSE(policy.rules.deny_host_network);
  EXPECT_EQ(policy.rules.allowed_namespaces, std::vector<std::string>{"shop"});
}

TEST(SigningPolicy, ParsesTheDesignExample) {
  const SigningPolicy policy =
      parse_signing_policy(object(testing::testdata("design-example.yaml")));
  EXPECT_EQ(policy.name, "require-signed-commits");
  EXPECT_EQ(policy.mode, Mode::kEnforce);
  EXPECT_EQ(*policy.commits->ssh->allowed_signers, "alice@example.com ssh-ed25519 AAAAC3Nza...\n");
  EXPECT_EQ(policy.commits->keyless->trusted_root->key, "trusted_root.json");
  EXPECT_EQ(policy.images.at(0).keys.at(0).secret->name, "cosign-pub");
  EXPECT_EQ(policy.rules.denied_kinds, std::vector<std::string>{"ClusterRoleBinding"});
  EXPECT_TRUE(policy.rules.deny_privileged);
}

TEST(SigningPolicy, Defaults) {
  const SigningPolicy policy = testing::policy("minimal", "{}");
  EXPECT_EQ(policy.mode, Mode::kEnforce);
  EXPECT_FALSE(policy.match.namespaces);
  EXPECT_FALSE(policy.match.application_selector);
  EXPECT_FALSE(policy.commits);
  EXPECT_TRUE(policy.images.empty());
  EXPECT_FALSE(policy.rules.allowed_registries);  // absent: any registry
  EXPECT_FALSE(policy.rules.allowed_namespaces);
  EXPECT_FALSE(policy.rules.deny_privileged);
  // An explicit empty list is kept apart from an absent one: no registry is allowed.
  const SigningPolicy none = testing::policy("none", "rules: {allowedRegistries: []}");
  ASSERT_TRUE(none.rules.allowed_registries);
  EXPECT_TRUE(none.rules.allowed_registries->empty());
  // commits without required: nothing is checked, and no signer list is needed.
  EXPECT_FALSE(testing::policy("lax", "commits: {required: false}").commits->required);
}

TEST(SigningPolicy, MalformedPoliciesNameThePolicyAndField) {
  EXPECT_EQ(problem("mode: enforce"),
            "SigningPolicy \"broken\": spec.mode: must be Enforce or Audit, not \"enforce\"");
  EXPECT_THAT(problem("modes: Audit"),
              HasSubstr("SigningPolicy \"broken\": spec: unknown field \"modes\""));
  EXPECT_THAT(problem("match: {namespace: [shop]}"),
              HasSubstr("spec.match: unknown field \"namespace\""));
  EXPECT_THAT(problem("match: {namespaces: shop}"),
              HasSubstr("spec.match.namespaces: must be a list"));
  EXPECT_THAT(problem("match: {namespaces: ['']}"),
              HasSubstr("spec.match.namespaces[0]: must not be empty"));
  EXPECT_THAT(problem("match: {applicationSelector: {matchExpressions: [{key: a, operator: Is}]}}"),
              HasSubstr("spec.match.applicationSelector.matchExpressions[0].operator"));
  EXPECT_THAT(problem("commits: {required: yes}"),
              HasSubstr("spec.commits.required: must be true or false, not string"));
  EXPECT_THAT(problem("commits: {required: true}"),
              HasSubstr("spec.commits: required is true but neither ssh nor keyless"));
  EXPECT_THAT(
      problem("commits: {required: true, ssh: {}}"),
      HasSubstr("spec.commits.ssh: exactly one of allowedSigners and allowedSignersSecretRef"));
  EXPECT_THAT(problem("commits: {ssh: {allowedSigners: x, allowedSignersSecretRef: {name: s}}}"),
              HasSubstr("spec.commits.ssh: exactly one of"));
  EXPECT_THAT(problem("commits: {ssh: {allowedSignersSecretRef: {namespace: x}}}"),
              HasSubstr("spec.commits.ssh.allowedSignersSecretRef.name: required"));
  EXPECT_THAT(problem("commits: {ssh: {allowedSignersSecretRef: {name: s, keys: k}}}"),
              HasSubstr("allowedSignersSecretRef: unknown field \"keys\""));
  EXPECT_THAT(problem("commits: {keyless: {identities: []}}"),
              HasSubstr("spec.commits.keyless.identities: must not be empty"));
  EXPECT_THAT(problem("commits: {keyless: {}}"),
              HasSubstr("spec.commits.keyless.identities: required"));
  EXPECT_THAT(problem("commits: {keyless: {identities: [{subject: x}]}}"),
              HasSubstr("spec.commits.keyless.identities[0].issuer: required"));
  EXPECT_THAT(problem("commits: {keyless: {identities: [{issuer: i}]}}"),
              HasSubstr("identities[0]: exactly one of subject and subjectRegExp"));
  EXPECT_THAT(
      problem("commits: {keyless: {identities: [{issuer: i, subject: s, subjectRegExp: r}]}}"),
      HasSubstr("identities[0]: exactly one of subject and subjectRegExp"));
  EXPECT_THAT(
      problem("commits: {keyless: {identities: [{issuer: i, subjectRegExp: '(unclosed'}]}}"),
      HasSubstr("identities[0].subjectRegExp: not a valid regular expression"));
  EXPECT_THAT(problem("commits: {keyless: {identities: [{issuer: i, subjectRegExp: '" +
                      std::string(1025, 'a') + "'}]}}"),
              HasSubstr("identities[0].subjectRegExp: longer than 1024 characters"));
  EXPECT_THAT(problem("images: {glob: x}"), HasSubstr("spec.images: must be a list"));
  EXPECT_THAT(problem("images: [{keys: [{pem: x}]}]"), HasSubstr("spec.images[0].glob: required"));
  EXPECT_THAT(problem("images: [{glob: 'reg.io/**'}]"),
              HasSubstr("spec.images[0]: needs keys or keyless"));
  EXPECT_THAT(problem("images: [{glob: 'reg.io/**', keys: []}]"),
              HasSubstr("spec.images[0]: needs keys or keyless"));
  EXPECT_THAT(problem("images: [{glob: 'reg.io/a:1', keys: [{pem: x}]}]"),
              HasSubstr("spec.images[0].glob: invalid image glob \"reg.io/a:1\""));
  EXPECT_THAT(problem("images: [{glob: 'reg.io/**', keys: [{pem: 'not a key'}]}]"),
              HasSubstr("spec.images[0].keys[0].pem: must hold a \"-----BEGIN PUBLIC KEY-----\""));
  EXPECT_THAT(problem("images: [{glob: 'reg.io/**', keyless: {identities: [{issuer: i, subject: "
                      "s}]}, ignoreTlog: true}]"),
              HasSubstr("spec.images[0].ignoreTlog: applies to keys, and this entry has none"));
  EXPECT_THAT(
      problem("images: [{glob: 'reg.io/**', keys: [{secretRef: {name: k}}], ignoreTlog: yes}]"),
      HasSubstr("spec.images[0].ignoreTlog: must be true or false"));
  EXPECT_THAT(problem("images: [{glob: 'reg.io/**', keys: [{}]}]"),
              HasSubstr("spec.images[0].keys[0]: exactly one of secretRef and pem"));
  EXPECT_THAT(problem("rules: {denyPrivileged: 'true'}"),
              HasSubstr("spec.rules.denyPrivileged: must be true or false"));
  EXPECT_THAT(problem("rules: {allowedRegistries: ['reg.io//x']}"),
              HasSubstr("spec.rules.allowedRegistries[0]: invalid image glob"));
  EXPECT_THAT(problem("rules: {deniedKinds: [Secret, 3]}"),
              HasSubstr("spec.rules.deniedKinds[1]: must be a string"));
  EXPECT_THAT(problem("rules: {denyPrivilege: true}"),
              HasSubstr("spec.rules: unknown field \"denyPrivilege\""));
  EXPECT_THAT(problem("rules: {requiredLabels: {app: web}}"),
              HasSubstr("spec.rules.requiredLabels: must be a list"));
  EXPECT_THAT(problem("[]"), HasSubstr("spec: must be an object"));
}

TEST(SigningPolicy, RefusesOtherKindsAndMissingParts) {
  const auto message = [](std::string_view yaml) {
    try {
      parse_signing_policy(object(yaml));
    } catch (const Error& e) {
      return e.message();
    }
    return std::string("accepted");
  };
  EXPECT_EQ(
      message(
          "{apiVersion: sluice.dev/v1beta1, kind: SigningPolicy, metadata: {name: p}, spec: {}}"),
      "SigningPolicy \"p\": not a sluice.dev/v1alpha1 SigningPolicy");
  EXPECT_EQ(
      message("{apiVersion: sluice.dev/v1alpha1, kind: SigningPolicy, metadata: {}, spec: {}}"),
      "SigningPolicy \"\": metadata.name: required");
  EXPECT_EQ(message("{apiVersion: sluice.dev/v1alpha1, kind: SigningPolicy, metadata: {name: p}}"),
            "SigningPolicy \"p\": spec: required");
}

TEST(SigningPolicy, KeylessIdentityMatching) {
  const KeylessIdentity exact{"https://issuer", "alice@example.com", ""};
  EXPECT_TRUE(exact.matches("https://issuer", "alice@example.com"));
  EXPECT_FALSE(exact.matches("https://issuer", "alice@example.com.evil"));
  EXPECT_FALSE(exact.matches("https://other", "alice@example.com"));
  const KeylessIdentity regexp{"https://issuer", "", "^https://github\\.com/org/"};
  EXPECT_TRUE(regexp.matches("https://issuer", "https://github.com/org/repo/x"));
  EXPECT_FALSE(regexp.matches("https://issuer", "https://github.com/other/org/"));
  // Unanchored, as cosign's --certificate-identity-regexp.
  const KeylessIdentity unanchored{"https://issuer", "", "org"};
  EXPECT_TRUE(unanchored.matches("https://issuer", "https://github.com/org/repo"));
  EXPECT_EQ(regexp.to_string(), "issuer=https://issuer subjectRegExp=^https://github\\.com/org/");
  EXPECT_EQ(exact.to_string(), "issuer=https://issuer subject=alice@example.com");
}

TEST(SigningPolicy, MatchNamespacesAndSelector) {
  const SigningPolicy policy = testing::policy(
      "p", "match: {namespaces: [shop], applicationSelector: {matchLabels: {tier: prod}}}");
  EXPECT_TRUE(policy.match.matches(object("{metadata: {namespace: shop, labels: {tier: prod}}}")));
  EXPECT_FALSE(policy.match.matches(object("{metadata: {namespace: shop, labels: {tier: dev}}}")));
  EXPECT_FALSE(policy.match.matches(object("{metadata: {namespace: blog, labels: {tier: prod}}}")));
  const SigningPolicy everywhere = testing::policy("p", "{}");
  EXPECT_TRUE(everywhere.match.matches(object("{metadata: {namespace: anything}}")));
  const SigningPolicy nowhere = testing::policy("p", "match: {namespaces: []}");
  EXPECT_FALSE(nowhere.match.matches(object("{metadata: {namespace: shop}}")));
}

TEST(LoadSigningPolicy, ParsedPolicy) {
  const LoadedPolicy loaded = load_signing_policy(policy_object("ok", "mode: Audit"));
  EXPECT_EQ(loaded.name, "ok");
  EXPECT_EQ(loaded.mode, Mode::kAudit);
  EXPECT_TRUE(loaded.policy);
  EXPECT_FALSE(loaded.error);
}

TEST(LoadSigningPolicy, MalformedPolicyFailsClosed) {
  const LoadedPolicy enforce = load_signing_policy(
      policy_object("bad", "match: {namespaces: [shop]}\nrules: {denyAll: true}"));
  EXPECT_FALSE(enforce.policy);
  ASSERT_TRUE(enforce.error);
  EXPECT_EQ(enforce.error->message(),
            "SigningPolicy \"bad\": spec.rules: unknown field \"denyAll\" "
            "(known: allowedRegistries, deniedKinds, requiredLabels, "
            "denyPrivileged, denyHostPath, denyHostNetwork, allowedNamespaces)");
  EXPECT_EQ(enforce.mode, Mode::kEnforce);
  ASSERT_TRUE(enforce.match);  // a readable match still limits what it governs
  EXPECT_EQ(enforce.match->namespaces, std::vector<std::string>{"shop"});

  const LoadedPolicy audit = load_signing_policy(policy_object("bad", "mode: Audit\nrules: 3"));
  EXPECT_EQ(audit.mode, Mode::kAudit);
  EXPECT_TRUE(audit.match);

  const LoadedPolicy bad_mode = load_signing_policy(policy_object("bad", "mode: audit"));
  EXPECT_EQ(bad_mode.mode, Mode::kEnforce);  // unreadable mode: the strict one

  const LoadedPolicy bad_match =
      load_signing_policy(policy_object("bad", "match: {namespaces: 3}"));
  EXPECT_FALSE(bad_match.match);  // unreadable match: governs everything

  const LoadedPolicy no_spec =
      load_signing_policy(object("{apiVersion: sluice.dev/v1alpha1, kind: SigningPolicy}"));
  EXPECT_FALSE(no_spec.policy);
  EXPECT_EQ(no_spec.mode, Mode::kEnforce);
  EXPECT_FALSE(no_spec.match);
}

}  // namespace
}  // namespace sluice::policy
