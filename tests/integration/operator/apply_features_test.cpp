// What an Application's spec asks of the apply: postBuild substitution and targetNamespace,
// staged apply of CRDs and Namespaces with what needs them, force for immutable fields, and
// applying as a ServiceAccount (serviceAccountName).
#include <gtest/gtest.h>

#include "manifests.h"
#include "operator_fixture.h"

namespace sluice::testing {
namespace {

using std::chrono::seconds;

class ApplyFeaturesTest : public OperatorTest {
 protected:
  void TearDown() override {
    OperatorTest::TearDown();
    for (const std::string& command : cleanup_) {
      env().kubectl({"delete", command, "--ignore-not-found", "--wait=false"});
    }
  }
  std::vector<std::string> cleanup_;  // "kind/name" of cluster-scoped leftovers
};

TEST_F(ApplyFeaturesTest, SubstitutesVariablesAndMovesObjectsToTheTargetNamespace) {
  const std::string target = ns() + "-t";
  cleanup_.push_back("namespace/" + target);
  ASSERT_EQ(env().kubectl({"create", "namespace", target}).exit_code, 0);
  repo().commit({{"app/settings.yaml",
                  "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n"
                  "  greeting: \"${GREETING}\"\n  cluster: \"${CLUSTER}\"\n"
                  "  token: \"${TOKEN}\"\n  unset: \"[${NOT_SET}]\"\n"}},
                "settings");
  apply("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: vars, namespace: " + ns() +
        "}\ndata: {GREETING: from-configmap, CLUSTER: from-configmap}\n---\n"
        "apiVersion: v1\nkind: Secret\nmetadata: {name: secret-vars, namespace: " +
        ns() + "}\nstringData: {TOKEN: s3cret}\n---\n" + git_source_yaml("repo") + "---\n" +
        application_yaml("shop", "./app",
                         "targetNamespace: " + target +
                             "\npostBuild:\n  substitute: {CLUSTER: prod}\n  substituteFrom:\n"
                             "  - {kind: ConfigMap, name: vars}\n"
                             "  - {kind: Secret, name: secret-vars}\n"
                             "  - {kind: ConfigMap, name: absent, optional: true}\n"));
  wait_ready("shop");
  const Json settings = get("configmap", "settings", target);
  ASSERT_FALSE(settings.is_null()) << "not in the target namespace";
  EXPECT_EQ(settings["data"]["greeting"], "from-configmap");
  EXPECT_EQ(settings["data"]["cluster"], "prod");  // substitute wins over substituteFrom
  EXPECT_EQ(settings["data"]["token"], "s3cret");
  EXPECT_EQ(settings["data"]["unset"], "[]");
  EXPECT_TRUE(get("configmap", "settings").is_null());

  // A required substituteFrom object that is missing is a failure with its own reason.
  ASSERT_EQ(env().kubectl({"-n", ns(), "delete", "configmap", "vars"}).exit_code, 0);
  ASSERT_EQ(env()
                .kubectl({"-n", ns(), "annotate", "--overwrite", "applications.sluice.dev", "shop",
                          "sluice.dev/reconcile-requested-at=1"})
                .exit_code,
            0);
  const Json app = wait_ready("shop", "False", seconds(60), "SubstitutionFailed");
  EXPECT_NE(string_member(condition(app, "Ready"), {"message"}).find("vars"), std::string::npos);
}

TEST_F(ApplyFeaturesTest, CrdsAndNamespacesGoFirstSoOneRevisionCanUseThem) {
  const std::string suffix = ns().substr(ns().size() - 6);
  const std::string group = "t" + suffix + ".example.com";
  const std::string extra = ns() + "-x";
  cleanup_.push_back("customresourcedefinition/widgets." + group);
  cleanup_.push_back("namespace/" + extra);
  repo().commit(
      {{"app/crd.yaml",
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n"
        "metadata: {name: widgets." +
            group + "}\nspec:\n  group: " + group +
            "\n  names: {kind: Widget, plural: widgets, singular: widget}\n"
            "  scope: Namespaced\n  versions:\n  - name: v1\n    served: true\n"
            "    storage: true\n    schema:\n      openAPIV3Schema:\n"
            "        type: object\n        x-kubernetes-preserve-unknown-fields: "
            "true\n"},
       {"app/widget.yaml",
        "apiVersion: " + group + "/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 3}\n"},
       {"app/namespace.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: " + extra + "}\n"},
       {"app/elsewhere.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: elsewhere, "
        "namespace: " +
            extra + "}\n"}},
      "crd and its use");
  apply(git_source_yaml("repo") + "---\n" + application_yaml("shop", "./app", "wait: true"));
  const Json app = wait_ready("shop", "True", seconds(90));
  EXPECT_EQ(app["status"]["inventory"]["entries"].size(), 4U);
  const Json widget = get("widgets." + group, "w");
  ASSERT_FALSE(widget.is_null());
  EXPECT_EQ(widget["spec"]["size"], 3);
  EXPECT_FALSE(get("configmap", "elsewhere", extra).is_null());
}

TEST_F(ApplyFeaturesTest, ForceRecreatesAnObjectWhoseImmutableFieldsChanged) {
  const auto job = [](const std::string& image) {
    return "apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate}\nspec:\n  template:\n"
           "    spec:\n      restartPolicy: Never\n      containers:\n      - name: main\n"
           "        image: " +
           image + "\n";
  };
  repo().commit({{"app/job.yaml", job("registry.example/migrate:1")}}, "v1");
  apply(git_source_yaml("repo") + "---\n" + application_yaml("shop", "./app"));
  wait_ready("shop");
  const std::string uid = string_member(get("job", "migrate"), {"metadata", "uid"});

  repo().commit({{"app/job.yaml", job("registry.example/migrate:2")}}, "v2");
  Json app = wait_ready("shop", "False", seconds(60), "ApplyFailed");
  EXPECT_NE(string_member(condition(app, "Ready"), {"message"}).find("immutable"),
            std::string::npos)
      << app["status"].dump(2);

  ASSERT_EQ(env()
                .kubectl({"-n", ns(), "patch", "applications.sluice.dev", "shop", "--type=merge",
                          "-p", R"({"spec":{"force":true}})"})
                .exit_code,
            0);
  wait_ready("shop");
  const Json recreated = get("job", "migrate");
  EXPECT_NE(string_member(recreated, {"metadata", "uid"}), uid);
  EXPECT_EQ(recreated["spec"]["template"]["spec"]["containers"][0]["image"],
            "registry.example/migrate:2");
}

TEST_F(ApplyFeaturesTest, AppliesAsTheServiceAccountItNames) {
  // The tenant's account may manage ConfigMaps in its namespace, nothing else.
  apply("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: deployer, namespace: " + ns() +
        "}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: "
        "configmaps, namespace: " +
        ns() +
        "}\nrules:\n- apiGroups: ['']\n  resources: [configmaps]\n  verbs: [get, list, watch, "
        "create, patch, update, delete]\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: "
        "RoleBinding\nmetadata: {name: deployer, namespace: " +
        ns() +
        "}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: configmaps}\n"
        "subjects: [{kind: ServiceAccount, name: deployer, namespace: " +
        ns() + "}]\n");
  repo().commit({{"app/a.yaml", config_map_yaml("a", "1")},
                 {"app/s.yaml",
                  "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\n"
                  "stringData: {k: v}\n"}},
                "configmap and secret");
  apply(git_source_yaml("repo") + "---\n" +
        application_yaml("shop", "./app", "serviceAccountName: deployer"));
  const Json app = wait_ready("shop", "False", seconds(60), "ApplyFailed");
  const std::string message = string_member(condition(app, "Ready"), {"message"});
  EXPECT_NE(message.find("Secret/" + ns() + "/s"), std::string::npos) << message;
  EXPECT_NE(message.find("Forbidden"), std::string::npos) << message;
  EXPECT_NE(message.find("system:serviceaccount:" + ns() + ":deployer"), std::string::npos)
      << message;
  EXPECT_FALSE(get("configmap", "a").is_null());
  EXPECT_TRUE(get("secret", "s").is_null());
}

}  // namespace
}  // namespace sluice::testing
