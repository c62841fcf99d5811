#include "render/transformers/strategic_merge.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/yaml_reader.h"
#include "transformers/golden_test_support.h"

namespace sluice::render::transformers {
namespace {

Json yaml(std::string_view text) {
  return parse_yaml(text);
}

// The message of the Error `merge` throws, or "" when it throws none.
std::string error_of_merge(std::string_view resource, std::string_view patch) {
  try {
    (void)strategic_merge(yaml(resource), yaml(patch));
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    return e.message();
  }
  return {};
}

TEST(StrategicMergeTest, MatchesKustomizeGolden) {
  std::vector<Object> objects = testing::golden_input("strategic_merge");
  const std::vector<Json> patches =
      parse_yaml_documents(testing::read_testdata("transformers/strategic_merge/patches.yaml"));
  ASSERT_EQ(patches.size(), 4U);
  for (const Json& patch : patches) {
    const Object wanted(patch);
    const auto target = std::find_if(objects.begin(), objects.end(), [&](const Object& object) {
      return object.kind() == wanted.kind() && object.name() == wanted.name();
    });
    ASSERT_NE(target, objects.end()) << wanted.name();
    if (!apply_strategic_merge_patch(*target, patch, {})) objects.erase(target);
  }
  EXPECT_EQ(testing::print(objects), testing::golden_expected("strategic_merge"));
}

TEST(StrategicMergeTest, PatchElementsComeFirstThenTheResourcesOthers) {
  const Json merged = *strategic_merge(
      yaml("apiVersion: v1\nkind: Pod\nspec:\n  containers: [{name: a}, {name: b}, {name: c}]\n"),
      yaml("spec:\n  containers: [{name: c, image: x}, {name: d}]\n"));
  EXPECT_EQ(merged["spec"]["containers"],
            yaml("[{name: c, image: x}, {name: d}, {name: a}, {name: b}]"));
}

TEST(StrategicMergeTest, ListsOfKindsWithoutSchemaAreReplaced) {
  const Json merged = *strategic_merge(
      yaml("apiVersion: example.com/v1\nkind: Widget\nspec:\n  containers: [{name: a}]\n"
           "  map: {a: 1, b: 2}\n"),
      yaml("spec:\n  containers: [{name: b}]\n  map: {b: null, c: 3}\n"));
  EXPECT_EQ(merged["spec"], yaml("containers: [{name: b}]\nmap: {a: 1, c: 3}\n"));
}

TEST(StrategicMergeTest, DeleteAtTheTopDeletesTheResource) {
  EXPECT_FALSE(strategic_merge(yaml("apiVersion: v1\nkind: ConfigMap\ndata: {a: b}\n"),
                               yaml("$patch: delete\n")));
}

TEST(StrategicMergeTest, ReplaceAtTheTopLeavesTheResource) {
  const Json resource = yaml("apiVersion: v1\nkind: ConfigMap\ndata: {a: b}\n");
  EXPECT_EQ(*strategic_merge(resource, yaml("$patch: replace\ndata: {c: d}\n")), resource);
}

TEST(StrategicMergeTest, AListDeleteDirectiveRemovesTheField) {
  const Json merged =
      *strategic_merge(yaml("apiVersion: v1\nkind: Pod\nspec:\n  volumes: [{name: a}]\n"),
                       yaml("spec:\n  volumes: [{$patch: delete}]\n"));
  EXPECT_FALSE(merged["spec"].contains("volumes"));
}

TEST(StrategicMergeTest, KeepsNullsThePatchDoesNotMention) {
  const Json merged = *strategic_merge(yaml("apiVersion: v1\nkind: ConfigMap\ndata: {a: null}\n"),
                                       yaml("data: {b: x, c: null}\n"));
  EXPECT_EQ(merged["data"], yaml("{a: null, b: x}"));
}

TEST(StrategicMergeTest, RefusesWhatKustomizeRefuses) {
  EXPECT_EQ(error_of_merge("apiVersion: v1\nkind: ConfigMap\ndata: {a: b}\n", "data: 3\n"),
            "wrong node kind: expected MappingNode but got ScalarNode: node contents:\n3\n");
  EXPECT_EQ(
      error_of_merge("apiVersion: v1\nkind: ConfigMap\ndata: {a: b}\n", "data: {$patch: remove}\n"),
      "unknown patch strategy 'remove'");
  EXPECT_EQ(error_of_merge("apiVersion: v1\nkind: Pod\nspec:\n  volumes: [{name: a}]\n",
                           "spec:\n  volumes: [{$patch: keep}]\n"),
            "unknown patch strategy 'keep'");
}

TEST(StrategicMergeTest, PutsBackNameKindAndNamespaceUnlessAllowed) {
  const Json resource =
      yaml("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: n}\n");
  const Json patch = yaml("kind: Secret\nmetadata: {name: b, namespace: m}\n");
  Object kept(resource);
  ASSERT_TRUE(apply_strategic_merge_patch(kept, patch, {}));
  EXPECT_EQ(kept.json(), resource);
  Object renamed(resource);
  ASSERT_TRUE(apply_strategic_merge_patch(renamed, patch, {true, true}));
  EXPECT_EQ(renamed.name(), "b");
  EXPECT_EQ(renamed.kind(), "Secret");
  EXPECT_EQ(renamed.namespace_name(), "n");
}

TEST(StrategicMergeTest, BoundsNesting) {
  Json deep = Json::object();
  for (int i = 0; i < 300; ++i) deep = Json{{"a", std::move(deep)}};
  try {
    (void)strategic_merge(Json::parse(R"({"apiVersion": "v1"})"), deep);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("nested"), std::string::npos) << e.message();
  }
}

TEST(StrategicMergeTest, BoundsTheLengthOfListsItMerges) {
  Json pod = yaml("apiVersion: v1\nkind: Pod\nspec: {containers: []}\n");
  for (int i = 0; i < 1999; ++i) {
    pod["spec"]["containers"].push_back({{"name", "c" + std::to_string(i)}});
  }
  const Json patch = yaml("spec:\n  containers: [{name: c7, image: x}]\n");
  const Json merged = *strategic_merge(pod, patch);
  ASSERT_EQ(merged["spec"]["containers"].size(), 1999U);
  EXPECT_EQ(merged["spec"]["containers"][0], yaml("{name: c7, image: x}"));
  pod["spec"]["containers"].push_back({{"name", "one-too-many"}});
  try {
    (void)strategic_merge(pod, patch);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kResourceExhausted);
  }
}

}  // namespace
}  // namespace sluice::render::transformers
