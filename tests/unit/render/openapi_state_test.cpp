#include "render/openapi_state.h"

#include <fstream>

#include <gtest/gtest.h>

#include "core/error.h"
#include "render/resource_id.h"
#include "test_helpers.h"

namespace sluice::render {
namespace {
namespace fs = std::filesystem;

// A schema that makes example.org/v1 Gate cluster-scoped and Shelf namespaced.
constexpr std::string_view kSchema = R"({
  "definitions": {"Gate": {"x-kubernetes-group-version-kind": [
    {"group": "example.org", "version": "v1", "kind": "Gate"}]}},
  "paths": {
    "/apis/example.org/v1/gates/{name}": {"get": {"x-kubernetes-group-version-kind":
      {"group": "example.org", "version": "v1", "kind": "Gate"}}},
    "/apis/example.org/v1/shelves/{name}": {"get": {"x-kubernetes-group-version-kind":
      {"group": "example.org", "version": "v1", "kind": "Shelf"}}},
    "/apis/example.org/v1/namespaces/{namespace}/shelves/{name}": {"get": {
      "x-kubernetes-group-version-kind": {"group": "example.org", "version": "v1",
      "kind": "Shelf"}}}
  }})";

class OpenApiStateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = sluice::testing::test_temp_path("sluice-openapi-test");
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(dir_ / "schema.json", std::ios::binary) << kSchema;
  }
  void TearDown() override { fs::remove_all(dir_); }

  void declare(OpenApiState& state, const StringMap& field) const {
    state.declare(FileSystem(dir_), dir_, field);
  }

  fs::path dir_;
};

TEST_F(OpenApiStateTest, WithoutADeclarationOnlyTheBuiltinSchemaIsLoaded) {
  OpenApiState state;
  declare(state, {});
  const OpenApiLayers layers = state.layers();
  EXPECT_EQ(layers.custom, nullptr);
  EXPECT_TRUE(layers.builtin);
}

TEST_F(OpenApiStateTest, ACustomSchemaDeclaredFirstReplacesTheBuiltinOne) {
  OpenApiState state;
  declare(state, {{"path", "schema.json"}});
  const OpenApiLayers layers = state.layers();
  ASSERT_NE(layers.custom, nullptr);
  EXPECT_FALSE(layers.builtin);
}

TEST_F(OpenApiStateTest, TheBuiltinSchemaLoadedBeforeStaysUnderTheCustomOne) {
  OpenApiState state;
  declare(state, {});
  (void)state.layers();  // a strategic merge ran
  declare(state, {{"path", "schema.json"}});
  const OpenApiLayers layers = state.layers();
  ASSERT_NE(layers.custom, nullptr);
  EXPECT_TRUE(layers.builtin);
  EXPECT_FALSE(layers.builtin_wins);
}

TEST_F(OpenApiStateTest, TheBuiltinSchemaAskedForBeforeIsLoadedAfterTheCustomOneAndWins) {
  OpenApiState state;
  declare(state, {});
  EXPECT_EQ(state.namespace_scoped("example.org/v1", "Shelf"), std::nullopt);
  declare(state, {{"path", "schema.json"}});
  const OpenApiLayers layers = state.layers();
  ASSERT_NE(layers.custom, nullptr);
  EXPECT_TRUE(layers.builtin);
  EXPECT_TRUE(layers.builtin_wins);
}

TEST_F(OpenApiStateTest, TheFirstDeclarationHoldsAndLaterOnesAreNotChecked) {
  OpenApiState state;
  declare(state, {{"version", "v1.21.2"}});
  declare(state, {{"path", "schema.json"}});
  declare(state, {{"version", "v0.0.1"}});
  EXPECT_EQ(state.layers().custom, nullptr);
}

TEST_F(OpenApiStateTest, RefusesAnUnknownVersionAndPathWithVersion) {
  OpenApiState state;
  EXPECT_THROW(declare(state, {{"version", "v1.30.0"}}), Error);
  OpenApiState both;
  EXPECT_THROW(declare(both, {{"path", "schema.json"}, {"version", "v1.21.2"}}), Error);
}

TEST_F(OpenApiStateTest, ReadsAnIgnoredPathAnyway) {
  OpenApiState state;
  declare(state, {{"path", "schema.json"}});
  EXPECT_THROW(declare(state, {{"path", "missing.json"}}), Error);
}

TEST_F(OpenApiStateTest, PathsDecideTheScopeOfKindsOutsideThePrecomputedTable) {
  OpenApiState state;
  declare(state, {{"path", "schema.json"}});
  const ActiveOpenApi active(state);
  EXPECT_TRUE(is_cluster_scoped("example.org/v1", "Gate"));
  EXPECT_FALSE(is_cluster_scoped("example.org/v1", "Shelf"));
  EXPECT_FALSE(is_cluster_scoped("example.org/v1", "Unknown"));
  // The precomputed table comes first.
  EXPECT_FALSE(is_cluster_scoped("v1", "ConfigMap"));
  EXPECT_TRUE(is_cluster_scoped("v1", "Namespace"));
}

TEST_F(OpenApiStateTest, OutsideABuildKindsOutsideTheTableAreNamespaced) {
  EXPECT_EQ(active_openapi(), nullptr);
  EXPECT_FALSE(is_cluster_scoped("example.org/v1", "Gate"));
}

TEST(CustomOpenApiSchemaTest, RefusesMalformedDocuments) {
  for (const std::string_view text : {
           std::string_view(""),
           std::string_view("[1, 2]"),
           std::string_view("definitions: [a]"),
           std::string_view("definitions: {a: 1}"),
           std::string_view("paths: 3"),
           std::string_view("definitions: {a: {x-kubernetes-group-version-kind: [{kind: A}]}}"),
       }) {
    EXPECT_THROW(CustomOpenApiSchema::parse(text), Error) << text;
  }
  EXPECT_NO_THROW(CustomOpenApiSchema::parse("# nothing\n"));
}

TEST(CustomOpenApiSchemaTest, IndexesKindsWithAndWithoutGroup) {
  const CustomOpenApiSchema schema = CustomOpenApiSchema::parse(
      "definitions:\n  A:\n    x-kubernetes-group-version-kind:\n"
      "    - {group: example.org, version: v1, kind: A}\n    - {group: '', version: v1, kind: A}\n"
      "    - not-a-map\n  B:\n    x-kubernetes-group-version-kind: {version: v1, kind: B}\n");
  EXPECT_EQ(schema.definition_for_kind("example.org/v1", "A"), schema.definition("A"));
  EXPECT_EQ(schema.definition_for_kind("v1", "A"), schema.definition("A"));
  // kyaml indexes only lists of entries.
  EXPECT_EQ(schema.definition_for_kind("v1", "B"), nullptr);
}

}  // namespace
}  // namespace sluice::render
