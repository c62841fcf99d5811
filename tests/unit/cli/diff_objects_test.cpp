// What `sluice diff` compares and how it hides Secret values (cli/diff_objects.h).
#include "cli/diff_objects.h"

#include <gtest/gtest.h>

#include "core/yaml_writer.h"

namespace sluice::cli {
namespace {

Json secret(const Json& data, const Json& annotations = nullptr) {
  Json object{{"apiVersion", "v1"}, {"kind", "Secret"}, {"metadata", {{"name", "s"}}}};
  if (!data.is_null()) object["data"] = data;
  if (!annotations.is_null()) object["metadata"]["annotations"] = annotations;
  return object;
}

TEST(DiffObjectsTest, ComparableDropsWhatTheServerRewritesOnEveryWrite) {
  const Json live = Json::parse(R"({
    "apiVersion": "v1", "kind": "ConfigMap",
    "metadata": {"name": "a", "namespace": "shop", "uid": "u1", "resourceVersion": "7",
                 "generation": 2, "creationTimestamp": "2026-01-01T00:00:00Z",
                 "selfLink": "/x", "managedFields": [{"manager": "sluice"}],
                 "labels": {"app": "a"}, "annotations": {"note": "kept"}},
    "data": {"value": "1"}, "status": {"phase": "x"}})");
  const Json expected = Json::parse(R"({
    "apiVersion": "v1", "kind": "ConfigMap",
    "metadata": {"name": "a", "namespace": "shop", "labels": {"app": "a"},
                 "annotations": {"note": "kept"}},
    "data": {"value": "1"}})");
  EXPECT_EQ(comparable(live), expected);
  // What is left is compared whole: a label or annotation change is a change.
  Json relabelled = live;
  relabelled["metadata"]["labels"]["app"] = "b";
  EXPECT_NE(comparable(relabelled), comparable(live));
  Json regenerated = live;
  regenerated["metadata"]["resourceVersion"] = "8";
  regenerated["metadata"]["managedFields"] = Json::array();
  regenerated["status"] = Json{{"phase", "y"}};
  EXPECT_EQ(comparable(regenerated), comparable(live));
  EXPECT_EQ(comparable(Json("text")), Json("text"));
  EXPECT_EQ(comparable(Json{{"metadata", 3}}), Json({{"metadata", 3}}));
}

TEST(DiffObjectsTest, RecognisesCoreSecretsOnly) {
  EXPECT_TRUE(is_secret(secret(nullptr)));
  EXPECT_FALSE(is_secret(Json{{"apiVersion", "example.com/v1"}, {"kind", "Secret"}}));
  EXPECT_FALSE(is_secret(Json{{"apiVersion", "v1"}, {"kind", "ConfigMap"}}));
  EXPECT_FALSE(is_secret(Json{{"apiVersion", 1}, {"kind", "Secret"}}));
  EXPECT_FALSE(is_secret(Json::array()));
}

TEST(DiffObjectsTest, MasksSayWhichKeysChangedButNoValue) {
  Json live = secret({{"same", "c2FtZQ=="}, {"changed", "b2xk"}, {"removed", "Z29uZQ=="}});
  Json merged = secret({{"same", "c2FtZQ=="}, {"changed", "bmV3"}, {"added", "YWRkZWQ="}});
  mask_secret_values(live, merged);
  EXPECT_EQ(live["data"], Json({{"same", "***"}, {"changed", "*** (before)"}, {"removed", "***"}}));
  EXPECT_EQ(merged["data"], Json({{"same", "***"}, {"changed", "*** (after)"}, {"added", "***"}}));
  for (const Json* side : {&live, &merged}) {
    const std::string text = write_yaml(*side);
    for (const char* value : {"c2FtZQ==", "b2xk", "bmV3", "Z29uZQ==", "YWRkZWQ="}) {
      EXPECT_EQ(text.find(value), std::string::npos) << text;
    }
  }
}

TEST(DiffObjectsTest, MasksStringDataAndKubectlsLastAppliedCopy) {
  const std::string key = "kubectl.kubernetes.io/last-applied-configuration";
  Json live = secret({{"token", "c2VjcmV0"}},
                     {{key, R"({"data":{"token":"c2VjcmV0"}})"}, {"other", "visible"}});
  live["stringData"] = Json{{"plain", "hunter2"}};
  Json merged = secret({{"token", "c2VjcmV0"}}, {{key, R"({"data":{"token":"bmV3"}})"}});
  mask_secret_values(live, merged);
  EXPECT_EQ(live["stringData"], Json({{"plain", "***"}}));
  EXPECT_EQ(live["metadata"]["annotations"][key], "*** (before)");
  EXPECT_EQ(merged["metadata"]["annotations"][key], "*** (after)");
  EXPECT_EQ(live["metadata"]["annotations"]["other"], "visible");
  EXPECT_EQ(live["data"]["token"], "***");
  EXPECT_EQ(write_yaml(live).find("hunter2"), std::string::npos);
}

TEST(DiffObjectsTest, EitherSideMayBeMissing) {
  Json live = nullptr;
  Json merged = secret({{"token", "c2VjcmV0"}});
  mask_secret_values(live, merged);
  EXPECT_TRUE(live.is_null());
  EXPECT_EQ(merged["data"]["token"], "***");
  Json no_data = secret(nullptr);
  Json odd = secret(nullptr);
  odd["data"] = "not a map";
  mask_secret_values(no_data, odd);
  EXPECT_EQ(odd["data"], "not a map");
  EXPECT_FALSE(no_data.contains("data"));
}

}  // namespace
}  // namespace sluice::cli
