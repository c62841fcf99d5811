#include "policy/manifest_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "policy_test_support.h"

namespace sluice::policy {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::objects;

struct Findings {
  Verdict verdict;
  std::vector<std::string> pairs;  // "Rule Object"
};

Findings check(const std::string& spec, const std::string& manifests_yaml,
               std::string default_namespace = "shop",
               std::function<bool(const GroupKind&)> is_cluster_scoped = {}) {
  const SigningPolicy policy = testing::policy("rules", spec);
  const std::vector<Object> manifests = objects(manifests_yaml);
  const std::vector<ImageUse> images = collect_images(manifests);
  const ManifestContext context{&manifests, &images, std::move(default_namespace),
                                std::move(is_cluster_scoped)};
  Findings findings;
  check_rules(policy, context, findings.verdict);
  for (const Violation& violation : findings.verdict.violations) {
    EXPECT_EQ(violation.policy, "rules");
    findings.pairs.push_back(violation.rule + " " + violation.object);
  }
  return findings;
}

const std::string kWorkloads = testing::testdata("workloads.yaml");

TEST(ManifestRules, NoRulesNoFindings) {
  EXPECT_THAT(check("{}", kWorkloads).pairs, IsEmpty());
  EXPECT_THAT(check("rules: {}", kWorkloads).pairs, IsEmpty());
}

TEST(ManifestRules, AllowedRegistries) {
  const Findings findings = check(
      "rules: {allowedRegistries: ['registry.example.com/**', 'docker.io/library/*', "
      "'ghcr.io/org/*']}",
      kWorkloads);
  EXPECT_THAT(findings.pairs, ElementsAre("RegistryNotAllowed image quay.io/org/agent:2"));
  EXPECT_EQ(findings.verdict.violations[0].message,
            "quay.io/org/agent matches none of spec.rules.allowedRegistries (used by "
            "DaemonSet/shop/agent spec.template.spec.containers[0].image)");
  EXPECT_FALSE(findings.verdict.allowed);
}

TEST(ManifestRules, EmptyAllowedRegistriesAllowsNoImage) {
  EXPECT_EQ(check("rules: {allowedRegistries: []}", kWorkloads).pairs.size(), 11U);
}

TEST(ManifestRules, InvalidImagesFailClosedWhenImagesMatter) {
  const std::string pod =
      "{kind: Pod, metadata: {name: p}, spec: {containers: [{image: 'UPPER'}]}}";
  EXPECT_THAT(check("rules: {allowedRegistries: ['**']}", pod).pairs,
              ElementsAre("ImageInvalid image UPPER"));
  EXPECT_THAT(check("images: [{glob: 'reg.io/**', keys: [{secretRef: {name: k}}]}]", pod).pairs,
              ElementsAre("ImageInvalid image UPPER"));
  EXPECT_THAT(check("rules: {denyPrivileged: true}", pod).pairs, IsEmpty());
}

TEST(ManifestRules, DeniedKinds) {
  const std::string manifests = R"(
{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRoleBinding, metadata: {name: admin}}
---
{apiVersion: v1, kind: Secret, metadata: {name: s, namespace: shop}}
---
{apiVersion: example.com/v1, kind: Secret, metadata: {name: other, namespace: shop}}
)";
  EXPECT_THAT(check("rules: {deniedKinds: [ClusterRoleBinding, Secret]}", manifests).pairs,
              ElementsAre("KindDenied ClusterRoleBinding/admin", "KindDenied Secret/shop/s",
                          "KindDenied Secret/shop/other"));
  // "Kind.group" names one group only.
  EXPECT_THAT(check("rules: {deniedKinds: [Secret.example.com]}", manifests).pairs,
              ElementsAre("KindDenied Secret/shop/other"));
  EXPECT_THAT(
      check("rules: {deniedKinds: [ClusterRoleBinding.rbac.authorization.k8s.io]}", manifests)
          .verdict.violations[0]
          .message,
      "kind ClusterRoleBinding.rbac.authorization.k8s.io is denied by spec.rules.deniedKinds");
}

TEST(ManifestRules, RequiredLabels) {
  const Findings findings = check("rules: {requiredLabels: [team, app]}", R"(
{kind: ConfigMap, metadata: {name: full, labels: {team: a, app: b}}}
---
{kind: ConfigMap, metadata: {name: partial, labels: {team: ''}}}
---
{kind: ConfigMap, metadata: {name: none}}
---
{kind: ConfigMap, metadata: {name: broken, labels: [team]}}
)");
  EXPECT_THAT(findings.pairs,
              ElementsAre("LabelMissing ConfigMap/partial", "LabelMissing ConfigMap/none",
                          "LabelMissing ConfigMap/none", "LabelMissing ConfigMap/broken",
                          "LabelMissing ConfigMap/broken"));
  EXPECT_EQ(findings.verdict.violations[0].message,
            "label \"app\" required by spec.rules.requiredLabels is missing");
}

TEST(ManifestRules, PrivilegedContainersInEveryContainerList) {
  const Findings findings = check("rules: {denyPrivileged: true}", R"(
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      containers:
      - {name: ok, image: a, securityContext: {privileged: false}}
      - {name: root, image: a, securityContext: {privileged: true}}
      initContainers:
      - {name: init, image: a, securityContext: {privileged: true}}
      ephemeralContainers:
      - {name: debug, image: a, securityContext: {privileged: true}}
      - {name: odd, image: a, securityContext: {privileged: "true"}}
)");
  EXPECT_THAT(findings.pairs, ElementsAre("PrivilegedContainer Deployment/shop/web",
                                          "PrivilegedContainer Deployment/shop/web",
                                          "PrivilegedContainer Deployment/shop/web"));
  EXPECT_EQ(findings.verdict.violations[0].message,
            "spec.template.spec.containers[1] (\"root\") is privileged");
  EXPECT_EQ(findings.verdict.violations[1].message,
            "spec.template.spec.initContainers[0] (\"init\") is privileged");
  EXPECT_EQ(findings.verdict.violations[2].message,
            "spec.template.spec.ephemeralContainers[0] (\"debug\") is privileged");
  EXPECT_THAT(check("rules: {denyPrivileged: false}",
                    "{kind: Pod, metadata: {name: p}, spec: {containers: [{image: a, "
                    "securityContext: {privileged: true}}]}}")
                  .pairs,
              IsEmpty());
}

TEST(ManifestRules, HostPathVolumes) {
  const Findings findings = check("rules: {denyHostPath: true}", R"(
kind: CronJob
metadata: {name: backup, namespace: shop}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{image: a}]
          volumes:
          - {name: data, emptyDir: {}}
          - {name: docker, hostPath: {path: /var/run/docker.sock}}
)");
  EXPECT_THAT(findings.pairs, ElementsAre("HostPathVolume CronJob/shop/backup"));
  EXPECT_EQ(findings.verdict.violations[0].message,
            "spec.jobTemplate.spec.template.spec.volumes[1] (\"docker\") is a hostPath volume");
}

TEST(ManifestRules, HostNetwork) {
  const std::string manifests = R"(
{kind: Pod, metadata: {name: host}, spec: {hostNetwork: true, containers: [{image: a}]}}
---
{kind: Pod, metadata: {name: normal}, spec: {hostNetwork: false, containers: [{image: a}]}}
---
{kind: DaemonSet, metadata: {name: ds}, spec: {template: {spec: {hostNetwork: true}}}}
)";
  const Findings findings = check("rules: {denyHostNetwork: true}", manifests);
  EXPECT_THAT(findings.pairs, ElementsAre("HostNetwork Pod/host", "HostNetwork DaemonSet/ds"));
  EXPECT_EQ(findings.verdict.violations[1].message, "spec.template.spec.hostNetwork is true");
}

TEST(ManifestRules, AllowedNamespaces) {
  const std::string manifests = R"(
{apiVersion: v1, kind: ConfigMap, metadata: {name: in-shop, namespace: shop}}
---
{apiVersion: v1, kind: ConfigMap, metadata: {name: elsewhere, namespace: kube-system}}
---
{apiVersion: v1, kind: ConfigMap, metadata: {name: defaulted}}
---
{apiVersion: rbac.authorization.k8s.io/v1, kind: ClusterRole, metadata: {name: reader}}
---
{apiVersion: v1, kind: Namespace, metadata: {name: shop}}
---
{apiVersion: v1, kind: Namespace, metadata: {name: payments}}
---
{apiVersion: example.com/v1, kind: Widget, metadata: {name: cluster-widget}}
)";
  const Findings in_shop = check("rules: {allowedNamespaces: [shop]}", manifests, "shop");
  EXPECT_THAT(in_shop.pairs, ElementsAre("NamespaceNotAllowed ConfigMap/kube-system/elsewhere",
                                         "NamespaceNotAllowed Namespace/payments"));
  EXPECT_EQ(in_shop.verdict.violations[0].message,
            "it would land in namespace \"kube-system\", which is not in "
            "spec.rules.allowedNamespaces");
  EXPECT_EQ(in_shop.verdict.violations[1].message,
            "namespace \"payments\" is not in spec.rules.allowedNamespaces");

  // Objects without a namespace land in the target namespace ("default" when none is given),
  // and without discovery an unknown kind counts as namespaced.
  const Findings in_blog = check("rules: {allowedNamespaces: [shop]}", manifests, "");
  EXPECT_THAT(in_blog.pairs, ElementsAre("NamespaceNotAllowed ConfigMap/kube-system/elsewhere",
                                         "NamespaceNotAllowed ConfigMap/defaulted",
                                         "NamespaceNotAllowed Namespace/payments",
                                         "NamespaceNotAllowed Widget/cluster-widget"));
  EXPECT_THAT(in_blog.verdict.violations[1].message, HasSubstr("namespace \"default\""));

  // Discovery can say a custom kind is cluster-scoped.
  const auto widgets_are_cluster_scoped = [](const GroupKind& gk) {
    return gk.kind == "Widget" || is_builtin_cluster_scoped(gk);
  };
  EXPECT_THAT(
      check("rules: {allowedNamespaces: [shop]}", manifests, "shop", widgets_are_cluster_scoped)
          .pairs,
      ElementsAre("NamespaceNotAllowed ConfigMap/kube-system/elsewhere",
                  "NamespaceNotAllowed Namespace/payments"));
}

TEST(ManifestRules, BuiltinClusterScopedKinds) {
  EXPECT_TRUE(is_builtin_cluster_scoped({"", "Namespace"}));
  EXPECT_TRUE(is_builtin_cluster_scoped({"rbac.authorization.k8s.io", "ClusterRole"}));
  EXPECT_TRUE(is_builtin_cluster_scoped({"apiextensions.k8s.io", "CustomResourceDefinition"}));
  EXPECT_FALSE(is_builtin_cluster_scoped({"", "ConfigMap"}));
  EXPECT_FALSE(is_builtin_cluster_scoped({"example.com", "ClusterRole"}));
}

TEST(ManifestRules, AuditModeReportsWithoutBlocking) {
  const Findings findings = check("mode: Audit\nrules: {denyHostNetwork: true}",
                                  "{kind: Pod, metadata: {name: p}, spec: {hostNetwork: true}}");
  ASSERT_EQ(findings.verdict.violations.size(), 1U);
  EXPECT_EQ(findings.verdict.violations[0].mode, Mode::kAudit);
  EXPECT_TRUE(findings.verdict.allowed);
}

TEST(ManifestRules, EveryRuleAtOnce) {
  const Findings findings = check(R"(
rules:
  allowedRegistries: ['registry.example.com/**']
  deniedKinds: [Secret]
  requiredLabels: [team]
  denyPrivileged: true
  denyHostPath: true
  denyHostNetwork: true
  allowedNamespaces: [shop]
)",
                                  R"(
{apiVersion: v1, kind: Secret, metadata: {name: s, namespace: shop, labels: {team: a}}}
---
apiVersion: v1
kind: Pod
metadata: {name: bad, namespace: other, labels: {team: a}}
spec:
  hostNetwork: true
  volumes: [{name: h, hostPath: {path: /}}]
  containers: [{name: c, image: nginx, securityContext: {privileged: true}}]
)");
  EXPECT_THAT(findings.pairs,
              ElementsAre("RegistryNotAllowed image docker.io/library/nginx:latest",
                          "KindDenied Secret/shop/s", "NamespaceNotAllowed Pod/other/bad",
                          "HostNetwork Pod/other/bad", "HostPathVolume Pod/other/bad",
                          "PrivilegedContainer Pod/other/bad"));
}

}  // namespace
}  // namespace sluice::policy
