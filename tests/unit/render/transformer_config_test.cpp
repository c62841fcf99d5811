#include "render/transformer_config.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "core/error.h"
#include "render/transformers/annotations.h"
#include "render/transformers/images.h"
#include "render/transformers/labels.h"

namespace sluice::render {
namespace {

using transformers::NameBackReference;

bool has_spec(const std::vector<FieldSpec>& specs, const std::string& kind,
              const std::string& path) {
  return std::any_of(specs.begin(), specs.end(), [&](const FieldSpec& spec) {
    return spec.kind == kind && spec.path == path && !spec.create;
  });
}

const NameBackReference* entry_for(const TransformerConfig& config, const std::string& kind) {
  for (const NameBackReference& entry : config.name_reference) {
    if (entry.kind == kind) return &entry;
  }
  return nullptr;
}

TEST(TransformerConfigTest, MergeOneSkipsEffectivelyEqualSpecsAndRefusesConflicts) {
  std::vector<FieldSpec> specs = {{"", "", "Deployment", "spec/x", false}};
  // An incoming spec whose gvk selects the existing one's is already there.
  TransformerConfig::merge_one(specs, {"", "", "", "spec/x", false});
  EXPECT_EQ(specs.size(), 1U);
  // The other way round it is not: kustomize's effectivelyEquals is asymmetric.
  std::vector<FieldSpec> general = {{"", "", "", "spec/x", false}};
  TransformerConfig::merge_one(general, {"", "", "Deployment", "spec/x", false});
  EXPECT_EQ(general.size(), 2U);
  TransformerConfig::merge_one(specs, {"", "", "Deployment", "spec/y", false});
  EXPECT_EQ(specs.size(), 2U);
  EXPECT_THROW(TransformerConfig::merge_one(specs, {"", "", "Deployment", "spec/x", true}), Error);
}

TEST(TransformerConfigTest, MergeCombinesNameReferencesOfTheSameGvkAndSorts) {
  TransformerConfig config = TransformerConfig::defaults();
  const std::size_t entries = config.name_reference.size();
  const std::size_t config_map_referrers = entry_for(config, "ConfigMap")->referrers.size();
  TransformerConfig extra;
  extra.name_reference.push_back({"", "v1", "ConfigMap", {{"", "", "Bee", "spec/cm/name", false}}});
  extra.name_reference.push_back({"", "v1", "Aardvark", {{"", "", "Bee", "spec/a/name", false}}});
  extra.common_labels.push_back({"", "", "Bee", "spec/selector", false});
  extra.beyond_defaults = true;
  config.merge(extra);
  EXPECT_EQ(config.name_reference.size(), entries + 1);
  EXPECT_EQ(entry_for(config, "ConfigMap")->referrers.size(), config_map_referrers + 1);
  EXPECT_TRUE(has_spec(entry_for(config, "ConfigMap")->referrers, "Bee", "spec/cm/name"));
  EXPECT_TRUE(std::is_sorted(config.name_reference.begin(), config.name_reference.end(),
                             transformers::name_reference_less));
  EXPECT_TRUE(has_spec(config.common_labels, "Bee", "spec/selector"));
  // Merging again, or merging the defaults, changes nothing.
  const TransformerConfig before = config;
  config.merge(extra);
  config.merge(TransformerConfig::defaults());
  EXPECT_EQ(config.common_labels.size(), before.common_labels.size());
  EXPECT_EQ(entry_for(config, "ConfigMap")->referrers.size(), config_map_referrers + 1);
}

TEST(TransformerConfigTest, MergeIntoEmptyTakesTheOther) {
  TransformerConfig config;
  config.merge(TransformerConfig::defaults());
  EXPECT_TRUE(config.includes_defaults);
  EXPECT_EQ(config.common_annotations.size(),
            TransformerConfig::defaults().common_annotations.size());
  ASSERT_EQ(config.name_prefix.size(), 1U);
  EXPECT_EQ(config.name_prefix.front().path, "metadata/name");
}

TEST(TransformerConfigTest, MergedListsAreSortedSoAKindSpecStandsInForTheGenericOne) {
  // configurations' namePrefix for kind Foo, merged over the defaults: sorted, Foo comes first
  // ("~K" sorts after "Foo"), and an accumulator taking the result drops the generic spec, which
  // selects Foo's kind (kustomize's FsSlice.MergeOne).
  TransformerConfig configured = TransformerConfig::defaults();
  TransformerConfig file;
  file.name_prefix = {{"", "", "Foo", "metadata/name", false}};
  file.beyond_defaults = true;
  configured.merge(file);
  ASSERT_EQ(configured.name_prefix.size(), 2U);
  EXPECT_EQ(configured.name_prefix[0].kind, "Foo");
  TransformerConfig accumulated;
  accumulated.merge(configured);
  ASSERT_EQ(accumulated.name_prefix.size(), 1U);
  EXPECT_EQ(accumulated.name_prefix[0].kind, "Foo");
  // Kinds of kustomize's legacy order come first.
  std::vector<FieldSpec> specs = {{"", "", "Zebra", "a", false}, {"", "", "Service", "a", false}};
  TransformerConfig ordered;
  ordered.beyond_defaults = true;
  TransformerConfig more;
  more.common_labels = specs;
  more.beyond_defaults = true;
  ordered.merge(more);
  EXPECT_EQ(ordered.common_labels[0].kind, "Service");
}

TEST(TransformerConfigTest, DefaultTablesHaveNoSpecThatAnotherStandsIn) {
  const TransformerConfig& defaults = TransformerConfig::defaults();
  EXPECT_EQ(defaults.common_labels.size(), transformers::common_label_field_specs().size());
  EXPECT_EQ(defaults.template_labels.size(), transformers::template_label_field_specs().size());
  EXPECT_EQ(defaults.common_annotations.size(), transformers::annotation_field_specs().size());
  EXPECT_EQ(defaults.images.size(), transformers::image_field_specs().size());
}

constexpr const char* kDefinitions = R"({
  "example.com/hive/v1.Bee": {"Schema": {"properties": {
    "apiVersion": {}, "kind": {}, "metadata": {},
    "spec": {"$ref": "example.com/hive/v1.BeeSpec"}}}},
  "example.com/hive/v1.BeeSpec": {"Schema": {"properties": {
    "config": {"x-kubernetes-object-ref-api-version": "v1",
               "x-kubernetes-object-ref-kind": "ConfigMap",
               "$ref": "example.com/hive/v1.Ref"},
    "secret": {"x-kubernetes-object-ref-api-version": "v1",
               "x-kubernetes-object-ref-kind": "Secret",
               "x-kubernetes-object-ref-name-key": "secretName"},
    "selector": {"x-kubernetes-label-selector": ""},
    "notes": {"x-kubernetes-annotation": ""},
    "boolean": {"x-kubernetes-annotation": true},
    "upper": {"X-Kubernetes-Annotation": ""},
    "kindOnly": {"x-kubernetes-object-ref-kind": "Secret"}}}},
  "example.com/hive/v1.Ref": {"schema": {"properties": {
    "id": {"x-kubernetes-identity": ""}}}},
  "example.com/hive/v1.NotAKind": {"Schema": {"properties": {
    "kind": {}, "metadata": {}, "x": {"x-kubernetes-annotation": ""}}}}
})";

TEST(CrdConfigTest, LoadsExtensionsThroughRefs) {
  const TransformerConfig config = config_from_crds(kDefinitions, "defs.json");
  EXPECT_TRUE(has_spec(config.common_annotations, "Bee", "spec/notes"));
  EXPECT_EQ(config.common_annotations.size(), 1U);  // not boolean, upper or NotAKind's x
  EXPECT_TRUE(has_spec(config.common_labels, "Bee", "spec/selector"));
  EXPECT_TRUE(has_spec(config.name_prefix, "Bee", "spec/config/id"));
  ASSERT_EQ(config.name_reference.size(), 2U);
  const NameBackReference* config_map = entry_for(config, "ConfigMap");
  ASSERT_NE(config_map, nullptr);
  EXPECT_EQ(config_map->version, "v1");
  EXPECT_TRUE(has_spec(config_map->referrers, "Bee", "spec/config/name"));
  const NameBackReference* secret = entry_for(config, "Secret");
  ASSERT_NE(secret, nullptr);
  EXPECT_TRUE(has_spec(secret->referrers, "Bee", "spec/secret/secretName"));
  EXPECT_EQ(secret->referrers.size(), 1U);
}

TEST(CrdConfigTest, YamlDefinitionsAndKindFromTheLastDottedPart) {
  const TransformerConfig config = config_from_crds(
      "a.b/c.v1.Hive:\n  Schema:\n    properties:\n      kind: {}\n      apiVersion: {}\n"
      "      metadata: {}\n      tag:\n        x-kubernetes-annotation: ''\n",
      "defs.yaml");
  EXPECT_TRUE(has_spec(config.common_annotations, "Hive", "tag"));
}

TEST(CrdConfigTest, RejectsMalformedDefinitions) {
  const auto code = [](std::string_view text) {
    try {
      (void)config_from_crds(text, "defs");
    } catch (const Error& e) {
      EXPECT_NE(e.message().find("defs"), std::string::npos) << e.message();
      return e.code();
    }
    return ErrorCode::kInternal;
  };
  EXPECT_EQ(code(""), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code("- a\n- b\n"), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code("{not json"), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code(R"({"a.B": {"Schema": {"properties": ["kind"]}}})"), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code(R"({"a.B": {"Schema": {"properties": {"kind": 1}}}})"),
            ErrorCode::kInvalidArgument);
  // A definition that refers to itself: kustomize recurses forever; sluice stops.
  EXPECT_EQ(code(R"({"a.B": {"Schema": {"properties": {"kind": {}, "apiVersion": {},
                     "metadata": {}, "self": {"$ref": "a.B"}}}}})"),
            ErrorCode::kResourceExhausted);
  // Each definition referring to the next one twice: 2^40 paths.
  std::string chain = R"({"a.B": {"Schema": {"properties": {"kind": {}, "apiVersion": {},
                          "metadata": {}, "x": {"$ref": "d0"}}}})";
  for (int i = 0; i < 40; ++i) {
    const std::string next = "d" + std::to_string(i + 1);
    chain += ", \"d" + std::to_string(i) +
             "\": {\"Schema\": {\"properties\": {\"l\": {\"$ref\": \"" + next +
             "\"}, \"r\": {\"$ref\": \"" + next + "\"}}}}";
  }
  chain += "}";
  EXPECT_EQ(code(chain), ErrorCode::kResourceExhausted);
}

TEST(ConfigurationsTest, ReadsTheTransformerConfigKeysStrictly) {
  const TransformerConfig config = config_from_file(
      "namePrefix:\n- kind: Runner\n  path: spec/id\n"
      "commonLabels:\n- path: spec/podLabels\n  kind: Runner\n  create: true\n"
      "nameReference:\n- kind: ConfigMap\n  version: v1\n  fieldSpecs:\n"
      "  - kind: Runner\n    path: spec/env\n",
      "config.yaml");
  ASSERT_EQ(config.name_prefix.size(), 1U);
  EXPECT_EQ(config.name_prefix.front().path, "spec/id");
  ASSERT_EQ(config.common_labels.size(), 1U);
  EXPECT_TRUE(config.common_labels.front().create);
  ASSERT_EQ(config.name_reference.size(), 1U);
  EXPECT_TRUE(has_spec(config.name_reference.front().referrers, "Runner", "spec/env"));
  EXPECT_THROW((void)config_from_file("namePrefixes: []\n", "c"), Error);
  // Transformers not driven from the config accept only their defaults.
  EXPECT_NO_THROW(
      (void)config_from_file("replicas:\n- kind: Deployment\n  path: spec/replicas\n"
                             "  create: true\n",
                             "c"));
  EXPECT_EQ(config_from_file("varReference:\n- path: spec/x\n", "c").var_reference.size(), 1U);
  for (const char* key : {"namespace", "replicas"}) {
    try {
      (void)config_from_file(std::string(key) + ":\n- path: spec/x\n", "c");
      FAIL() << key;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kUnimplemented) << key;
    }
  }
  EXPECT_THROW((void)config_from_file("namePrefix:\n- paths: x\n", "c"), Error);
  EXPECT_THROW((void)config_from_file("nameReference:\n- kind: A\n  specs: []\n", "c"), Error);
}

}  // namespace
}  // namespace sluice::render
