#include "render/transformers/strategic_merge_schema.h"

#include <fstream>

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/yaml_reader.h"
#include "render/transformers/strategic_merge.h"
#include "test_helpers.h"

namespace sluice::render::transformers {
namespace {
namespace fs = std::filesystem;

Json yaml(std::string_view text) {
  return parse_yaml(text);
}

// Runs merges with a build whose custom schema is `schema` (YAML), declared first or after
// the built-in schema was loaded.
class CustomSchemaMerge {
 public:
  explicit CustomSchemaMerge(std::string_view schema, bool builtin_loaded_first = false)
      : dir_(sluice::testing::test_temp_path("sluice-smp-schema-test")) {
    fs::create_directories(dir_);
    std::ofstream(dir_ / "schema.yaml", std::ios::binary) << schema;
    if (builtin_loaded_first) (void)state_.layers();
    state_.declare(FileSystem(dir_), dir_, {{"path", "schema.yaml"}});
  }
  ~CustomSchemaMerge() { fs::remove_all(dir_); }

  Json merge(std::string_view resource, std::string_view patch) {
    const ActiveOpenApi active(state_);
    return *strategic_merge(yaml(resource), yaml(patch));
  }

 private:
  fs::path dir_;
  OpenApiState state_;
};

constexpr std::string_view kWidget =
    "definitions:\n"
    "  Widget:\n"
    "    x-kubernetes-group-version-kind: [{group: example.org, version: v1, kind: Widget}]\n"
    "    properties:\n"
    "      spec: {$ref: '#/definitions/Spec'}\n"
    "  Spec:\n"
    "    properties:\n"
    "      parts:\n"
    "        type: array\n"
    "        items: {$ref: '#/definitions/Part'}\n"
    "        x-kubernetes-patch-strategy: merge\n"
    "        x-kubernetes-patch-merge-key: id\n"
    "      untyped:\n"
    "        items: {type: object}\n"
    "        x-kubernetes-patch-strategy: merge\n"
    "        x-kubernetes-patch-merge-key: id\n"
    "      loop: {$ref: '#/definitions/LoopA'}\n"
    "      tuple:\n"
    "        type: array\n"
    "        items: [{type: object}]\n"
    "        x-kubernetes-patch-strategy: merge\n"
    "        x-kubernetes-patch-merge-key: id\n"
    "      badStrategy:\n"
    "        type: array\n"
    "        x-kubernetes-patch-strategy: [merge]\n"
    "  Part:\n"
    "    properties:\n"
    "      pod: {$ref: '#/definitions/io.k8s.api.core.v1.PodSpec'}\n"
    "  LoopA: {$ref: '#/definitions/LoopB'}\n"
    "  LoopB: {$ref: '#/definitions/LoopA'}\n";

constexpr std::string_view kWidgetHead = "apiVersion: example.org/v1\nkind: Widget\n";

TEST(StrategicMergeSchemaTest, CustomListsMergeByTheirKey) {
  CustomSchemaMerge build(kWidget);
  const Json merged =
      build.merge(std::string(kWidgetHead) + "spec:\n  parts: [{id: a, n: 1}, {id: b, n: 2}]\n",
                  "spec:\n  parts: [{id: b, n: 3}]\n");
  EXPECT_EQ(merged["spec"]["parts"], yaml("[{id: b, n: 3}, {id: a, n: 1}]"));
}

TEST(StrategicMergeSchemaTest, ElementsOfAListNotTypedArrayHaveNoSchema) {
  // The list merges by key, but its elements are looked up by their own apiVersion and kind:
  // the inner Widget's parts merge by id.
  CustomSchemaMerge build(kWidget);
  const Json merged = build.merge(
      std::string(kWidgetHead) +
          "spec:\n  untyped:\n  - id: a\n    apiVersion: example.org/v1\n    kind: Widget\n"
          "    spec: {parts: [{id: x}, {id: y}]}\n",
      "spec:\n  untyped:\n  - id: a\n    spec: {parts: [{id: y, n: 1}]}\n");
  EXPECT_EQ(merged["spec"]["untyped"][0]["spec"]["parts"], yaml("[{id: y, n: 1}, {id: x}]"));
}

TEST(StrategicMergeSchemaTest, RefsToBuiltinDefinitionsReachTheBuiltinTableWhenLoaded) {
  const std::string resource =
      std::string(kWidgetHead) + "spec:\n  parts:\n  - id: a\n    pod: {containers: [{name: x}]}\n";
  const std::string patch = "spec:\n  parts:\n  - id: a\n    pod: {containers: [{name: y}]}\n";
  CustomSchemaMerge alone(kWidget);
  EXPECT_EQ(alone.merge(resource, patch)["spec"]["parts"][0]["pod"]["containers"],
            yaml("[{name: y}]"));
  CustomSchemaMerge layered(kWidget, true);
  EXPECT_EQ(layered.merge(resource, patch)["spec"]["parts"][0]["pod"]["containers"],
            yaml("[{name: y}, {name: x}]"));
}

TEST(StrategicMergeSchemaTest, RefusesRefLoopsTupleItemsAndMistypedExtensions) {
  CustomSchemaMerge build(kWidget);
  const std::string head = std::string(kWidgetHead) + "spec:\n";
  EXPECT_THROW(build.merge(head + "  loop: {a: 1}\n", "spec:\n  loop: {a: 2}\n"), Error);
  EXPECT_THROW(build.merge(head + "  tuple: [{id: a}]\n", "spec:\n  tuple: [{id: a}]\n"), Error);
  EXPECT_THROW(build.merge(head + "  badStrategy: [a]\n", "spec:\n  badStrategy: [b]\n"), Error);
}

TEST(StrategicMergeSchemaTest, WithoutACustomSchemaBuiltinKindsStillMerge) {
  const std::optional<smp::NodeSchema> pod = smp::NodeSchema::for_kind("v1", "Pod");
  ASSERT_TRUE(pod);
  const std::optional<smp::NodeSchema> containers = pod->field("spec")->field("containers");
  ASSERT_TRUE(containers);
  EXPECT_TRUE(containers->merges_list());
  EXPECT_EQ(containers->merge_keys(), std::vector<std::string>{"name"});
  EXPECT_FALSE(smp::NodeSchema::for_kind("example.org/v1", "Widget"));
}

}  // namespace
}  // namespace sluice::render::transformers
