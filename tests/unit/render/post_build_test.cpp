#include "render/post_build.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/yaml_reader.h"
#include "transformers/golden_test_support.h"

namespace sluice::render {
namespace {

TEST(PostBuildTest, SubstitutedScalarsAreTypedAgain) {
  std::vector<Object> resources = testing::objects_of(
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"
      "spec: {replicas: '${N}', paused: '${P}', note: 'n=${N}'}\n");
  substitute_variables(resources, {{"N", "3"}, {"P", "true"}});
  const Json& spec = resources[0].json()["spec"];
  EXPECT_EQ(spec["replicas"], 3);
  EXPECT_EQ(spec["paused"], true);
  EXPECT_EQ(spec["note"], "n=3");
}

TEST(PostBuildTest, LineBreaksInValuesAreDropped) {
  std::vector<Object> resources = testing::objects_of(
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: '${V}'}\n");
  substitute_variables(resources, {{"V", "one\ntwo\n"}});
  EXPECT_EQ(resources[0].json()["data"]["a"], "onetwo");
}

TEST(PostBuildTest, DisabledByLabelOrAnnotationIsLeftAlone) {
  std::vector<Object> resources = testing::objects_of(
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels:\n"
      "    kustomize.toolkit.fluxcd.io/substitute: disabled\ndata: {x: '${V}'}\n---\n"
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  annotations:\n"
      "    sluice.dev/substitute: disabled\ndata: {x: '${V}'}\n---\n"
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {x: '${V}'}\n");
  substitute_variables(resources, {{"V", "v"}});
  EXPECT_EQ(resources[0].json()["data"]["x"], "${V}");
  EXPECT_EQ(resources[1].json()["data"]["x"], "${V}");
  EXPECT_EQ(resources[2].json()["data"]["x"], "v");
}

TEST(PostBuildTest, NoVariablesMeansNoSubstitution) {
  std::vector<Object> resources = testing::objects_of(
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {x: '${'}\n");
  substitute_variables(resources, {});
  EXPECT_EQ(resources[0].json()["data"]["x"], "${");
}

TEST(PostBuildTest, ErrorsNameTheResource) {
  std::vector<Object> resources = testing::objects_of(
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {x: '${'}\n");
  const Error error = sluice::testing::error_of([&] {
    substitute_variables(resources, {{"V", "v"}});
  });
  EXPECT_EQ(error.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(std::string(error.what()).find("ConfigMap/c"), std::string::npos) << error.what();
}

TEST(PostBuildTest, VariableNamesFollowFlux) {
  EXPECT_NO_THROW(validate_variable_names({{"_a1", ""}, {"B", ""}}));
  EXPECT_THROW(validate_variable_names({{"1a", ""}}), Error);
  EXPECT_THROW(validate_variable_names({{"a-b", ""}}), Error);
  EXPECT_THROW(validate_variable_names({{"", ""}}), Error);
}

}  // namespace
}  // namespace sluice::render
