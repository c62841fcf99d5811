#include "core/object.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace sluice {
namespace {

Object deployment() {
  return Object(Json::parse(R"({
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "shop",
                 "labels": {"app": "web"}, "annotations": {"sluice.dev/prune": "disabled"}},
    "spec": {"replicas": 2, "template": {"spec": {"containers": [{"name": "c", "image": "x"}]}}}
  })"));
}

TEST(ObjectTest, ReadsStandardFields) {
  const Object object = deployment();
  EXPECT_EQ(object.api_version(), "apps/v1");
  EXPECT_EQ(object.kind(), "Deployment");
  EXPECT_EQ(object.name(), "web");
  EXPECT_EQ(object.namespace_name(), "shop");
  EXPECT_EQ(object.gvk(), (GroupVersionKind{"apps", "v1", "Deployment"}));
  EXPECT_EQ(object.labels().at("app"), "web");
  EXPECT_EQ(object.annotation("sluice.dev/prune"), "disabled");
  EXPECT_EQ(object.annotation("missing"), std::nullopt);
}

TEST(ObjectTest, MissingFieldsAreEmptyButWrongTypesAreErrors) {
  const Object empty;
  EXPECT_EQ(empty.name(), "");
  EXPECT_TRUE(empty.labels().empty());
  const Object bad(Json::parse(R"({"metadata": {"name": 5, "labels": {"a": 1}}})"));
  EXPECT_THROW((void)bad.name(), Error);
  EXPECT_THROW((void)bad.labels(), Error);
  EXPECT_THROW(Object(Json::array()), Error);
}

TEST(ObjectTest, Setters) {
  Object object;
  object.set_api_version("v1");
  object.set_kind("ConfigMap");
  object.set_name("cfg");
  object.set_namespace("ns");
  object.set_label("a", "b");
  object.set_annotation("c", "d");
  EXPECT_EQ(object.id().to_string(), "ns_cfg__ConfigMap");
  object.set_namespace("");
  EXPECT_EQ(object.namespace_name(), "");
  object.remove_annotation("c");
  EXPECT_EQ(object.annotation("c"), std::nullopt);
}

TEST(ObjectTest, FindWalksPointersWithoutThrowing) {
  const Object object = deployment();
  const Json* image = object.find(Json::json_pointer("/spec/template/spec/containers/0/image"));
  ASSERT_NE(image, nullptr);
  EXPECT_EQ(*image, "x");
  EXPECT_EQ(object.find(Json::json_pointer("/spec/template/spec/containers/x")), nullptr);
  EXPECT_EQ(object.find(Json::json_pointer("/spec/template/spec/containers/7")), nullptr);
  EXPECT_EQ(object.find(Json::json_pointer("/spec/replicas/deeper")), nullptr);
  const Object slashed(Json::parse(R"({"metadata": {"annotations": {"a/b": "1", "c~d": "2"}}})"));
  EXPECT_EQ(*slashed.find(Json::json_pointer("/metadata/annotations/a~1b")), "1");
  EXPECT_EQ(*slashed.find(Json::json_pointer("/metadata/annotations/c~0d")), "2");
  EXPECT_EQ(object.find(Json::json_pointer("")), &object.json());
}

TEST(GroupVersionKindTest, CoreAndNamedGroups) {
  const auto core = GroupVersionKind::from_api_version("v1", "Secret");
  EXPECT_EQ(core.group, "");
  EXPECT_EQ(core.api_version(), "v1");
  EXPECT_EQ(core.group_kind().to_string(), "Secret");
  const auto named = GroupVersionKind::from_api_version("sluice.dev/v1alpha1", "GitSource");
  EXPECT_EQ(named.group, "sluice.dev");
  EXPECT_EQ(named.version, "v1alpha1");
  EXPECT_EQ(named.to_string(), "sluice.dev/v1alpha1, Kind=GitSource");
  EXPECT_EQ(named.group_kind().to_string(), "GitSource.sluice.dev");
}

TEST(ObjectIdTest, RoundTripsFluxInventorySpelling) {
  const ObjectId id{{"apps", "Deployment"}, "shop", "web"};
  EXPECT_EQ(id.to_string(), "shop_web_apps_Deployment");
  EXPECT_EQ(ObjectId::parse("shop_web_apps_Deployment"), id);
  const ObjectId cluster{{"rbac.authorization.k8s.io", "ClusterRole"}, "", "admin"};
  EXPECT_EQ(ObjectId::parse(cluster.to_string()), cluster);
  EXPECT_EQ(ObjectId::parse("ns_cfg__ConfigMap").group_kind.group, "");
  EXPECT_THROW(ObjectId::parse("a_b_c"), Error);
  EXPECT_THROW(ObjectId::parse("a_b_c_d_e"), Error);
  EXPECT_THROW(ObjectId::parse("ns__apps_Deployment"), Error);
}

TEST(ObjectRefTest, ToString) {
  EXPECT_EQ((ObjectRef{"", "GitSource", "platform", ""}).to_string(), "GitSource/platform");
  EXPECT_EQ((ObjectRef{"", "GitSource", "platform", "shop"}).to_string(),
            "GitSource/shop/platform");
}

}  // namespace
}  // namespace sluice
