#include "render/go_json_decode.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/yaml_reader.h"
#include "render/kustomization_go_types.h"

namespace sluice::render {
namespace {

Json decode(std::string_view yaml, UnknownFields unknown = UnknownFields::kRefuse) {
  return go_json_decode(parse_yaml(yaml, {}, YamlSchema::kGoYamlV2), kustomization_go_type(),
                        unknown);
}

std::string error_of(std::string_view yaml) {
  try {
    (void)decode(yaml);
  } catch (const Error& e) {
    return e.message();
  }
  return "no error";
}

TEST(GoJsonDecodeTest, FoldsCaseAsEncodingJsonDoes) {
  EXPECT_EQ(go_fold_name("namePrefix"), "NAMEPREFIX");
  EXPECT_EQ(go_fold_name("nameſuffix"), "NAMESUFFIX");  // long s
  EXPECT_EQ(go_fold_name("\xE2\x84\xAAind"), "KIND");   // Kelvin sign
  EXPECT_EQ(go_fold_name("naméprefix"), "NAMéPREFIX");
}

TEST(GoJsonDecodeTest, SpellsStructFieldsCanonicallyAtEveryLevel) {
  const Json doc = decode(R"(
APIVERSION: kustomize.config.k8s.io/v1beta1
nameprefix: p-
Vars:
- Name: V
  OBJREF: {Kind: Service, name: s, APIVersion: v1}
  fieldRef: {fieldpath: metadata.name}
configMapGenerator:
- Name: cm
  Literals: [a=1]
  Options: {Labels: {KeepMe: x}}
)");
  EXPECT_EQ(doc["apiVersion"], "kustomize.config.k8s.io/v1beta1");
  EXPECT_EQ(doc["namePrefix"], "p-");
  const Json& var = doc["vars"][0];
  EXPECT_EQ(var["name"], "V");
  EXPECT_EQ(var["objref"]["kind"], "Service");
  EXPECT_EQ(var["objref"]["apiVersion"], "v1");
  EXPECT_EQ(var["fieldref"]["fieldPath"], "metadata.name");
  const Json& generator = doc["configMapGenerator"][0];
  EXPECT_EQ(generator["literals"][0], "a=1");
  // Map keys are data, not field names.
  EXPECT_EQ(generator["options"]["labels"]["KeepMe"], "x");
}

TEST(GoJsonDecodeTest, LaterSpellingInByteOrderWins) {
  // "namePrefix" < "nameprefix": the lower-case one decodes last.
  EXPECT_EQ(decode("nameprefix: lower-\nnamePrefix: camel-\n")["namePrefix"], "lower-");
  EXPECT_EQ(decode("NamePrefix: upper-\nnamePrefix: camel-\n")["namePrefix"], "camel-");
}

TEST(GoJsonDecodeTest, MergesSeveralSpellingsAsGoDoes) {
  // Maps entry by entry, pointers to structs field by field.
  Json doc = decode(
      "commonLabels: {a: '1', b: '1'}\ncommonlabels: {b: '2'}\n"
      "generatorOptions: {labels: {g: x}}\ngeneratoroptions: {disableNameSuffixHash: true}\n");
  EXPECT_EQ(doc["commonLabels"], Json::parse(R"({"a":"1","b":"2"})"));
  EXPECT_EQ(doc["generatorOptions"],
            Json::parse(R"({"labels":{"g":"x"},"disableNameSuffixHash":true})"));
  // Lists item by item, cut to the later length.
  doc = decode("Images: [{name: a, newTag: '1'}, {name: b}]\nimages: [{newName: nn}]\n");
  EXPECT_EQ(doc["images"], Json::parse(R"([{"name":"a","newName":"nn","newTag":"1"}])"));
  // null resets a map and leaves a string.
  doc = decode("commonLabels: {a: '1'}\ncommonlabels: null\nnamePrefix: p-\nnameprefix: null\n");
  EXPECT_TRUE(doc["commonLabels"].is_null());
  EXPECT_EQ(doc["namePrefix"], "p-");
}

TEST(GoJsonDecodeTest, RefusesOrDropsUnknownFields) {
  EXPECT_EQ(error_of("resources: []\nfooBar: x\n"), "json: unknown field \"fooBar\"");
  EXPECT_EQ(error_of("metadata: {foo: bar}\n"), "json: unknown field \"foo\"");
  EXPECT_EQ(error_of("inventory: {}\n"), "json: unknown field \"inventory\"");
  const Json doc = decode("metadata: {foo: bar, Name: x}\n", UnknownFields::kDrop);
  EXPECT_EQ(doc["metadata"], Json::parse(R"({"name":"x"})"));
}

TEST(GoJsonDecodeTest, WrongKindsFailOnlyWhenAnotherSpellingDecodesOverThem) {
  // Alone, a wrong kind is left to the parser of the field.
  EXPECT_EQ(decode("namePrefix: [x]\n")["namePrefix"], Json::parse("[\"x\"]"));
  EXPECT_EQ(error_of("NamePrefix: [x]\nnamePrefix: ok-\n"),
            "json: cannot unmarshal array into Go struct field Kustomization.namePrefix of "
            "type string");
  EXPECT_EQ(error_of("Images: [{newTag: [x]}]\nimages: []\n"),
            "json: cannot unmarshal array into Go struct field Image.images.newTag of type "
            "string");
}

TEST(GoJsonDecodeTest, KustomizationFilesTakeRepeatedKeysTheLastOneWinning) {
  EXPECT_EQ(decode("namePrefix: a-\nresources: []\nnamePrefix: b-\n")["namePrefix"], "b-");
  const Json doc = decode("configMapGenerator:\n- name: g\n  literals: [a=1]\n  literals: [b=2]\n");
  EXPECT_EQ(doc["configMapGenerator"][0]["literals"], Json::parse(R"(["b=2"])"));
  // A << merge applies where it stands.
  EXPECT_EQ(decode("namePrefix: a-\n<<: {namePrefix: b-}\n")["namePrefix"], "b-");
  EXPECT_EQ(decode("<<: {namePrefix: b-}\nnamePrefix: a-\n")["namePrefix"], "a-");
  EXPECT_EQ(decode("<<: [{namePrefix: b-}, {namePrefix: c-}]\n")["namePrefix"], "b-");
}

}  // namespace
}  // namespace sluice::render
