#include "render/file_system.h"

#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "core/error.h"
#include "test_helpers.h"

namespace sluice::render {
namespace {
namespace fs = std::filesystem;

// A scratch tree: <tmp>/outside.yaml and <tmp>/root/{a.yaml, dir/b.yaml, links...}.
class FileSystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = fs::temp_directory_path() /
            ("sluice-fs-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
             "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(base_);
    fs::create_directories(base_ / "root" / "dir");
    write(base_ / "outside.yaml", "x: 1\n");
    write(base_ / "root" / "a.yaml", "a: 1\n");
    write(base_ / "root" / "dir" / "b.yaml", "b: 1\n");
    fs::create_symlink(base_ / "outside.yaml", base_ / "root" / "escape.yaml");
    fs::create_symlink("dir/b.yaml", base_ / "root" / "inside.yaml");
    fs::create_directory_symlink(base_, base_ / "root" / "up");
    root_ = fs::canonical(base_ / "root");
  }
  void TearDown() override { fs::remove_all(base_); }

  static void write(const fs::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
  }

  static ErrorCode code_of(const auto& call) {
    try {
      call();
    } catch (const Error& e) {
      return e.code();
    }
    return ErrorCode::kInternal;  // did not throw
  }

  fs::path base_;
  fs::path root_;
};

TEST_F(FileSystemTest, ReadsFilesInsideTheRoot) {
  const FileSystem files(root_);
  EXPECT_EQ(files.read_file(files.resolve(root_, "a.yaml")), "a: 1\n");
  EXPECT_EQ(files.read_file(files.resolve(root_ / "dir", "../a.yaml")), "a: 1\n");
  EXPECT_EQ(files.read_file(files.resolve(root_, "inside.yaml")), "b: 1\n");
  EXPECT_EQ(files.display(files.resolve(root_, "dir/b.yaml")), "dir/b.yaml");
}

TEST_F(FileSystemTest, RefusesDotDotEscapes) {
  const FileSystem files(root_);
  EXPECT_EQ(code_of([&] { (void)files.resolve(root_, "../outside.yaml"); }),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(code_of([&] { (void)files.resolve(root_ / "dir", "../../outside.yaml"); }),
            ErrorCode::kPermissionDenied);
  // Escapes are refused even when the target does not exist.
  EXPECT_EQ(code_of([&] { (void)files.resolve(root_, "../nothing.yaml"); }),
            ErrorCode::kPermissionDenied);
}

TEST_F(FileSystemTest, RefusesAbsolutePaths) {
  const FileSystem files(root_);
  EXPECT_EQ(code_of([&] { (void)files.resolve(root_, (root_ / "a.yaml").string()); }),
            ErrorCode::kInvalidArgument);
}

TEST_F(FileSystemTest, RefusesSymlinksResolvingOutside) {
  const FileSystem files(root_);
  EXPECT_EQ(code_of([&] { (void)files.resolve(root_, "escape.yaml"); }),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(code_of([&] { (void)files.resolve(root_, "up/outside.yaml"); }),
            ErrorCode::kPermissionDenied);
}

TEST_F(FileSystemTest, ErrorsNameTheFile) {
  const FileSystem files(root_);
  try {
    (void)files.resolve(root_, "dir/missing.yaml");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kNotFound);
    EXPECT_NE(e.message().find("dir/missing.yaml"), std::string::npos) << e.message();
  }
}

TEST_F(FileSystemTest, RefusesFilesOverTheLimit) {
  {
    std::ofstream big(root_ / "big.yaml", std::ios::binary);
    big.seekp(static_cast<std::streamoff>(kMaxFileBytes));
    big.put('x');
  }
  const FileSystem files(root_);
  try {
    (void)files.read_file(files.resolve(root_, "big.yaml"));
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kResourceExhausted);
    EXPECT_NE(e.message().find("big.yaml"), std::string::npos) << e.message();
  }
}

TEST_F(FileSystemTest, ListsDirectoriesSorted) {
  write(root_ / "dir" / "a.yaml", "");
  const FileSystem files(root_);
  const auto entries = files.list_directory(root_ / "dir");
  ASSERT_EQ(entries.size(), 2U);
  EXPECT_EQ(entries[0].filename(), "a.yaml");
  EXPECT_EQ(entries[1].filename(), "b.yaml");
}

TEST(FileSystemWithinTest, ComparesWholeComponents) {
  EXPECT_TRUE(FileSystem::is_within("/a/b/c", "/a/b"));
  EXPECT_TRUE(FileSystem::is_within("/a/b", "/a/b"));
  EXPECT_FALSE(FileSystem::is_within("/a/bc", "/a/b"));
  EXPECT_FALSE(FileSystem::is_within("/a", "/a/b"));
}

// <tmp>/repo (a work tree: .git directory) with overlays/prod and a linked worktree and a
// submodule (each with a .git file) inside it, and <tmp>/plain outside any work tree.
class WorkTreeRootTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = sluice::testing::test_temp_path("sluice-worktree-test");
    fs::remove_all(base_);
    fs::create_directories(base_ / "repo" / ".git");
    fs::create_directories(base_ / "repo" / "overlays" / "prod");
    fs::create_directories(base_ / "repo" / "modules" / "shared" / "base");
    fs::create_directories(base_ / "worktree" / "apps");
    fs::create_directories(base_ / "plain" / "dir");
    std::ofstream(base_ / "repo" / "overlays" / "prod" / "kustomization.yaml") << "resources: []\n";
    std::ofstream(base_ / "repo" / "modules" / "shared" / ".git") << "gitdir: ../../.git/x\n";
    std::ofstream(base_ / "worktree" / ".git") << "gitdir: /elsewhere/.git/worktrees/w\n";
    base_ = fs::canonical(base_);
    for (fs::path folder = base_.parent_path();; folder = folder.parent_path()) {
      if (fs::exists(folder / ".git")) GTEST_SKIP() << "the temp dir is in a work tree: " << folder;
      if (folder == folder.parent_path()) break;
    }
  }
  void TearDown() override { fs::remove_all(base_); }

  fs::path base_;
};

TEST_F(WorkTreeRootTest, IsTheNearestFolderWithAGitEntry) {
  const fs::path repo = base_ / "repo";
  EXPECT_EQ(work_tree_root(repo), repo);
  EXPECT_EQ(work_tree_root(repo / "overlays" / "prod"), repo);
  EXPECT_EQ(work_tree_root(repo / "overlays" / "prod" / "kustomization.yaml"), repo);
  EXPECT_EQ(work_tree_root(repo / "overlays" / "prod" / ".." / "." / "prod"), repo);
  // Linked worktrees and submodules have a .git file.
  EXPECT_EQ(work_tree_root(base_ / "worktree" / "apps"), base_ / "worktree");
  EXPECT_EQ(work_tree_root(repo / "modules" / "shared" / "base"), repo / "modules" / "shared");
}

TEST_F(WorkTreeRootTest, FollowsSymlinksToTheRealFolder) {
  fs::create_directory_symlink(base_ / "repo" / "overlays" / "prod", base_ / "plain" / "link");
  EXPECT_EQ(work_tree_root(base_ / "plain" / "link"), base_ / "repo");
}

TEST_F(WorkTreeRootTest, IsTheFolderItselfOutsideAnyWorkTree) {
  EXPECT_EQ(work_tree_root(base_ / "plain" / "dir"), base_ / "plain" / "dir");
  EXPECT_EQ(work_tree_root(base_ / "plain" / "missing"), base_ / "plain" / "missing");
  EXPECT_EQ(work_tree_root(base_ / "repo" / "missing"), base_ / "repo" / "missing");
}

}  // namespace
}  // namespace sluice::render
