#include "render/build_metadata.h"

#include <gtest/gtest.h>

#include "core/yaml_reader.h"

namespace sluice::render {
namespace {

Object config_map(std::string_view extra_metadata = "") {
  return Object(parse_yaml("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n" +
                           std::string(extra_metadata)));
}

TEST(BuildMetadataTest, OriginsPrintAsKustomizePrintsThem) {
  EXPECT_EQ(Origin::of_file("../base/cm.yaml").to_yaml(), "path: ../base/cm.yaml\n");
  EXPECT_EQ(Origin::of_builtin("kustomization.yaml", "ConfigMapGenerator").to_yaml(),
            "configuredIn: kustomization.yaml\nconfiguredBy:\n  apiVersion: builtin\n"
            "  kind: ConfigMapGenerator\n");
  // A path YAML would misread is quoted.
  EXPECT_EQ(Origin::of_file("a: b.yaml").to_yaml(), "path: 'a: b.yaml'\n");
}

TEST(BuildMetadataTest, OnlyValuesKustomizeKnowsCount) {
  const BuildMetadata metadata = BuildMetadata::from({"managedByLabel", "bogus"});
  EXPECT_TRUE(metadata.track_origins);
  EXPECT_TRUE(metadata.managed_by_label);
  EXPECT_FALSE(metadata.origin_annotations);
  EXPECT_FALSE(BuildMetadata::from({}).track_origins);
}

TEST(BuildMetadataTest, TransformationsAppendAfterTheOrigin) {
  std::vector<Object> objects = {config_map(), config_map()};
  set_origin_if_absent(objects[0], Origin::of_file("cm.yaml"));
  set_origin_if_absent(objects[0], Origin::of_file("ignored.yaml"));
  record_transformation(objects, Origin::of_builtin("kustomization.yaml", "PatchTransformer"), 2);
  const StringMap first = objects[0].annotations();
  EXPECT_EQ(first.at(std::string(kOriginAnnotation)), "path: cm.yaml\n");
  const std::string entry =
      "- configuredIn: kustomization.yaml\n  configuredBy:\n    apiVersion: builtin\n"
      "    kind: PatchTransformer\n";
  EXPECT_EQ(first.at(std::string(kTransformationsAnnotation)), entry + entry);
  // Without an origin, the first transformer becomes it (kustomize: it made the resource).
  const StringMap second = objects[1].annotations();
  EXPECT_EQ(second.at(std::string(kOriginAnnotation)),
            "configuredIn: kustomization.yaml\nconfiguredBy:\n  apiVersion: builtin\n"
            "  kind: PatchTransformer\n");
  EXPECT_EQ(second.at(std::string(kTransformationsAnnotation)), entry);
}

TEST(BuildMetadataTest, FinishRemovesWhatWasNotAskedForAndAddsTheLabel) {
  std::vector<Object> objects = {config_map(), config_map("  annotations:\n    keep: me\n")};
  for (Object& object : objects) set_origin_if_absent(object, Origin::of_file("x.yaml"));
  finish_build_metadata(objects, BuildMetadata::from({"managedByLabel"}));
  EXPECT_FALSE(objects[0].json()["metadata"].contains("annotations"));
  EXPECT_EQ(objects[1].annotations(), (StringMap{{"keep", "me"}}));
  EXPECT_EQ(objects[0].labels().at(std::string(kManagedByLabel)), kManagedByValue);
}

}  // namespace
}  // namespace sluice::render
