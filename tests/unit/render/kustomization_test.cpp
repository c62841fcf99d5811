#include "render/kustomization.h"

#include <gtest/gtest.h>

#include "core/error.h"

namespace sluice::render {
namespace {

ErrorCode code_of(std::string_view text) {
  try {
    (void)parse_kustomization(text);
  } catch (const Error& e) {
    return e.code();
  }
  return ErrorCode::kInternal;  // did not throw
}

TEST(KustomizationTest, ParsesImplementedFields) {
  const Kustomization k = parse_kustomization(R"(
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
metadata: {name: x}
resources: [a.yaml, ../base]
bases: [old]
namespace: shop
namePrefix: p-
nameSuffix: -s
commonLabels: {app: web}
commonAnnotations: {owner: me}
sortOptions:
  order: legacy
  legacySortOptions: {orderFirst: [Namespace], orderLast: [Job]}
)");
  EXPECT_EQ(k.resources, (std::vector<std::string>{"a.yaml", "../base", "old"}));
  EXPECT_EQ(k.namespace_, "shop");
  EXPECT_EQ(k.name_prefix, "p-");
  EXPECT_EQ(k.name_suffix, "-s");
  EXPECT_EQ(k.common_labels.at("app"), "web");
  EXPECT_EQ(k.common_annotations.at("owner"), "me");
  ASSERT_TRUE(k.sort_options);
  EXPECT_EQ(k.sort_options->order, SortOptions::Order::kLegacy);
  EXPECT_EQ(k.sort_options->order_first, (std::vector<std::string>{"Namespace"}));
  EXPECT_EQ(k.sort_options->order_last, (std::vector<std::string>{"Job"}));
  EXPECT_EQ(k.warnings.size(), 2U);  // bases and commonLabels are deprecated
}

TEST(KustomizationTest, EmptyFileIsAnErrorLikeKustomize) {
  EXPECT_EQ(code_of(""), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of("# only a comment\n"), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(parse_kustomization("resources: []\n").resources.empty());
}

TEST(KustomizationTest, RefusesUnknownFieldsLikeKustomize) {
  try {
    (void)parse_kustomization("resources: []\nnamePrefx: x\n");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(e.message(), "invalid Kustomization: json: unknown field \"namePrefx\"");
  }
}

TEST(KustomizationTest, ReadsImagesAndReplicas) {
  const Kustomization k = parse_kustomization(
      "images:\n- name: nginx\n  newName: nn\n  newTag: \"1.25\"\n  digest: sha256:a\n"
      "- name: b\n  tagSuffix: -x\nreplicas:\n- name: web\n  count: 3\n- name: db\n"
      "  count: 2.0\n");
  ASSERT_EQ(k.images.size(), 2U);
  EXPECT_EQ(k.images[0].name, "nginx");
  EXPECT_EQ(k.images[0].new_name, "nn");
  EXPECT_EQ(k.images[0].new_tag, "1.25");
  EXPECT_EQ(k.images[0].digest, "sha256:a");
  EXPECT_EQ(k.images[1].tag_suffix, "-x");
  ASSERT_EQ(k.replicas.size(), 2U);
  EXPECT_EQ(k.replicas[0].name, "web");
  EXPECT_EQ(k.replicas[0].count, 3);
  EXPECT_EQ(k.replicas[1].count, 2);
}

TEST(KustomizationTest, ReadsStrategicMergePatchesAndTheirOptions) {
  const Kustomization k = parse_kustomization(
      "patchesStrategicMerge:\n- p.yaml\n- |-\n  kind: A\npatches:\n- path: q.yaml\n"
      "  options:\n    allowNameChange: true\n- path: r.yaml\n  options:\n"
      "    allowKindChange: true\n    allowNameChange: false\n");
  ASSERT_EQ(k.patches_strategic_merge.size(), 2U);
  EXPECT_EQ(k.patches_strategic_merge[0], "p.yaml");
  EXPECT_EQ(k.patches_strategic_merge[1], "kind: A");
  ASSERT_EQ(k.patches.size(), 2U);
  EXPECT_TRUE(k.patches[0].allow_name_change);
  EXPECT_FALSE(k.patches[0].allow_kind_change);
  EXPECT_FALSE(k.patches[1].allow_name_change);
  EXPECT_TRUE(k.patches[1].allow_kind_change);
  ASSERT_EQ(k.warnings.size(), 1U);
  EXPECT_EQ(k.warnings[0],
            "# Warning: 'patchesStrategicMerge' is deprecated. Please use 'patches' instead. Run "
            "'kustomize edit fix' to update your Kustomization automatically.");
  EXPECT_EQ(code_of("patchesStrategicMerge: [{path: p.yaml}]\n"), ErrorCode::kInvalidArgument);
}

TEST(KustomizationTest, RefusesWhatKustomizeCannotDecodeInImagesAndReplicas) {
  // kustomize decodes these into Go strings and an int64.
  EXPECT_EQ(code_of("images:\n- name: a\n  newTag: 1.36\n"), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of("images:\n- name: a\n  tag: x\n"), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of("images: [a]\n"), ErrorCode::kInvalidArgument);
  // kustomization files are YAML 1.1: a plain n is false.
  EXPECT_EQ(code_of("images:\n- name: a\n  newName: n\n"), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of("replicas:\n- name: a\n  count: \"2\"\n"), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of("replicas:\n- name: a\n  count: 2.5\n"), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of("configMapGenerator: [x]\n"), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of("secretGenerator:\n- name: a\n  behavior: [merge]\n"),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of("generatorOptions:\n  fileMerge: {}\n"), ErrorCode::kInvalidArgument);
}

TEST(KustomizationTest, ReadsReplacementsAndVars) {
  const Kustomization parsed = parse_kustomization(
      "replacements:\n- path: r.yaml\n- source: {kind: A}\n  targets: [{select: {kind: B}}]\n"
      "vars:\n- name: X\n  objref: {kind: A, name: a, apiVersion: g/v1}\n");
  ASSERT_EQ(parsed.replacements.size(), 2U);
  EXPECT_EQ(parsed.replacements[0].path, "r.yaml");
  EXPECT_EQ(parsed.replacements[1].inline_replacement.source.kind, "A");
  ASSERT_EQ(parsed.vars.size(), 1U);
  EXPECT_EQ(parsed.vars[0].group, "g");
  EXPECT_EQ(parsed.vars[0].version, "v1");
  EXPECT_EQ(code_of("replacements:\n- path: r.yaml\n  source: {kind: A}\n"),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of("replacements:\n- source: {kind: A, options: {index: \"1\"}}\n"),
            ErrorCode::kInvalidArgument);
}

TEST(KustomizationTest, KnownButUnimplementedFieldsAreRefusedByName) {
  EXPECT_EQ(code_of("helmCharts: [{name: x}]\n"), ErrorCode::kUnimplemented);
  // An empty value is what kustomize also treats as absent.
  EXPECT_NO_THROW((void)parse_kustomization("patches: []\nimages:\n"));
}

TEST(KustomizationTest, NothingButApiVersionAndKindIsEmpty) {
  // kustomize's CheckEmpty: null and "" read as unset, an empty list or map does not.
  for (const char* text : {"{}\n", "kind: Component\n", "kind: Kustomization\nresources:\n",
                           "apiVersion: kustomize.config.k8s.io/v1beta1\nnamespace: \"\"\n"}) {
    try {
      (void)parse_kustomization(text);
      FAIL() << text;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument) << text;
      EXPECT_EQ(e.message(), "kustomization.yaml is empty") << text;
    }
  }
  EXPECT_NO_THROW((void)parse_kustomization("resources: []\n"));
  EXPECT_NO_THROW((void)parse_kustomization("kind: Component\ncommonLabels: {}\n"));
}

TEST(KustomizationTest, ReadsPluginConfigLists) {
  const Kustomization parsed = parse_kustomization(
      "generators: [g.yaml]\ntransformers:\n- t.yaml\n- |-\n  kind: X\nvalidators: [v]\n");
  EXPECT_EQ(parsed.generators, std::vector<std::string>{"g.yaml"});
  EXPECT_EQ(parsed.transformers, (std::vector<std::string>{"t.yaml", "kind: X"}));
  EXPECT_EQ(parsed.validators, std::vector<std::string>{"v"});
  // kustomize declares them []string: an inline mapping is a type error.
  EXPECT_EQ(code_of("transformers:\n- {kind: X}\n"), ErrorCode::kInvalidArgument);
}

TEST(KustomizationTest, ChecksKindApiVersionAndTypes) {
  EXPECT_EQ(code_of("kind: Deployment\n"), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(parse_kustomization("kind: Component\nresources: []\n").is_component);
  EXPECT_FALSE(parse_kustomization("kind: Kustomization\nresources: []\n").is_component);
  // Each kind has its own apiVersion.
  EXPECT_EQ(code_of("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Component\n"),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of("apiVersion: kustomize.config.k8s.io/v1alpha1\n"), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of("apiVersion: v1\n"), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of("nameSuffix: -001\n"), ErrorCode::kInvalidArgument);  // a number
  EXPECT_EQ(code_of("commonLabels: {n: 1}\n"), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of("resources: a.yaml\n"), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of("- a\n"), ErrorCode::kInvalidArgument);
}

TEST(KustomizationTest, ValidatesSortOptionsLikeKustomize) {
  EXPECT_EQ(code_of("sortOptions: {order: random}\n"), ErrorCode::kInvalidArgument);
  EXPECT_EQ(code_of("sortOptions: {order: fifo, legacySortOptions: {orderFirst: [A]}}\n"),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(parse_kustomization("sortOptions: {order: fifo}\n").sort_options->order,
            SortOptions::Order::kFifo);
}

}  // namespace
}  // namespace sluice::render
