#include "render/builder.h"

#include <fstream>

#include <gtest/gtest.h>

#include "core/error.h"
#include "test_helpers.h"

namespace sluice::render {
namespace {
namespace fs = std::filesystem;

class BuilderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = sluice::testing::test_temp_path("sluice-builder-test");
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    write("app.yaml",
          "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n"
          "  template:\n    spec:\n      containers:\n      - name: app\n        image: app:1\n");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name, std::ios::binary) << text;
  }

  fs::path dir_;
};

TEST_F(BuilderTest, AppliesAStrategicMergePatchByTheResourcesEarlierName) {
  write("kustomization.yaml",
        "namePrefix: p-\nresources: [app.yaml]\npatches:\n- patch: |-\n    apiVersion: apps/v1\n"
        "    kind: Deployment\n    metadata:\n      name: app\n    spec:\n      replicas: 2\n");
  write(
      "overlay.yaml",
      "resources: [app.yaml]\npatches:\n- patch: |-\n    apiVersion: apps/v1\n"
      "    kind: Deployment\n    metadata:\n      name: renamed\n  target:\n    kind: Deployment\n"
      "  options:\n    allowNameChange: true\n- patch: |-\n    apiVersion: apps/v1\n"
      "    kind: Deployment\n    metadata:\n      name: app\n    spec:\n      paused: true\n");
  std::vector<Object> objects = build(dir_);
  ASSERT_EQ(objects.size(), 1U);
  EXPECT_EQ(objects[0].name(), "p-app");
  EXPECT_EQ(objects[0].json()["spec"]["replicas"], 2);

  fs::rename(dir_ / "overlay.yaml", dir_ / "kustomization.yaml");
  objects = build(dir_);
  ASSERT_EQ(objects.size(), 1U);
  EXPECT_EQ(objects[0].name(), "renamed");
  EXPECT_EQ(objects[0].json()["spec"]["paused"], true);  // found by its name before the patch
  EXPECT_EQ(objects[0].json().size(), 4U);               // no name history in the output
}

TEST_F(BuilderTest, RefusesAStrategicMergePatchThatMatchesNothing) {
  write("kustomization.yaml",
        "resources: [app.yaml]\npatchesStrategicMerge:\n- |-\n  apiVersion: apps/v1\n"
        "  kind: Deployment\n  metadata:\n    name: other\n");
  try {
    (void)build(dir_);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(e.message().find("no matches for Id Deployment.v1.apps/other.[noNs]"),
              std::string::npos)
        << e.message();
  }
}

TEST_F(BuilderTest, KeepsNoNameHistoryInTheOutput) {
  write("kustomization.yaml",
        "namePrefix: p-\nnameSuffix: -s\nnamespace: ns\nresources: [app.yaml]\nreplicas:\n"
        "- name: app\n  count: 2\n");
  const std::vector<Object> objects = build(dir_);
  ASSERT_EQ(objects.size(), 1U);
  EXPECT_EQ(objects[0].name(), "p-app-s");
  EXPECT_EQ(objects[0].json()["spec"]["replicas"], 2);
  EXPECT_EQ(objects[0].json().size(), 4U);  // apiVersion, kind, metadata, spec
}

TEST_F(BuilderTest, HashesGeneratedNamesAtTheEndWithoutHiddenKeys) {
  fs::create_directories(dir_ / "base");
  write("base/kustomization.yaml", "configMapGenerator:\n- name: cm\n  literals: [a=1]\n");
  write("kustomization.yaml",
        "namePrefix: p-\nresources: [base]\nconfigMapGenerator:\n- name: cm\n"
        "  behavior: merge\n  literals: [b=2]\n");
  const std::vector<Object> objects = build(dir_);
  ASSERT_EQ(objects.size(), 1U);
  // kubectl kustomize prints p-cm-7gdc49gk6d for this tree: the hash covers the merged data.
  EXPECT_EQ(objects[0].name(), "p-cm-7gdc49gk6d");
  EXPECT_EQ(objects[0].json().size(), 4U);  // apiVersion, kind, metadata, data
}

TEST_F(BuilderTest, BoundsWhatGeneratorsRead) {
  write("big.txt", std::string((std::size_t{8} << 20) - 1, 'x'));
  std::string kustomization = "configMapGenerator:\n- name: cm\n  files:\n";
  for (int i = 0; i < 9; ++i) kustomization += "  - k" + std::to_string(i) + "=big.txt\n";
  write("kustomization.yaml", kustomization);
  try {
    (void)build(dir_);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kResourceExhausted) << e.message();
  }
}

}  // namespace
}  // namespace sluice::render
