#include "render/name_history.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "render/hidden_keys.h"
#include "render/resources.h"

namespace sluice::render {
namespace {

const std::vector<FieldSpec> kEveryName = {{"", "", "", "metadata/name", false}};

std::vector<Object> two_config_maps() {
  return parse_resources(
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: x}\n---\n"
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n");
}

TEST(NameHistoryTest, PrefixAndSuffixEachStoreTheNameTheyReplace) {
  std::vector<Object> objects = two_config_maps();
  rename_with_history(objects, "p-", "-s", kEveryName, kEveryName);
  EXPECT_EQ(objects[0].name(), "p-a-s");
  EXPECT_EQ(previous_names(objects[0]), (std::vector<std::string>{"a", "p-a"}));
  const std::vector<transformers::NameHistory> histories = name_histories(objects);
  EXPECT_EQ(histories[0].prefixes, (std::vector<std::string>{"p-"}));
  EXPECT_EQ(histories[0].suffixes, (std::vector<std::string>{"-s"}));
  EXPECT_EQ(histories[0].original_namespace, "x");
}

TEST(NameHistoryTest, HistoriesListEachPreviousNameOnce) {
  std::vector<Object> objects = two_config_maps();
  set_namespace_with_history(objects, "prod");
  rename_with_history(objects, "p-", "", kEveryName, {});
  store_previous_id(objects[0], "p-a", "prod", "ConfigMap");
  EXPECT_EQ(previous_names(objects[0]), (std::vector<std::string>{"a", "a", "p-a"}));
  const std::vector<transformers::NameHistory> histories = name_histories(objects);
  EXPECT_EQ(histories[0].previous_names, (std::vector<std::string>{"a", "p-a"}));
  EXPECT_EQ(histories[0].original_namespace, "x");
  EXPECT_EQ(histories[0].prefixes, (std::vector<std::string>{"p-"}));
  EXPECT_TRUE(histories[0].suffixes.empty());
}

TEST(NameHistoryTest, NamesWithColonsAndDigitsReadBackAsStored) {
  std::vector<Object> objects = two_config_maps();
  store_previous_id(objects[1], "12:a:", "", "ConfigMap");
  store_previous_id(objects[1], "", "3:b", "Config:Map");
  EXPECT_EQ(previous_names(objects[1]), (std::vector<std::string>{"12:a:", ""}));
  EXPECT_EQ(original_namespace(objects[1]), "");
  const auto ids = previous_ids(objects);
  ASSERT_EQ(ids[1].size(), 2U);
  EXPECT_EQ(ids[1][1].name, "");
  EXPECT_EQ(ids[1][1].namespace_, "3:b");
}

TEST(NameHistoryTest, AllIdsListEachStoredKindNameAndNamespaceThenTheCurrentId) {
  std::vector<Object> objects = two_config_maps();
  store_previous_id(objects[0], "old", "y", "Deployment");
  rename_with_history(objects, "p-", "", kEveryName, {});
  const std::vector<ResourceId> ids = all_ids(objects[0]);
  ASSERT_EQ(ids.size(), 3U);
  EXPECT_EQ(ids[0].to_string(), "Deployment.v1.[noGrp]/old.y");
  EXPECT_EQ(ids[1].to_string(), "ConfigMap.v1.[noGrp]/a.x");
  EXPECT_EQ(ids[2].to_string(), "ConfigMap.v1.[noGrp]/p-a.x");
  EXPECT_EQ(all_ids(objects[1]).size(), 2U);
}

TEST(NameHistoryTest, EachNameSpecThatSelectsTheOriginalKindRenames) {
  std::vector<Object> objects = two_config_maps();
  store_previous_id(objects[1], "b", "", "Namespace");  // kustomize skips by the first kind
  const std::vector<FieldSpec> specs = {{"", "", "ConfigMap", "metadata/name", false},
                                        {"", "", "", "metadata/name", false}};
  rename_with_history(objects, "p-", "", specs, {});
  EXPECT_EQ(objects[0].name(), "p-p-a");
  EXPECT_EQ(previous_names(objects[0]), (std::vector<std::string>{"a", "p-a"}));
  EXPECT_EQ(name_histories(objects)[0].prefixes, (std::vector<std::string>{"p-", "p-"}));
  EXPECT_EQ(objects[1].name(), "b");
}

TEST(NameHistoryTest, AHistoryKeyAPatchWroteIsRefusedClearly) {
  std::vector<Object> objects = two_config_maps();
  for (const Json& bad :
       {Json(5), Json("zz:9"), Json("3:ab"), Json(":x"), Json("2"), Json("-1:a")}) {
    objects[0].json()[std::string(kPreviousIdsKey)] = bad;
    try {
      previous_names(objects[0]);
      FAIL() << "accepted " << bad.dump();
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
      EXPECT_NE(std::string(e.what()).find("reserves for its build state"), std::string::npos)
          << e.what();
    }
  }
}

TEST(NameHistoryTest, TheNamespaceTransformerStoresEveryIdChangedOrNot) {
  std::vector<Object> objects = two_config_maps();
  set_namespace_with_history(objects, "prod");
  EXPECT_EQ(previous_names(objects[1]), (std::vector<std::string>{"b"}));
  const auto ids = previous_ids(objects);
  ASSERT_EQ(ids[0].size(), 1u);
  EXPECT_EQ(ids[0][0].namespace_, "x");
  EXPECT_EQ(original_ids(objects)[1].namespace_, "");  // as first stored
  EXPECT_EQ(objects[1].namespace_name(), "prod");
}

TEST(NameHistoryTest, ANamespaceThatMergesTwoIdsIsAnError) {
  std::vector<Object> objects = parse_resources(
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: x}\n---\n"
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: y}\n");
  EXPECT_THROW(set_namespace_with_history(objects, "prod"), Error);
}

TEST(NameHistoryTest, StripRemovesEveryHiddenKey) {
  std::vector<Object> objects = two_config_maps();
  rename_with_history(objects, "p-", "", kEveryName, {});
  set_namespace_with_history(objects, "prod");
  for (Object& object : objects) strip_history(object);
  EXPECT_EQ(objects[0].json(), Json::parse(R"({"apiVersion": "v1", "kind": "ConfigMap",
                            "metadata": {"name": "p-a", "namespace": "prod"}})"));
}

}  // namespace
}  // namespace sluice::render
