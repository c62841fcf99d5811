// write_snapshot's limits on hostile trees (docs/security.md, "Resource limits on every
// reader"): a blob over the file limit is refused from its object header, before it is inflated,
// and the number of files is bounded. The repositories are built with `git fast-import` (the git
// CLI) into a temporary folder; nothing else of the environment is needed.
#include "git/snapshot.h"

#include <fstream>
#include <random>

#include <gtest/gtest.h>

#include "core/error.h"
#include "process.h"

namespace sluice::git {
namespace {

namespace fs = std::filesystem;
using testing::ProcessOptions;
using testing::ProcessResult;
using testing::run_process;

long long peak_rss_kib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6));
  }
  return -1;
}

class SnapshotTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("sluice-snapshot-test-" + std::to_string(std::random_device{}()));
    fs::create_directories(root_);
    const ProcessResult init = run_process({"git", "init", "-q", "--bare", bare().string()});
    ASSERT_EQ(init.exit_code, 0) << init.err;
  }
  void TearDown() override { fs::remove_all(root_); }

  fs::path bare() const { return root_ / "repo.git"; }
  fs::path out() const { return root_ / "snapshot"; }

  // Imports one commit of `stream`'s file commands (fast-import's "M ..." lines with their
  // data, after any blobs) and returns its id.
  std::string import(const std::string& blobs, const std::string& files) {
    const std::string stream = blobs +
                               "commit refs/heads/main\ncommitter t <t@sluice.dev> 0 +0000\n"
                               "data 1\nx\n" +
                               files;
    const ProcessResult imported =
        run_process({"git", "-C", bare().string(), "fast-import", "--quiet"},
                    ProcessOptions{}.set_input(stream));
    EXPECT_EQ(imported.exit_code, 0) << imported.err;
    const ProcessResult head = run_process({"git", "-C", bare().string(), "rev-parse", "main"});
    return head.out.substr(0, head.out.find('\n'));
  }

  static std::string file(const std::string& path, const std::string& content) {
    return "M 100644 inline " + path + "\ndata " + std::to_string(content.size()) + "\n" + content +
           "\n";
  }

  fs::path root_;
};

TEST_F(SnapshotTest, ABlobOverTheLimitIsRefusedBeforeItIsInflated) {
  // 256 MiB of zeros, about 256 KiB in the object database: a decompression bomb. Before the
  // fix, git_blob_lookup inflated all of it to learn its size.
  constexpr std::uint64_t kBomb = std::uint64_t{256} << 20U;
  const ProcessResult written =
      run_process({"sh", "-c", "head -c \"$2\" /dev/zero | git -C \"$1\" hash-object -w --stdin",
                   "hash", bare().string(), std::to_string(kBomb)});
  ASSERT_EQ(written.exit_code, 0) << written.err;
  const std::string blob = written.out.substr(0, written.out.find('\n'));
  const std::string commit =
      import("", file("ok.yaml", "a: 1\n") + "M 100644 " + blob + " dir/zeros.bin\n");

  const long long before = peak_rss_kib();
  try {
    write_snapshot(bare(), commit, out());
    FAIL() << "the bomb was written";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kResourceExhausted);
    EXPECT_EQ(e.message(), "dir/zeros.bin is 268435456 bytes, over the limit of 8388608");
  }
  EXPECT_LT(peak_rss_kib() - before, 32 * 1024) << "the blob was inflated";
  EXPECT_FALSE(fs::exists(out()));
}

TEST_F(SnapshotTest, TheNumberOfFilesIsBounded) {
  std::string files;
  for (int i = 0; i < 11; ++i) files += file("f/" + std::to_string(i), "");
  const std::string commit = import("", files);

  SnapshotOptions options;
  options.max_entries = 10;
  try {
    write_snapshot(bare(), commit, out(), options);
    FAIL() << "11 files were written under a limit of 10";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kResourceExhausted);
    EXPECT_NE(e.message().find("more than 10 files"), std::string::npos) << e.message();
    EXPECT_NE(e.message().find("spec.ignore"), std::string::npos) << e.message();
  }
  EXPECT_FALSE(fs::exists(out()));

  // Ignored paths do not count; exactly the limit is fine.
  options.ignore.push_back("/f/10");
  const Snapshot snapshot = write_snapshot(bare(), commit, out(), options);
  EXPECT_EQ(snapshot.entries, 10U);
  options.max_entries = 9;
  EXPECT_THROW(write_snapshot(bare(), commit, out(), options), Error);
  EXPECT_TRUE(fs::exists(out() / "f" / "9")) << "the last good snapshot is kept";
}

TEST_F(SnapshotTest, ALargeSluiceignoreIsRefusedFromItsHeader) {
  const std::string commit =
      import("", file(".sluiceignore", std::string((1U << 20U) + 1, '#')) + file("a.yaml", "a"));
  try {
    write_snapshot(bare(), commit, out());
    FAIL() << "an oversized .sluiceignore was read";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::kResourceExhausted);
    EXPECT_NE(e.message().find(".sluiceignore is 1048577 bytes"), std::string::npos) << e.message();
  }
}

}  // namespace
}  // namespace sluice::git
