#include "render/builder.h"

#include <fstream>

#include <gtest/gtest.h>

#include "core/error.h"

namespace sluice::render {
namespace {
namespace fs = std::filesystem;

class BuilderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("sluice-builder-test-" +
            std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
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

TEST_F(BuilderTest, RefusesStrategicMergePatchesForNow) {
  write("kustomization.yaml",
        "resources: [app.yaml]\npatches:\n- patch: |-\n    apiVersion: apps/v1\n"
        "    kind: Deployment\n    metadata:\n      name: app\n    spec:\n      replicas: 2\n");
  try {
    (void)build(dir_);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kUnimplemented);
    EXPECT_NE(e.message().find("strategic merge patches are not supported yet"), std::string::npos)
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

}  // namespace
}  // namespace sluice::render
