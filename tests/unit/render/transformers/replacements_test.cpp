#include "render/transformers/replacements.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "transformers/golden_test_support.h"

namespace sluice::render::transformers {
namespace {

std::vector<Replacement> replacements_from(std::string_view yaml) {
  std::vector<Replacement> out;
  const Json document = parse_yaml(yaml);
  for (const Json& item : document.at("replacements")) {
    out.push_back(parse_replacement(item));
  }
  return out;
}

std::string error_of(std::vector<Object> objects, std::string_view yaml) {
  try {
    apply_replacements(objects, replacements_from(yaml));
  } catch (const Error& e) {
    return e.message();
  }
  return "no error";
}

TEST(ReplacementsTransformerTest, MatchesKustomizeGolden) {
  std::vector<Object> objects = testing::golden_input("replacements");
  apply_replacements(
      objects, replacements_from(testing::read_testdata("transformers/replacements/field.yaml")));
  EXPECT_EQ(testing::print(objects), testing::golden_expected("replacements"));
}

TEST(ReplacementsTransformerTest, SelectsBySourcePreviousName) {
  std::vector<Object> objects = testing::golden_input("replacements");
  objects[0].set_name("prod-settings");
  const std::vector<std::vector<OriginalId>> previous = {{{"settings", ""}}, {}, {}, {}};
  apply_replacements(objects, replacements_from(R"(replacements:
- source: {kind: ConfigMap, name: settings}
  targets:
  - select: {kind: Service}
    fieldPaths: [metadata.annotations.from]
    options: {create: true}
)"),
                     &previous);
  EXPECT_EQ(objects[3].json()["metadata"]["annotations"]["from"], "prod-settings");
}

TEST(ReplacementsTransformerTest, SplitsPathsLikeKustomize) {
  std::vector<Object> objects = testing::golden_input("replacements");
  apply_replacements(objects, replacements_from(R"(replacements:
- source: {kind: ConfigMap, fieldPath: data.owner}
  targets:
  - select: {kind: Service}
    fieldPaths: ['metadata.labels.a\.b/c', 'metadata.labels.[x.y/z]']
    options: {create: true}
)"));
  EXPECT_EQ(objects[3].json()["metadata"]["labels"]["a.b/c"], "team-a");
  EXPECT_EQ(objects[3].json()["metadata"]["labels"]["x.y/z"], "team-a");
}

TEST(ReplacementsTransformerTest, ReportsKustomizeErrors) {
  const std::vector<Object> objects = testing::golden_input("replacements");
  EXPECT_EQ(error_of(objects, R"(replacements:
- source: {kind: Secret, fieldPath: data.x}
  targets: [{select: {kind: Service}}]
)"),
            "nothing selected by Secret.[noVer].[noGrp]/[noName].[noNs]:data.x");
  EXPECT_EQ(error_of(objects, R"(replacements:
- source: {kind: Deployment}
  targets: [{select: {kind: Service}}]
)"),
            "multiple matches for selector Deployment.[noVer].[noGrp]/[noName].[noNs]");
  EXPECT_EQ(error_of(objects, R"(replacements:
- source: {kind: ConfigMap, fieldPath: data.nothing}
  targets: [{select: {kind: Service}}]
)"),
            "fieldPath `data.nothing` is missing for replacement source "
            "ConfigMap.[noVer].[noGrp]/[noName].[noNs]");
  EXPECT_EQ(error_of(objects, R"(replacements:
- source: {kind: ConfigMap}
  targets: [{select: {kind: Service}, fieldPaths: [spec.nothing]}]
)"),
            "unable to find field \"spec.nothing\" in replacement target");
  EXPECT_EQ(error_of(objects, R"(replacements:
- source: {kind: ConfigMap, fieldPath: data.owner}
  targets: [{select: {kind: Service}, fieldPaths: [spec.ports.0.port]}]
)"),
            "map[string]interface {}(nil): yaml: cannot decode !!str `team-a` as a !!int");
  EXPECT_EQ(error_of(objects, R"(replacements:
- source: {kind: ConfigMap}
  targets: [{select: {kind: Service}, fieldPaths: [spec.ports.3.port]}]
)"),
            "unable to find field \"spec.ports.3.port\" in replacement target: index 3 "
            "specified but only 1 elements found");
  EXPECT_EQ(error_of(objects, R"(replacements:
- source: {kind: ConfigMap, fieldPath: data.image, options: {delimiter: ':', index: 2}}
  targets: [{select: {kind: Service}}]
)"),
            "options.index 2 is out of bounds for value registry.example.com/app:2.0");
  EXPECT_EQ(error_of(objects, R"(replacements:
- source: {kind: ConfigMap}
  targets: [{fieldPaths: [a]}]
)"),
            "target must specify resources to select");
  EXPECT_EQ(error_of(objects, R"(replacements:
- source: {kind: ConfigMap}
)"),
            "replacements must specify a source and at least one target");
}

TEST(ReplacementsTransformerTest, NeverReachesTheBuildersHiddenKeys) {
  std::vector<Object> objects = testing::golden_input("replacements");
  objects[0].json()["\x01sluice/x"] = "hidden";
  objects[3].json()["\x01sluice/x"] = "hidden";
  EXPECT_EQ(error_of(objects,
                     "replacements:\n- source: {kind: ConfigMap, fieldPath: \"\\x01sluice/x\"}\n"
                     "  targets: [{select: {kind: Service}, fieldPaths: [metadata.name]}]\n"),
            "fieldPath `\x01sluice/x` is missing for replacement source "
            "ConfigMap.[noVer].[noGrp]/[noName].[noNs]");
  EXPECT_EQ(error_of(objects,
                     "replacements:\n- source: {kind: ConfigMap}\n"
                     "  targets: [{select: {kind: Service}, fieldPaths: [\"\\x01sluice/x\"]}]\n"),
            "unable to find field \"\x01sluice/x\" in replacement target");
}

TEST(ReplacementsTransformerTest, MatchesListValuesAsUnanchoredRegularExpressions) {
  std::vector<Object> objects = testing::golden_input("replacements");
  apply_replacements(objects, replacements_from(R"(replacements:
- source: {kind: ConfigMap, fieldPath: data.owner}
  targets:
  - select: {kind: Deployment, name: web}
    fieldPaths: ['spec.template.spec.containers.[name=idec].image',
                 'spec.template.spec.containers.[name=^a.p$].env.0.value']
)"));
  const Json& containers = objects[1].json()["spec"]["template"]["spec"]["containers"];
  EXPECT_EQ(containers[1]["image"], "team-a");
  EXPECT_EQ(containers[0]["env"][0]["value"], "team-a");
  EXPECT_EQ(containers[0]["image"], "app:1.0");
  // A regular expression never runs over a huge value (libstdc++ would recurse per byte).
  objects[1].json()["spec"]["template"]["spec"]["containers"][0]["name"] = std::string(5000, 'a');
  EXPECT_NE(error_of(objects, R"(replacements:
- source: {kind: ConfigMap, fieldPath: data.owner}
  targets:
  - select: {kind: Deployment, name: web}
    fieldPaths: ['spec.template.spec.containers.[name=a+].image']
)")
                .find("cannot be matched against a regular expression"),
            std::string::npos);
}

TEST(ReplacementsTransformerTest, RefusesUnknownFields) {
  EXPECT_THROW(replacements_from("replacements: [{source: {kind: A, bogus: 1}, targets: []}]"),
               Error);
  EXPECT_THROW(parse_replacement_file(Json("text")), Error);
  EXPECT_EQ(parse_replacement_file(parse_yaml("source: {kind: A}\ntargets: []")).size(), 1U);
}

}  // namespace
}  // namespace sluice::render::transformers
