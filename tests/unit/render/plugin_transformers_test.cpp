#include "render/plugin_transformers.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/yaml_reader.h"
#include "render/name_history.h"
#include "transformers/golden_test_support.h"

namespace sluice::render {
namespace {

Object config_of(const std::string& yaml) {
  return Object(parse_yaml(yaml));
}

void run(const std::string& kind, const std::string& config, std::vector<Object>& objects) {
  const FileSystem files(std::filesystem::temp_directory_path());
  run_transformer_plugin(kind, config_of(config), files, std::filesystem::temp_directory_path(),
                         objects);
}

constexpr const char* kResources =
    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n---\n"
    "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n---\n"
    "apiVersion: v1\nkind: Namespace\nmetadata: {name: web}\n";

TEST(PluginTransformersTest, PrefixSuffixRenamesOnlyWhatItsSpecsSelect) {
  std::vector<Object> objects = testing::objects_of(kResources);
  run("PrefixSuffixTransformer",
      "prefix: p-\nsuffix: -s\nfieldSpecs:\n- {kind: Deployment, path: metadata/name}\n"
      "- {path: metadata/name}\n",
      objects);
  // Two specs select the Deployment, so it is renamed twice, as in kustomize.
  EXPECT_EQ(objects[0].name(), "p-p-web-s-s");
  EXPECT_EQ(objects[1].name(), "p-web-s");
  EXPECT_EQ(objects[2].name(), "web");  // Namespaces keep their names
  EXPECT_EQ(previous_names(objects[1]), (std::vector<std::string>{"web", "p-web"}));
}

TEST(PluginTransformersTest, PrefixSuffixRequiresFieldSpecs) {
  std::vector<Object> objects = testing::objects_of(kResources);
  EXPECT_THROW(run("PrefixTransformer", "prefix: p-\n", objects), Error);
  // An empty list is given, so accepted.
  EXPECT_NO_THROW(run("SuffixTransformer", "suffix: -s\nfieldSpecs: []\n", objects));
  EXPECT_EQ(objects[0].name(), "web");
}

TEST(PluginTransformersTest, LabelsGoOnlyWhereTheSpecsSay) {
  std::vector<Object> objects = testing::objects_of(kResources);
  run("LabelTransformer",
      "labels: {team: blue}\nfieldSpecs:\n- {kind: Service, path: metadata/labels, create: true}\n",
      objects);
  EXPECT_FALSE(objects[0].label("team").has_value());
  EXPECT_EQ(objects[1].label("team"), "blue");
}

TEST(PluginTransformersTest, ReplicaCountUsesItsSpecsAndFailsWithoutMatch) {
  std::vector<Object> objects = testing::objects_of(kResources);
  run("ReplicaCountTransformer",
      "replica: {name: web, count: 4}\nfieldSpecs:\n- {kind: Deployment, path: spec/replicas, "
      "create: true}\n",
      objects);
  EXPECT_EQ(objects[0].json()["spec"]["replicas"], 4);
  EXPECT_THROW(run("ReplicaCountTransformer",
                   "replica: {name: other, count: 1}\nfieldSpecs:\n- {kind: Deployment, path: "
                   "spec/replicas}\n",
                   objects),
               Error);
}

TEST(PluginTransformersTest, WrongTypesAndUnsupportedKindsFail) {
  std::vector<Object> objects = testing::objects_of(kResources);
  EXPECT_THROW(run("AnnotationsTransformer", "annotations: {a: 1}\n", objects), Error);
  EXPECT_THROW(run("NamespaceTransformer",
                   "metadata: {namespace: x}\nsetRoleBindingSubjects: everyone\n", objects),
               Error);
  try {
    run("ValueAddTransformer", "value: x\n", objects);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnimplemented);
  }
}

}  // namespace
}  // namespace sluice::render
