// Tenancy: an Application applies as the ServiceAccount it names (or the operator's
// --default-service-account), so the tenant's RBAC confines it to its namespace: another
// namespace through targetNamespace, cluster-scoped objects and a SigningPolicy of its own are
// all refused by the API server, and nothing of them is created; postBuild.substituteFrom
// reads as that account too. --no-cross-namespace-refs refuses a sourceRef or dependsOn into
// another namespace before anything is read.
#include <gtest/gtest.h>

#include "manifests.h"
#include "operator_fixture.h"

namespace sluice::testing {
namespace {

using std::chrono::seconds;

class TenancyTest : public OperatorTest {
 protected:
  bool start_operator() const override { return false; }

  void SetUp() override {
    OperatorTest::SetUp();
    suffix_ = ns().substr(ns().size() - 6);
    other_ = "tenant-other-" + suffix_;
    ASSERT_EQ(env().kubectl({"create", "namespace", other_}).exit_code, 0);
    create_tenant_account();
  }

  void TearDown() override {
    if (tenant_operator_ && tenant_operator_->running()) {
      EXPECT_EQ(tenant_operator_->stop(), 0) << tenant_operator_->log();
    }
    env().kubectl({"delete", "namespace", other_, "--wait=false"});
    env().kubectl({"delete", "clusterrole", "escape-" + suffix_, "--ignore-not-found"});
    env().kubectl({"delete", "signingpolicy", "opt-out-" + suffix_, "--ignore-not-found"});
    OperatorTest::TearDown();
  }

  void start(std::vector<std::string> args) {
    tenant_operator_ = std::make_unique<OperatorProcess>(env(), operator_kubeconfig(), ns(),
                                                         storage_dir(), std::move(args));
    ASSERT_NO_THROW(tenant_operator_->start());
  }

  // Waits for ApplyFailed and checks the message names the refused object and the tenant.
  void expect_refused(const std::string& app, const std::string& object) {
    const Json status = wait_ready(app, "False", seconds(60), "ApplyFailed");
    const std::string message = string_member(condition(status, "Ready"), {"message"});
    EXPECT_NE(message.find(object), std::string::npos) << message;
    EXPECT_NE(message.find("Forbidden"), std::string::npos) << message;
    EXPECT_NE(message.find("system:serviceaccount:" + ns() + ":tenant"), std::string::npos)
        << message;
  }

  std::string cluster_role_yaml() const {
    return "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: escape-" +
           suffix_ + "}\nrules:\n- apiGroups: ['*']\n  resources: ['*']\n  verbs: ['*']\n";
  }

  std::string suffix_;
  std::string other_;
  std::unique_ptr<OperatorProcess> tenant_operator_;
};

TEST_F(TenancyTest, ATenantCannotLeaveItsNamespace) {
  repo().commit(
      {{"own/a.yaml", config_map_yaml("a", "1")},
       {"elsewhere/x.yaml", config_map_yaml("x", "1")},
       {"named/y.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: y, namespace: " +
                            other_ + "}\ndata: {k: v}\n"},
       {"cluster/role.yaml", cluster_role_yaml()},
       {"policy/p.yaml",
        "apiVersion: sluice.dev/v1alpha1\nkind: SigningPolicy\nmetadata: {name: "
        "opt-out-" +
            suffix_ + "}\nspec:\n  mode: Audit\n  match: {namespaces: [" + ns() + "]}\n"}},
      "a tenant's attempts");
  start({});
  apply(git_source_yaml("repo", "1h") + "---\n" +
        application_yaml("own", "./own", "serviceAccountName: tenant") + "---\n" +
        application_yaml("elsewhere", "./elsewhere",
                         "serviceAccountName: tenant\ntargetNamespace: " + other_) +
        "---\n" + application_yaml("named", "./named", "serviceAccountName: tenant") + "---\n" +
        application_yaml("cluster", "./cluster", "serviceAccountName: tenant") + "---\n" +
        application_yaml("policy", "./policy", "serviceAccountName: tenant"));

  wait_ready("own");
  EXPECT_FALSE(get("configmap", "a").is_null());
  expect_refused("elsewhere", "ConfigMap/" + other_ + "/x");
  EXPECT_TRUE(get("configmap", "x", other_).is_null());
  expect_refused("named", "ConfigMap/" + other_ + "/y");
  EXPECT_TRUE(get("configmap", "y", other_).is_null());
  expect_refused("cluster", "escape-" + suffix_);
  EXPECT_EQ(env().kubectl({"get", "clusterrole", "escape-" + suffix_}).exit_code, 1);
  expect_refused("policy", "opt-out-" + suffix_);
  EXPECT_EQ(env().kubectl({"get", "signingpolicy", "opt-out-" + suffix_}).exit_code, 1);
}

TEST_F(TenancyTest, TheDefaultServiceAccountAppliesWhatNamesNone) {
  repo().commit(
      {{"own/a.yaml", config_map_yaml("a", "1")}, {"cluster/role.yaml", cluster_role_yaml()}},
      "own and cluster");
  start({"--default-service-account", "tenant"});
  apply(git_source_yaml("repo", "1h") + "---\n" + application_yaml("own", "./own") + "---\n" +
        application_yaml("cluster", "./cluster"));
  wait_ready("own");
  expect_refused("cluster", "escape-" + suffix_);
  EXPECT_EQ(env().kubectl({"get", "clusterrole", "escape-" + suffix_}).exit_code, 1);
}

TEST_F(TenancyTest, CrossNamespaceReferencesAreRefusedWhenAskedTo) {
  repo().commit({{"own/a.yaml", config_map_yaml("a", "1")}}, "own");
  start({"--no-cross-namespace-refs"});
  apply(git_source_yaml("repo", "1h") + "---\n" + application_yaml("own", "./own") + "---\n" +
        "apiVersion: sluice.dev/v1alpha1\nkind: Application\nmetadata: {name: borrowed, "
        "namespace: " +
        ns() + "}\nspec:\n  sourceRef: {name: repo, namespace: " + other_ +
        "}\n  path: ./own\n  interval: 1h\n---\n" +
        application_yaml("after", "./own", "dependsOn: [{name: x, namespace: " + other_ + "}]"));
  wait_ready("own");
  for (const char* app : {"borrowed", "after"}) {
    const Json status = wait_ready(app, "False", seconds(60), "AccessDenied");
    EXPECT_EQ(string_member(condition(status, "Stalled"), {"status"}), "True") << status.dump(2);
    EXPECT_NE(string_member(condition(status, "Ready"), {"message"}).find(other_),
              std::string::npos);
  }
}

// postBuild.substituteFrom is read as the Application's ServiceAccount: a tenant that may not
// read a Secret cannot copy it into a ConfigMap it may read (docs/security.md, F8). What the
// tenant may read still substitutes.
TEST_F(TenancyTest, SubstitutionReadsOnlyWhatTheTenantMayRead) {
  repo().commit({{"own/a.yaml",
                  "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: copied}\n"
                  "data: {value: \"${VALUE}\"}\n"}},
                "a ConfigMap with a variable");
  constexpr const char* kHidden = "not-for-the-tenant-7f3c";
  apply("apiVersion: v1\nkind: Secret\nmetadata: {name: hidden, namespace: " + ns() +
        "}\nstringData: {VALUE: " + kHidden +
        "}\n---\napiVersion: v1\nkind: ConfigMap\n"
        "metadata: {name: visible, namespace: " +
        ns() + "}\ndata: {VALUE: shared}\n");
  start({});
  apply(git_source_yaml("repo", "1h") + "---\n" +
        application_yaml("steal", "./own",
                         "serviceAccountName: tenant\npostBuild:\n  substituteFrom:\n"
                         "  - {kind: Secret, name: hidden}\n"));
  const Json status = wait_ready("steal", "False", seconds(60), "SubstitutionFailed");
  const std::string message = string_member(condition(status, "Ready"), {"message"});
  EXPECT_NE(message.find("Forbidden"), std::string::npos) << message;
  EXPECT_NE(message.find("hidden"), std::string::npos) << message;
  EXPECT_NE(message.find("system:serviceaccount:" + ns() + ":tenant"), std::string::npos)
      << message;
  EXPECT_EQ(message.find(kHidden), std::string::npos) << message;
  EXPECT_TRUE(get("configmap", "copied").is_null()) << "the Secret's value was copied";

  ASSERT_EQ(
      env()
          .kubectl({"-n", ns(), "patch", "applications.sluice.dev", "steal", "--type=merge", "-p",
                    R"({"spec":{"postBuild":{"substituteFrom":[{"kind":"ConfigMap",)"
                    R"("name":"visible"}]}}})"})
          .exit_code,
      0);
  wait_ready("steal");
  EXPECT_EQ(get("configmap", "copied")["data"]["value"], "shared");
}

}  // namespace
}  // namespace sluice::testing
