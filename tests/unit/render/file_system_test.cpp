#include "render/file_system.h"

#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "core/error.h"

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

}  // namespace
}  // namespace sluice::render
