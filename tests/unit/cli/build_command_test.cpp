#include "cli/build_command.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli/command_line.h"
#include "cli_test_support.h"

namespace sluice::cli {
namespace {
namespace fs = std::filesystem;

// The usual kustomize layout: repo/base and repo/overlays/prod naming ../../base, with a file
// next to the repository that an overlay must not reach.
class BuildRootTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::create_directories(repo_ / "base");
    fs::create_directories(prod_);
    write(repo_ / "base" / "kustomization.yaml", "resources:\n- configmap.yaml\n");
    write(repo_ / "base" / "configmap.yaml",
          "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\n");
    write(prod_ / "kustomization.yaml", "namePrefix: prod-\nresources:\n- ../../base\n");
    write(dir_.path() / "outside.yaml",
          "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: outside\n");
  }

  static void write(const fs::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
  }

  TempDir dir_{"sluice-build-root-test-"};
  fs::path repo_ = dir_.path() / "repo";
  fs::path prod_ = repo_ / "overlays" / "prod";
};

TEST_F(BuildRootTest, DefaultRootIsTheTopOfTheWorkTree) {
  for (const bool git_file : {false, true}) {
    fs::remove_all(repo_ / ".git");
    if (git_file) {
      write(repo_ / ".git", "gitdir: /elsewhere/.git/worktrees/repo\n");
    } else {
      fs::create_directory(repo_ / ".git");
    }
    const CliResult result = run_sluice({"build", prod_.string()});
    ASSERT_EQ(result.code, kExitOk) << result.err;
    EXPECT_NE(result.out.find("  name: prod-settings\n"), std::string::npos) << result.out;
  }
}

TEST_F(BuildRootTest, SymlinkToDirBuildsTheFolderItNames) {
  fs::create_directory(repo_ / ".git");
  fs::create_directory_symlink(prod_, dir_.path() / "prod");
  const CliResult result = run_sluice({"build", (dir_.path() / "prod").string()});
  ASSERT_EQ(result.code, kExitOk) << result.err;
  EXPECT_NE(result.out.find("  name: prod-settings\n"), std::string::npos) << result.out;
}

TEST_F(BuildRootTest, ExplicitRootWins) {
  fs::create_directory(repo_ / ".git");
  const CliResult confined = run_sluice({"build", prod_.string(), "--root", prod_.string()});
  EXPECT_EQ(confined.code, kExitFailure);
  EXPECT_TRUE(confined.out.empty()) << confined.out;
  EXPECT_NE(confined.err.find("outside the root"), std::string::npos) << confined.err;
  const CliResult wider = run_sluice({"build", prod_.string(), "--root=" + dir_.path().string()});
  EXPECT_EQ(wider.code, kExitOk) << wider.err;
}

TEST_F(BuildRootTest, NothingOutsideTheWorkTreeIsRead) {
  fs::create_directory(repo_ / ".git");
  write(prod_ / "kustomization.yaml", "resources:\n- ../../../outside.yaml\n");
  const CliResult result = run_sluice({"build", prod_.string()});
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_TRUE(result.out.empty()) << result.out;
  EXPECT_NE(result.err.find("outside the root '" + fs::canonical(repo_).string() + "'"),
            std::string::npos)
      << result.err;
}

TEST_F(BuildRootTest, OutsideAnyWorkTreeTheRootIsTheBuildFolder) {
  for (fs::path folder = fs::canonical(dir_.path());; folder = folder.parent_path()) {
    if (fs::exists(folder / ".git")) GTEST_SKIP() << "the temp dir is in a work tree: " << folder;
    if (folder == folder.parent_path()) break;
  }
  const CliResult result = run_sluice({"build", prod_.string()});
  EXPECT_EQ(result.code, kExitFailure);
  EXPECT_NE(result.err.find("outside the root '" + fs::canonical(prod_).string() + "'"),
            std::string::npos)
      << result.err;
}

TEST(BuildHelpTest, SaysWhatTheDefaultRootIs) {
  const CliResult result = run_sluice({"build", "--help"});
  EXPECT_EQ(result.code, kExitOk);
  EXPECT_NE(result.out.find("--root ROOT"), std::string::npos) << result.out;
  for (const char* says :
       {"Git work tree holding DIR", ".git entry", "outside any work tree, DIR itself"}) {
    EXPECT_NE(result.out.find(says), std::string::npos) << says << "\n" << result.out;
  }
  EXPECT_NE(result.out.find("as Flux does"), std::string::npos) << result.out;
}

}  // namespace
}  // namespace sluice::cli
