#include "render/transformers/vars.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "transformers/golden_test_support.h"

namespace sluice::render::transformers {
namespace {

std::vector<Var> golden_vars() {
  return parse_vars(parse_yaml(testing::read_testdata("transformers/vars/field.yaml")).at("vars"));
}

TEST(VarsTransformerTest, MatchesKustomizeGolden) {
  std::vector<Object> objects = testing::golden_input("vars");
  const std::vector<Var> vars = golden_vars();
  bind_vars(objects, vars, {});
  std::vector<std::string> warnings;
  resolve_vars(objects, vars, var_reference_field_specs(), &warnings);
  EXPECT_EQ(testing::print(objects), testing::golden_expected("vars"));
  EXPECT_EQ(warnings,
            std::vector<std::string>{"well-defined vars that were never replaced: NEVER_USED"});
}

TEST(VarsTransformerTest, ReadsTheBoundResourceAfterItIsRenamed) {
  std::vector<Object> objects = testing::golden_input("vars");
  const std::vector<Var> vars = golden_vars();
  bind_vars(objects, vars, {});
  objects[0].set_name("prod-database");
  resolve_vars(objects, vars, var_reference_field_specs(), nullptr);
  EXPECT_EQ(objects[3].json()["spec"]["containers"][0]["env"][0]["value"], "prod-database");
  EXPECT_FALSE(objects[0].json().contains("\x01vars"));
}

TEST(VarsTransformerTest, BindsByAPreviousName) {
  std::vector<Object> objects = testing::golden_input("vars");
  objects[0].set_name("prod-database");
  const std::vector<Var> vars = golden_vars();
  bind_vars(objects, vars, {{{"database", "data"}}});
  resolve_vars(objects, vars, var_reference_field_specs(), nullptr);
  EXPECT_EQ(objects[2].json()["metadata"]["labels"]["db"], "prod-database");
}

TEST(VarsTransformerTest, ReplacesOnlyInTheFieldsTheSpecsSelect) {
  std::vector<Object> objects = {Object(parse_yaml(R"(
apiVersion: example.com/v1
kind: Backup
metadata: {name: nightly, labels: {db: $(DB)}}
spec:
  target: db-$(DB)
  options: {host: $(DB), hosts: [$(DB)]}
)")),
                                 Object(parse_yaml(R"(
apiVersion: v1
kind: Service
metadata: {name: database}
)"))};
  Var var;
  var.name = "DB";
  var.version = "v1";
  var.kind = "Service";
  var.object_name = "database";
  bind_vars(objects, {var}, {});
  // A group that is not the resource's selects nothing; a map's string values are replaced.
  resolve_vars(objects, {var},
               {{"other.com", "", "Backup", "spec/target", false},
                {"", "", "Backup", "spec/options", false}},
               nullptr);
  const Json& spec = objects[0].json()["spec"];
  EXPECT_EQ(spec["target"], "db-$(DB)");
  EXPECT_EQ(spec["options"]["host"], "database");
  EXPECT_EQ(spec["options"]["hosts"][0], "$(DB)");
  EXPECT_EQ(objects[0].json()["metadata"]["labels"]["db"], "$(DB)");
}

TEST(VarsTransformerTest, ReportsKustomizeErrors) {
  std::vector<Object> objects = testing::golden_input("vars");
  const std::vector<Var> unbound = parse_vars(parse_yaml(R"(
- name: X
  objref: {kind: Service, name: database}
)"));
  bind_vars(objects, unbound, {});
  try {
    resolve_vars(objects, unbound, var_reference_field_specs(), nullptr);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.message(),
              "var '{X Service.[noVer].[noGrp] {metadata.name}}' cannot be mapped to a field in "
              "the set of known resources");
  }
  const std::vector<Var> missing_field = parse_vars(parse_yaml(R"(
- name: X
  objref: {kind: Service, name: database, apiVersion: v1}
  fieldref: {fieldPath: spec.nothing}
)"));
  bind_vars(objects, missing_field, {});
  try {
    resolve_vars(objects, missing_field, var_reference_field_specs(), nullptr);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.message(),
              "field specified in var '{X Service.v1.[noGrp] {spec.nothing}}' not "
              "found in corresponding resource");
  }
  std::vector<Var> all = golden_vars();
  EXPECT_THROW(merge_vars(all, golden_vars()), Error);
  EXPECT_THROW(parse_vars(parse_yaml("[{name: X, bogus: 1}]")), Error);
}

}  // namespace
}  // namespace sluice::render::transformers
