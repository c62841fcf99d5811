#include "controller/artifact_store.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace sluice::controller {
namespace {

namespace fs = std::filesystem;

class ArtifactStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("artifact-store-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
             "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
  }
  void TearDown() override { remove_tree(root_); }

  ArtifactPtr write(ArtifactStore& store, const std::string& commit) {
    auto artifact = std::make_shared<Artifact>();
    artifact->source_key = "shop/platform";
    artifact->commit = commit;
    artifact->dir = store.snapshot_dir("shop/platform", commit);
    fs::create_directories(artifact->dir / "apps");
    std::ofstream(artifact->dir / "apps" / "a.yaml") << commit;
    return artifact;
  }

  fs::path root_;
};

TEST_F(ArtifactStoreTest, PublishedSnapshotsAreReadOnlyAndCurrent) {
  ArtifactStore store(root_);
  const ArtifactPtr first = write(store, "aaa");
  store.publish(first);
  EXPECT_EQ(store.current("shop/platform"), first);
  EXPECT_EQ(store.current("shop/other"), nullptr);
  const auto perms = fs::status(first->dir / "apps" / "a.yaml").permissions();
  EXPECT_EQ(perms & fs::perms::owner_write, fs::perms::none);
  EXPECT_EQ(fs::status(first->dir).permissions() & fs::perms::owner_write, fs::perms::none);
}

TEST_F(ArtifactStoreTest, AReplacedSnapshotGoesOnlyOnceNobodyHoldsIt) {
  ArtifactStore store(root_);
  ArtifactPtr held = write(store, "aaa");
  const fs::path old_dir = held->dir;
  store.publish(held);
  store.publish(write(store, "bbb"));
  store.collect_garbage();
  EXPECT_TRUE(fs::exists(old_dir / "apps" / "a.yaml")) << "removed while a render held it";
  held.reset();
  store.collect_garbage();
  EXPECT_FALSE(fs::exists(old_dir));
  EXPECT_TRUE(fs::exists(store.current("shop/platform")->dir));
}

TEST_F(ArtifactStoreTest, TheSameCommitAgainGetsAFolderOfItsOwn) {
  ArtifactStore store(root_);
  EXPECT_NE(store.snapshot_dir("shop/platform", "aaa"), store.snapshot_dir("shop/platform", "aaa"));
}

TEST_F(ArtifactStoreTest, RemovedSourcesAndARestartLeaveNothing) {
  {
    ArtifactStore store(root_);
    store.publish(write(store, "aaa"));
    store.remove("shop/platform");
    EXPECT_EQ(store.current("shop/platform"), nullptr);
    store.collect_garbage();
    store.publish(write(store, "bbb"));
  }
  ArtifactStore restarted(root_);  // snapshots are not trusted across restarts
  EXPECT_TRUE(fs::is_empty(root_ / "artifacts"));
  EXPECT_TRUE(fs::exists(restarted.repositories()));
}

}  // namespace
}  // namespace sluice::controller
