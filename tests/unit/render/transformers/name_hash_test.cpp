#include "render/transformers/name_hash.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "core/yaml_reader.h"

namespace sluice::render::transformers {
namespace {

Object object_from(std::string_view yaml) {
  return Object(parse_yaml(yaml));
}

// Each expected suffix is what kubectl kustomize (v5.5) printed for a generator with this
// content; the names differ from kustomize's own to show the name is not hashed.
TEST(NameHashTest, MatchesKustomizeForConfigMaps) {
  EXPECT_EQ(name_hash(object_from("{apiVersion: v1, kind: ConfigMap, metadata: {name: any}, "
                                  "data: {a: '1'}}")),
            "h29d89cmmt");
  EXPECT_EQ(name_hash(object_from("{apiVersion: v1, kind: ConfigMap, metadata: {name: other}, "
                                  "data: {b: '2'}}")),
            "fmbk44khfc");
  // No data at all: kustomize hashes data as "".
  EXPECT_EQ(name_hash(object_from("{apiVersion: v1, kind: ConfigMap, metadata: {name: cm}}")),
            "6ct58987ht");
}

TEST(NameHashTest, IgnoresNameLabelsNamespaceAndImmutable) {
  const std::string plain = name_hash(
      object_from("{apiVersion: v1, kind: ConfigMap, metadata: {name: a}, data: {a: '1'}}"));
  const std::string decorated = name_hash(object_from(
      "{apiVersion: v1, kind: ConfigMap, metadata: {name: b, namespace: n, labels: {x: y}, "
      "annotations: {p: q}}, immutable: true, data: {a: '1'}}"));
  EXPECT_EQ(plain, decorated);
}

TEST(NameHashTest, MatchesKustomizeForSecrets) {
  EXPECT_EQ(name_hash(object_from(
                "{apiVersion: v1, kind: Secret, metadata: {name: s}, type: Opaque, data: {}}")),
            "46f8b28mk5");
  EXPECT_EQ(name_hash(object_from("{apiVersion: v1, kind: Secret, metadata: {name: generated}, "
                                  "type: Opaque, data: {a: MQ==}}")),
            "25khgmg44c");
  EXPECT_EQ(name_hash(object_from("{apiVersion: v1, kind: Secret, metadata: {name: t}, "
                                  "type: kubernetes.io/tls, data: {tls.crt: Q0VSVA==, "
                                  "tls.key: S0VZ}}")),
            "4b255hm948");
}

TEST(NameHashTest, MatchesKustomizeWithBinaryDataAndEscapedText) {
  // kubectl kustomize tests/conformance/kustomize/generator-files (the ConfigMap).
  const Object files = object_from(R"({apiVersion: v1, kind: ConfigMap, metadata: {name: files},
    binaryData: {logo.png: iVBORw0KGgoAAAANSUhEUv/+},
    data: {empty.txt: "", nginx.conf: "server {\n  listen 80;\n}\n",
           renamed.txt: no trailing newline}})");
  EXPECT_EQ(name_hash(files), "d2c4b6k5mm");
}

TEST(NameHashTest, HashInputIsGoJson) {
  const Object secret = object_from(
      "{apiVersion: v1, kind: Secret, metadata: {name: s}, data: {k: v}, stringData: {a: b}}");
  EXPECT_EQ(hash_input(secret),
            R"({"data":{"k":"v"},"kind":"Secret","name":"","stringData":{"a":"b"},"type":""})");
  const Object config_map =
      object_from("{apiVersion: v1, kind: ConfigMap, metadata: {name: c}, binaryData: {b: AA==}}");
  EXPECT_EQ(hash_input(config_map),
            R"({"binaryData":{"b":"AA=="},"data":"","kind":"ConfigMap","name":""})");
}

TEST(NameHashTest, GoJsonEscapesLikeEncodingJson) {
  EXPECT_EQ(go_json(Json("a\b\f\x01<>&\xe2\x80\xa8\x7f\xff\"\\\n\r\t")),
            R"("a\b\f\u0001\u003c\u003e\u0026\u2028)"
            "\x7f"
            R"(\ufffd\"\\\n\r\t")");
  EXPECT_EQ(go_json(Json::parse(R"({"b":[1,2.5,true,null],"a":1e21,"c":1e-7,"d":100})")),
            R"({"a":1e+21,"b":[1,2.5,true,null],"c":1e-7,"d":100})");
}

TEST(NameHashTest, EncodeSwapsKubectlsCharacters) {
  EXPECT_EQ(encode_hash("0123456789abcdef"), "gh2k456789");
  EXPECT_EQ(encode_hash("aeaeaeaeae00"), "mtmtmtmtmt");
  EXPECT_THROW(encode_hash("abc"), Error);
}

TEST(NameHashTest, RefusesOtherKinds) {
  try {
    name_hash(object_from("{apiVersion: v1, kind: Service, metadata: {name: s}}"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnimplemented);
  }
}

}  // namespace
}  // namespace sluice::render::transformers
