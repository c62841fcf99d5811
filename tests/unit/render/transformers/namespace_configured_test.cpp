#include "render/transformers/namespace_configured.h"

#include <gtest/gtest.h>

#include "transformers/golden_test_support.h"

namespace sluice::render::transformers {
namespace {

TEST(NamespaceConfiguredTest, OnlyTheMetadataNamespaceWithoutOtherSpecs) {
  std::vector<Object> objects = testing::objects_of(
      "apiVersion: v1\nkind: Namespace\nmetadata: {name: old}\n---\n"
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n");
  set_namespace_configured(objects, {"prod", {{"", "", "", "metadata/namespace", true}}});
  // Without a metadata/name spec the Namespace keeps its name (and, cluster-scoped, no
  // namespace field).
  EXPECT_EQ(testing::print(objects),
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: old\n---\n"
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: prod\n");
}

TEST(NamespaceConfiguredTest, MetadataNameSpecsApplyOnlyToApiVersionV1) {
  std::vector<Object> objects = testing::objects_of(
      "apiVersion: v1\nkind: Namespace\nmetadata: {name: old}\n---\n"
      "apiVersion: example.com/v1\nkind: Namespace\nmetadata: {name: custom}\n");
  set_namespace_configured(objects, {"prod", {{"", "", "Namespace", "metadata/name", true}}});
  EXPECT_EQ(objects[0].name(), "prod");
  EXPECT_EQ(objects[1].name(), "custom");
  EXPECT_EQ(objects[1].namespace_name(), "prod");
}

TEST(NamespaceConfiguredTest, RoleBindingSubjectModes) {
  const std::string binding =
      "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: b}\n"
      "subjects:\n- {kind: ServiceAccount, name: robot}\n- {kind: User, name: default}\n";
  std::vector<Object> all = testing::objects_of(binding);
  set_namespace_configured(all, {"prod", {}, false, RoleBindingSubjects::kAllServiceAccounts});
  EXPECT_EQ(all[0].json()["subjects"][0]["namespace"], "prod");
  EXPECT_FALSE(all[0].json()["subjects"][1].contains("namespace"));

  std::vector<Object> defaults = testing::objects_of(binding);
  set_namespace_configured(defaults, {"prod", {}});
  EXPECT_FALSE(defaults[0].json()["subjects"][0].contains("namespace"));
  EXPECT_EQ(defaults[0].json()["subjects"][1]["namespace"], "prod");

  std::vector<Object> none = testing::objects_of(binding);
  set_namespace_configured(none, {"prod", {}, false, RoleBindingSubjects::kNone});
  EXPECT_FALSE(none[0].json()["subjects"][1].contains("namespace"));
}

TEST(NamespaceConfiguredTest, UnsetOnlyKeepsExistingNamespaces) {
  std::vector<Object> objects = testing::objects_of(
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: kept}\n---\n"
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n");
  set_namespace_configured(objects, {"prod", {}, true});
  EXPECT_EQ(objects[0].namespace_name(), "kept");
  EXPECT_EQ(objects[1].namespace_name(), "prod");
}

TEST(NamespaceConfiguredTest, SpecsMustReachScalars) {
  std::vector<Object> objects =
      testing::objects_of("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {x: y}\n");
  EXPECT_THROW(set_namespace_configured(objects, {"prod", {{"", "", "", "data", false}}}), Error);
}

}  // namespace
}  // namespace sluice::render::transformers
