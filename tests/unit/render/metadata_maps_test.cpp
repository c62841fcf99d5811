#include "render/metadata_maps.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/yaml_reader.h"

namespace sluice::render {
namespace {

Json resource(std::string_view metadata) {
  return parse_yaml("apiVersion: v1\nkind: ConfigMap\nmetadata: " + std::string(metadata));
}

TEST(MetadataMapsTest, ValuesReadAsTheirText) {
  EXPECT_EQ(kyaml_text(Json("x")), "x");
  EXPECT_EQ(kyaml_text(Json(true)), "true");
  EXPECT_EQ(kyaml_text(Json(8080)), "8080");
  EXPECT_EQ(kyaml_text(Json(1.0)), "1");
  EXPECT_EQ(kyaml_text(Json(1.5)), "1.5");
  EXPECT_EQ(kyaml_text(Json()), "null");
  EXPECT_EQ(kyaml_text(Json::parse(R"({"a": 1})")), "");
  EXPECT_EQ(kyaml_text(Json::parse("[1]")), "");
}

TEST(MetadataMapsTest, ListsReadInPairsAndScalarsAsNothing) {
  EXPECT_EQ(kyaml_string_map(Json::parse(R"(["a", "b", 1, true])"), "labels"),
            (StringMap{{"a", "b"}, {"1", "true"}}));
  EXPECT_TRUE(kyaml_string_map(Json(5), "labels").empty());
  EXPECT_TRUE(kyaml_string_map(Json(), "labels").empty());
  EXPECT_THROW((void)kyaml_string_map(Json::parse(R"(["a"])"), "labels"), Error);
}

TEST(MetadataMapsTest, RewriteMakesStringsAndDropsWhatIsNotAMap) {
  Json object = resource("{name: cm, annotations: {port: 8080, happy: true, n: {a: 1}}}");
  rewrite_metadata_map(object, "annotations");
  EXPECT_EQ(object["metadata"]["annotations"],
            Json::parse(R"({"port": "8080", "happy": "true", "n": ""})"));
  for (const char* metadata : {"{name: cm, annotations: 5}", "{name: cm, annotations: {}}",
                               "{name: cm, annotations: null}", "{name: cm, annotations: []}"}) {
    object = resource(metadata);
    rewrite_metadata_map(object, "annotations");
    EXPECT_FALSE(object["metadata"].contains("annotations")) << metadata;
  }
  object = resource("{name: cm, labels: [a, b]}");
  rewrite_metadata_map(object, "labels");
  EXPECT_EQ(object["metadata"]["labels"], Json::parse(R"({"a": "b"})"));
}

TEST(MetadataMapsTest, FinishAnnotationsKeepsUnreadableOnesWithEveryBuildAnnotationKept) {
  std::vector<Object> objects = {Object(resource("{name: a, annotations: {}}")),
                                 Object(resource("{name: b, annotations: {x: 1}}"))};
  finish_annotations(objects, true);
  EXPECT_TRUE(objects[0].json()["metadata"].contains("annotations"));
  EXPECT_EQ(objects[1].json()["metadata"]["annotations"]["x"], "1");
  finish_annotations(objects, false);
  EXPECT_FALSE(objects[0].json()["metadata"].contains("annotations"));
}

}  // namespace
}  // namespace sluice::render
