#include "apply/inventory.h"

#include <gtest/gtest.h>

#include "apply/staging.h"

namespace sluice::apply {
namespace {

Object object(const std::string& api_version, const std::string& kind, const std::string& ns,
              const std::string& name) {
  Json json{{"apiVersion", api_version}, {"kind", kind}, {"metadata", {{"name", name}}}};
  if (!ns.empty()) json["metadata"]["namespace"] = ns;
  return Object(json);
}

TEST(Inventory, RoundTripsInFluxsSpelling) {
  const Inventory inventory = Inventory::of(
      {object("apps/v1", "Deployment", "shop", "web"), object("v1", "Namespace", "", "shop")});
  const Json json = inventory.to_json();
  EXPECT_EQ(json["entries"][0]["id"], "_shop__Namespace");
  EXPECT_EQ(json["entries"][1]["id"], "shop_web_apps_Deployment");
  EXPECT_EQ(json["entries"][1]["v"], "v1");
  EXPECT_EQ(Inventory::from_status(&json), inventory);
}

TEST(Inventory, SkipsEntriesThatDoNotParse) {
  const Json json = Json::parse(
      R"({"entries": [{"id": "shop_web_apps_Deployment", "v": "v1"}, {"id": "junk", "v": "v1"},
                      {"v": "v1"}, 7]})");
  EXPECT_EQ(Inventory::from_status(&json).entries().size(), 1U);
  EXPECT_TRUE(Inventory::from_status(nullptr).empty());
}

TEST(Inventory, StaleEntriesComeInDeletionOrder) {
  const Inventory old = Inventory::of({
      object("apiextensions.k8s.io/v1", "CustomResourceDefinition", "", "widgets.example.com"),
      object("v1", "Namespace", "", "shop"),
      object("rbac.authorization.k8s.io/v1", "ClusterRole", "", "reader"),
      object("apps/v1", "Deployment", "shop", "web"),
      object("v1", "ConfigMap", "shop", "kept"),
  });
  const Inventory next = Inventory::of({object("v1", "ConfigMap", "shop", "kept")});
  std::vector<std::string> kinds;
  for (const InventoryEntry& entry : old.stale_in(next)) kinds.push_back(entry.id.group_kind.kind);
  EXPECT_EQ(kinds, (std::vector<std::string>{"Deployment", "ClusterRole", "Namespace",
                                             "CustomResourceDefinition"}));
}

TEST(Inventory, MergedWithKeepsBoth) {
  const Inventory a = Inventory::of({object("v1", "ConfigMap", "shop", "a")});
  const Inventory b = Inventory::of({object("v1", "ConfigMap", "shop", "b")});
  const Inventory both = a.merged_with(b);
  EXPECT_EQ(both.entries().size(), 2U);
  EXPECT_TRUE(both.contains(object("v1", "ConfigMap", "shop", "b").id()));
  EXPECT_TRUE(a.stale_in(both).empty());
}

TEST(Staging, DefinitionsFirstThenClusterRbacThenTheRest) {
  const auto stages = split_stages(
      {object("apps/v1", "Deployment", "shop", "web"),
       object("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "", "b"),
       object("v1", "Namespace", "", "shop"),
       object("apiextensions.k8s.io/v1", "CustomResourceDefinition", "", "w.example.com"),
       object("rbac.authorization.k8s.io/v1", "RoleBinding", "shop", "r")});
  ASSERT_EQ(stages.size(), 3U);
  EXPECT_EQ(stages[0].size(), 2U);
  EXPECT_EQ(stages[1].size(), 1U);
  EXPECT_EQ(stages[1][0].kind(), "ClusterRoleBinding");
  EXPECT_EQ(stages[2].size(), 2U);  // namespaced RBAC goes with the rest
}

}  // namespace
}  // namespace sluice::apply
