#include "render/transformers/generators.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/yaml_reader.h"
#include "render/hidden_keys.h"
#include "render/kustomization.h"
#include "render/name_history.h"
#include "render/transformers/name_hash.h"
#include "transformers/golden_test_support.h"

namespace sluice::render::transformers {
namespace {

std::string error_of(const auto& action) {
  try {
    action();
  } catch (const Error& e) {
    return e.message();
  }
  return "no error";
}

// The builder's last steps, done by hand: name hashes, then hidden keys removed.
void finish(std::vector<Object>& objects) {
  for (Object& object : objects) {
    Json& json = object.json();
    if (json.contains(std::string(kNeedsHashKey))) {
      object.set_name(object.name() + "-" + name_hash(object));
    }
    json.erase(std::string(kNeedsHashKey));
    json.erase(std::string(kPreviousIdsKey));
  }
}

TEST(GeneratorsTest, MatchesKustomizeGolden) {
  const Kustomization kustomization =
      parse_kustomization(testing::read_testdata("transformers/generators/kustomization.yaml"));
  const GeneratorFileReader read = [](const std::string& path) {
    return testing::read_testdata("transformers/generators/" + path);
  };
  std::vector<Object> objects;
  for (const auto* list : {&kustomization.config_map_generator, &kustomization.secret_generator}) {
    for (GeneratorArgs args : *list) {
      args.options = merge_global_options(args.options, kustomization.generator_options);
      absorb_generated(objects, generate(args, read), args.behavior);
    }
  }
  finish(objects);
  EXPECT_EQ(testing::print(objects), testing::golden_expected("generators"));
}

TEST(GeneratorsTest, ParsesEnvFilesAsKustomize) {
  const std::vector<KeyValue> pairs = parse_env_file(
      "\xEF\xBB\xBF"
      "A=1\r\n# comment\n\n \t B = x \nC\n=skipped\nD=e=f\nE='q'");
  ASSERT_EQ(pairs.size(), 5U);
  EXPECT_EQ(pairs[0].key, "A");
  EXPECT_EQ(pairs[0].value, "1");
  EXPECT_EQ(pairs[1].key, "B ");
  EXPECT_EQ(pairs[1].value, " x ");
  EXPECT_EQ(pairs[2].key, "C");
  EXPECT_EQ(pairs[2].value, "");
  EXPECT_EQ(pairs[3].value, "e=f");
  EXPECT_EQ(pairs[4].value, "'q'");
}

TEST(GeneratorsTest, EnvFileStopsAtALineOver64KiB) {
  const std::string fits = "A=" + std::string(65533, 'x') + "\nB=2\n";
  EXPECT_EQ(parse_env_file(fits).size(), 2U);
  const std::string too_long = "A=1\nL=" + std::string(65534, 'x') + "\nB=2\n";
  EXPECT_EQ(parse_env_file(too_long).size(), 1U);
}

TEST(GeneratorsTest, RefusesInvalidUtf8InEnvFiles) {
  EXPECT_EQ(error_of([] { parse_env_file("A=1\nB=\xff\n"); }), "line 2 has invalid UTF-8 bytes");
}

TEST(GeneratorsTest, ParsesLiteralAndFileSources) {
  EXPECT_EQ(parse_literal_source("a=\"b=c\"").value, "b=c");
  EXPECT_EQ(parse_literal_source("a='b\"").value, "'b\"");
  EXPECT_EQ(error_of([] { parse_literal_source("=b"); }),
            "invalid literal source =b, expected key=value");
  EXPECT_EQ(error_of([] { parse_literal_source("ab"); }),
            "invalid literal source ab, expected key=value");
  EXPECT_EQ(parse_file_source("dir/sub/file.txt").key, "file.txt");
  EXPECT_EQ(parse_file_source("dir/sub/").key, "sub");
  EXPECT_EQ(parse_file_source("k=dir/f").value, "dir/f");
  EXPECT_EQ(error_of([] { parse_file_source("=f"); }),
            "missing key name for file path \"f\" in source \"=f\"");
  EXPECT_EQ(error_of([] { parse_file_source("k="); }),
            "missing file path for key name \"k\" in source \"k=\"");
  EXPECT_EQ(error_of([] { parse_file_source("k=a=b"); }),
            "source \"k=a=b\" key name or file path contains '='");
}

TEST(GeneratorsTest, WrapsBase64At70Characters) {
  EXPECT_EQ(encode_base64_lines(""), "");
  EXPECT_EQ(encode_base64_lines("abc"), "YWJj");
  EXPECT_EQ(encode_base64_lines("ab"), "YWI=");
  EXPECT_EQ(encode_base64_lines(std::string(51, 'y')).size(), 68U);  // one line, no "\n"
  const std::string wrapped = encode_base64_lines(std::string(52, 'x'));
  EXPECT_EQ(wrapped.substr(68), "eA\n==\n");
  // An exact multiple of 70 still ends every line with "\n".
  const std::string exact = encode_base64_lines(std::string(105, 'q'));
  EXPECT_EQ(exact.size(), 142U);
  EXPECT_EQ(exact[70], '\n');
  EXPECT_EQ(exact.back(), '\n');
}

TEST(GeneratorsTest, RefusesDuplicateKeysAndMissingNames) {
  GeneratorArgs args;
  args.kind = "Secret";
  args.name = "s";
  args.literals = {"a=1", "a=2"};
  const GeneratorFileReader no_files = [](const std::string&) -> std::string {
    throw not_found("no files here");
  };
  EXPECT_EQ(error_of([&] { generate(args, no_files); }),
            "configmap s illegally repeats the key `a`");
  args.name.clear();
  EXPECT_EQ(error_of([&] { generate(args, no_files); }), "a configmap must have a name");
  args.name = "s";
  args.literals.clear();
  args.files = {"missing.txt"};
  EXPECT_EQ(error_of([&] { generate(args, no_files); }),
            "loading KV pairs: file source 'missing.txt': no files here");
}

TEST(GeneratorsTest, MergesGlobalOptionsUnderLocalOnes) {
  GeneratorOptions local;
  local.labels = {{"a", "local"}};
  GeneratorOptions global;
  global.labels = {{"a", "global"}, {"b", "global"}};
  global.disable_name_suffix_hash = true;
  const std::optional<GeneratorOptions> merged = merge_global_options(local, global);
  ASSERT_TRUE(merged);
  EXPECT_EQ(merged->labels, (StringMap{{"a", "local"}, {"b", "global"}}));
  EXPECT_TRUE(merged->disable_name_suffix_hash);
  EXPECT_FALSE(merged->immutable);
  EXPECT_FALSE(merge_global_options(std::nullopt, std::nullopt));
}

Object config_map(std::string_view yaml) {
  return Object(parse_yaml(yaml));
}

TEST(GeneratorsTest, MergeKeepsTheOldNameHistoryAndData) {
  std::vector<Object> resources;
  Object old = config_map(
      "{apiVersion: v1, kind: ConfigMap, metadata: {name: pre-cm, namespace: team, labels: {a: "
      "old, b: old}}, data: {x: '1', y: '2'}}");
  store_previous_id(old, "cm", "", "ConfigMap");
  old.json()[std::string(kNeedsHashKey)] = true;
  resources.push_back(old);
  resources.push_back(config_map("{apiVersion: v1, kind: ConfigMap, metadata: {name: other}}"));
  Object generated = config_map(
      "{apiVersion: v1, kind: ConfigMap, metadata: {name: cm, labels: {a: new}}, data: {y: "
      "'3'}}");
  generated.json()[std::string(kNeedsHashKey)] = true;
  absorb_generated(resources, generated, GenerationBehavior::kMerge);
  ASSERT_EQ(resources.size(), 2U);
  const Object& merged = resources[0];
  EXPECT_EQ(merged.name(), "pre-cm");
  EXPECT_EQ(merged.namespace_name(), "team");
  EXPECT_EQ(merged.labels(), (StringMap{{"a", "new"}, {"b", "old"}}));
  EXPECT_EQ(merged.json()["data"], Json::parse(R"({"x":"1","y":"3"})"));
  EXPECT_EQ(previous_names(merged), std::vector<std::string>{"cm"});
  EXPECT_EQ(original_namespace(merged), "");
  EXPECT_TRUE(merged.json().contains(std::string(kNeedsHashKey)));
}

TEST(GeneratorsTest, ReplaceDropsOldDataAndHashNeedsBothSides) {
  std::vector<Object> resources;
  resources.push_back(
      config_map("{apiVersion: v1, kind: ConfigMap, metadata: {name: cm}, "
                 "data: {x: '1'}}"));
  Object replacement =
      config_map("{apiVersion: v1, kind: ConfigMap, metadata: {name: cm}, data: {z: '9'}}");
  replacement.json()[std::string(kNeedsHashKey)] = true;
  absorb_generated(resources, replacement, GenerationBehavior::kReplace);
  EXPECT_EQ(resources[0].json()["data"], Json::parse(R"({"z":"9"})"));
  // The plain resource had no hash, so the replacement gets none either.
  EXPECT_FALSE(resources[0].json().contains(std::string(kNeedsHashKey)));
}

TEST(GeneratorsTest, RefusesCreateOfExistingAndMergeOfMissing) {
  std::vector<Object> resources;
  resources.push_back(config_map("{apiVersion: v1, kind: ConfigMap, metadata: {name: cm}}"));
  const Object same = config_map("{apiVersion: v1, kind: ConfigMap, metadata: {name: cm}}");
  const Object other = config_map("{apiVersion: v1, kind: ConfigMap, metadata: {name: nope}}");
  EXPECT_EQ(error_of([&] { absorb_generated(resources, same, GenerationBehavior::kCreate); }),
            "id ConfigMap.v1.[noGrp]/cm.[noNs] exists; behavior must be merge or replace");
  EXPECT_EQ(error_of([&] { absorb_generated(resources, other, GenerationBehavior::kMerge); }),
            "id ConfigMap.v1.[noGrp]/nope.[noNs] does not exist; cannot merge or replace");
  // An unknown behavior creates, as in kustomize.
  absorb_generated(resources, other, GenerationBehavior::kUnspecified);
  EXPECT_EQ(resources.size(), 2U);
}

TEST(GeneratorsTest, ParsesGeneratorFieldsStrictly) {
  EXPECT_EQ(
      error_of([] { parse_generator_list(parse_yaml("[{name: a, type: Opaque}]"), "ConfigMap"); }),
      "invalid Kustomization: json: unknown field \"type\"");
  EXPECT_EQ(
      error_of([] { parse_generator_list(parse_yaml("[{name: a, literals: x}]"), "Secret"); }),
      "invalid Kustomization: field 'secretGenerator.literals' must be a list of strings");
  EXPECT_EQ(error_of([] { parse_generator_options(parse_yaml("{labels: {a: 1}}")); }),
            "invalid Kustomization: field 'generatorOptions.labels.a' must be a string (quote it)");
  const std::vector<GeneratorArgs> args = parse_generator_list(
      parse_yaml("[{name: a, envs: [x.env], env: y.env, behavior: merge, type: t}]"), "Secret");
  ASSERT_EQ(args.size(), 1U);
  EXPECT_EQ(args[0].envs, (std::vector<std::string>{"x.env", "y.env"}));
  EXPECT_EQ(args[0].behavior, GenerationBehavior::kMerge);
  EXPECT_EQ(args[0].type, "t");
}

}  // namespace
}  // namespace sluice::render::transformers
